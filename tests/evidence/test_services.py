"""Evidence services: storing, opening, custody, tampering, erasure, legal hold, access."""

from __future__ import annotations

import hashlib
import json
import os
import uuid

import pytest

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry
from qantar.common.access import Gate
from qantar.core.errors import (
    Conflict,
    IntegrityFailure,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from qantar.core.sealedstream import CHUNK_BYTES, HEADER_BYTES, TAG_BYTES
from qantar.evidence import queries, services
from qantar.evidence.models import CustodyEvent, EvidenceItem
from qantar.evidence.store import blob_path
from qantar.records import services as records
from qantar.records.models import LegalHold, Person
from tests.evidence.conftest import add, files_in, jpeg_with_gps, receive, state
from tests.fixtures.factories import make_collection, make_user, member, person_data

pytestmark = pytest.mark.django_db

LETTER = "Выписка из истории болезни: перелом двух рёбер.\n".encode() * 50_000  # 3.7 MB


def opened(gate, item) -> bytes:
    return b"".join(services.open_file(gate, item))


def test_a_file_round_trips_with_its_hashes_and_first_custody(gate, collection, person, store):
    added = add(
        gate,
        collection,
        LETTER,
        name="Справка.txt",
        kind="medical_document",
        person=person.pk,
        description="Hospital No. 7",
        received_from="From the wife",
    )
    item = EvidenceItem.objects.get()
    assert added.is_new is True
    assert item == added.item
    assert (item.kind, item.media_type, item.size_bytes) == (
        "medical_document",
        "text/plain",
        len(LETTER),
    )
    assert item.sha256 == hashlib.sha256(LETTER).hexdigest()
    assert item.sha512 == hashlib.sha512(LETTER).hexdigest()
    assert (item.original_name, item.description) == ("Справка.txt", "Hospital No. 7")
    assert item.key_id == person.key_id
    assert item.person == person
    assert opened(gate, item) == LETTER
    assert [(e.action, e.note, e.actor_label) for e in item.custody.all()] == [
        ("received", "From the wife", "documenter"),
        ("stored", None, "documenter"),
        ("downloaded", None, "documenter"),
    ]
    assert list(
        AuditEntry.objects.filter(object_id=str(item.pk)).values_list("action", flat=True)
    ) == ["create", "status_change", "view_sensitive"]
    created = AuditEntry.objects.get(object_id=str(item.pk), action="create")
    assert created.details["sha256"] == item.sha256
    assert "Справка" not in json.dumps(list(AuditEntry.objects.values("details")))
    assert files_in(store) == [f"blobs/{item.blob_address[:2]}/{item.blob_address}"]


def test_the_store_holds_neither_the_plain_text_nor_the_hash_as_an_address(
    gate, collection, person, store
):
    item = add(gate, collection, LETTER, kind="other", person=person.pk).item
    blob = blob_path(item.blob_address)
    content = blob.read_bytes()
    assert item.blob_address != item.sha256
    assert item.sha256 not in item.blob_address
    assert "перелом".encode() not in content
    assert LETTER[:64] not in content
    assert hashlib.sha256(content).hexdigest() == item.blob_sha256
    assert oct(blob.stat().st_mode & 0o777) == "0o400"


def test_the_same_file_for_the_same_person_is_stored_once(gate, collection, person, store):
    first = add(gate, collection, LETTER, kind="other", person=person.pk)
    before = state()
    again = add(gate, collection, LETTER, kind="other", person=person.pk)
    assert (again.is_new, again.item) == (False, first.item)
    assert state() == before
    assert len(files_in(store)) == 1
    other = records.record_person(gate, collection, person_data())
    assert add(gate, collection, LETTER, kind="other", person=other.pk).is_new is True
    assert len(files_in(store)) == 2


def test_a_violation_or_testimony_file_is_sealed_under_the_victims_key(gate, collection, person):
    violation = records.record_violation(gate, {"victim": person.pk, "type": "torture"})
    testimony = records.record_testimony(gate, {"person": person.pk, "text": "I was beaten."})
    on_violation = add(gate, collection, b"photo 1", violation=violation.pk).item
    on_testimony = add(gate, collection, b"audio 2", kind="audio", testimony=testimony.pk).item
    assert (on_violation.person, on_violation.key_id) == (person, person.key_id)
    assert (on_testimony.person, on_testimony.key_id) == (person, person.key_id)


def test_an_event_file_is_sealed_under_the_collection_key(gate, collection):
    event = records.record_event_record(gate, collection, {"title": "Dispersal, Republic Sq."})
    item = add(gate, collection, b"video", kind="video", event=event.pk).item
    assert item.person is None
    assert item.key_id == collection.records_key_id
    assert opened(gate, item) == b"video"


def test_exif_metadata_and_gps_are_read_and_sealed(gate, collection, person):
    item = add(gate, collection, jpeg_with_gps(), person=person.pk).item
    assert item.media_type == "image/jpeg"
    assert item.captured == "2022-01-05"
    assert queries.metadata_of(item) == {
        "width": 32,
        "height": 24,
        "make": "Samsung",
        "model": "SM-A515F",
        "taken": "2022:01:05 14:03:00",
        "gps": {"latitude": 43.238167, "longitude": 76.945567},
    }
    raw = EvidenceItem.objects.filter(pk=item.pk).values_list("metadata", flat=True).get()
    assert b"Samsung" not in bytes(raw)


def test_the_type_comes_from_the_content_not_the_name(gate, collection, person):
    item = add(gate, collection, b"%PDF-1.4\n...", name="photo.jpg", person=person.pk).item
    assert (item.media_type, item.original_name) == ("application/pdf", "photo.jpg")


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("\x00\x07\x1b", "evidence.txt"),
        ("n" * 10_000 + ".txt", "n" * 251 + ".txt"),
    ],
)
def test_hostile_names_are_stored_safely(gate, collection, person, name, kept):
    item = add(gate, collection, b"plain words", name=name, person=person.pk).item
    assert item.original_name == kept


def _refused(gate, collection, data, store, **values):
    before = state()
    received = receive(data)
    with pytest.raises((ValidationFailed, Conflict, NotFound, PermissionDenied)) as raised:
        try:
            services.add_evidence(gate, collection, received, {"kind": "photo"} | values)
        finally:
            received.discard()
    assert state() == before
    assert files_in(store) == []
    return raised.value


def test_bad_input_is_refused_and_changes_nothing(gate, collection, person, store):
    other = records.record_person(gate, collection, person_data())
    violation = records.record_violation(gate, {"victim": other.pk, "type": "torture"})
    elsewhere = make_collection("Elsewhere", admin=gate.user)
    stranger = records.record_person(Gate.for_user(gate.user), elsewhere, person_data())
    cases = [
        (b"", {"person": person.pk}, "empty_file"),
        (b"x", {}, "no_record"),
        (b"x", {"person": person.pk, "kind": "selfie"}, "invalid_choice"),
        (b"x", {"person": person.pk, "violation": violation.pk}, "two_people"),
        (b"x", {"person": stranger.pk}, "not_found"),
        (b"x", {"person": "not-a-uuid"}, "not_found"),
        (b"x", {"person": person.pk, "captured": "2022-13-45"}, "impossible_date"),
    ]
    codes = [_refused(gate, collection, data, store, **values).code for data, values, _ in cases]
    assert codes == [code for _data, _values, code in cases]


def test_an_oversized_file_is_stopped_while_it_arrives_and_leaves_nothing(store):
    with pytest.raises(ValidationFailed) as raised:
        receive(b"z" * 50_000, max_bytes=20_000)
    assert raised.value.code == "file_too_large"
    assert files_in(store) == []


def test_a_file_about_an_erased_person_cannot_be_added(admin_gate, collection, person, store):
    violation = records.record_violation(admin_gate, {"victim": person.pk, "type": "torture"})
    records.erase_person(admin_gate, person, "The family asked")
    assert _refused(admin_gate, collection, b"x", store, person=person.pk).code == "not_found"
    assert _refused(admin_gate, collection, b"x", store, violation=violation.pk).code == "erased"


# --- tampering -----------------------------------------------------------------------------


def _tamper(item, change) -> None:
    """Change the stored file, and its recorded hash as someone holding the database could."""
    path = blob_path(item.blob_address)
    os.chmod(path, 0o600)
    path.write_bytes(change(path.read_bytes()))
    EvidenceItem.objects.filter(pk=item.pk).update(
        blob_sha256=hashlib.sha256(path.read_bytes()).hexdigest()
    )
    item.refresh_from_db()


SEALED_CHUNK = CHUNK_BYTES + TAG_BYTES


def _chunk(blob: bytes, index: int) -> bytes:
    start = HEADER_BYTES + index * SEALED_CHUNK
    return blob[start : start + SEALED_CHUNK]


def test_tampered_chunks_are_caught_when_opened_and_verified(gate, collection, person):
    big = os.urandom(3 * CHUNK_BYTES + 5)  # four chunks
    cases = {
        "cut at a chunk boundary": lambda blob: blob[: HEADER_BYTES + 2 * SEALED_CHUNK],
        "cut inside a chunk": lambda blob: blob[:-3],
        "a bit flipped": lambda blob: blob[:1000] + bytes([blob[1000] ^ 1]) + blob[1001:],
        "chunks reordered": lambda blob: (
            blob[:HEADER_BYTES]
            + _chunk(blob, 1)
            + _chunk(blob, 0)
            + blob[HEADER_BYTES + 2 * SEALED_CHUNK :]
        ),
        "a chunk repeated": lambda blob: (
            blob[: HEADER_BYTES + SEALED_CHUNK]
            + _chunk(blob, 0)
            + blob[HEADER_BYTES + SEALED_CHUNK :]
        ),
    }
    for index, (name, change) in enumerate(cases.items()):
        item = add(gate, collection, big[index:], kind="video", person=person.pk).item
        _tamper(item, change)
        with pytest.raises(IntegrityFailure) as raised:
            opened(gate, item)
        assert raised.value.code == "stream_rejected", name
        assert services.verify_evidence(gate, item) == "altered", name
        assert item.custody.last().action == "verification_failed"


def test_a_changed_file_is_caught_by_its_encrypted_hash_before_it_is_opened(
    gate, collection, person
):
    item = add(gate, collection, LETTER, kind="other", person=person.pk).item
    path = blob_path(item.blob_address)
    os.chmod(path, 0o600)
    path.write_bytes(path.read_bytes()[:-1])
    before = state()
    with pytest.raises(IntegrityFailure) as raised:
        services.open_file(gate, item)
    assert raised.value.code == "evidence_altered"
    assert state() == before


def test_a_file_swapped_with_another_items_file_is_caught(gate, collection, person):
    first = add(gate, collection, b"first photo " * 100, person=person.pk).item
    second = add(gate, collection, b"second photo " * 100, person=person.pk).item
    stolen = blob_path(second.blob_address).read_bytes()
    _tamper(first, lambda _blob: stolen)
    with pytest.raises(IntegrityFailure) as raised:
        opened(gate, first)
    assert raised.value.code == "stream_rejected"
    assert services.verify_evidence(gate, first) == "altered"


def test_a_missing_file_is_reported(gate, collection, person):
    item = add(gate, collection, b"photo", person=person.pk).item
    blob_path(item.blob_address).unlink()
    with pytest.raises(IntegrityFailure) as raised:
        opened(gate, item)
    assert raised.value.code == "evidence_missing"
    assert services.verify_evidence(gate, item) == "missing"


def test_a_wrong_file_key_fails(gate, collection, person):
    from qantar.core import crypto
    from qantar.core.errors import IntegrityFailure as Failure

    item = add(gate, collection, b"photo", person=person.pk).item
    EvidenceItem.objects.filter(pk=item.pk).update(
        file_key=crypto.seal(crypto.new_key(), crypto.new_key(), b"x")
    )
    item.refresh_from_db()
    with pytest.raises(Failure):
        opened(gate, item)


def test_an_intact_file_verifies(gate, collection, person):
    item = add(gate, collection, LETTER, kind="other", person=person.pk).item
    assert services.verify_evidence(gate, item) == "intact"
    assert item.custody.last().action == "verified"


# --- erasure and legal hold ----------------------------------------------------------------


def test_erasure_makes_the_file_unreadable_and_keeps_hashes_and_custody(
    admin_gate, collection, person, django_capture_on_commit_callbacks
):
    item = add(
        admin_gate,
        collection,
        LETTER,
        kind="other",
        person=person.pk,
        received_from="From the lawyer",
    ).item
    address, sha256 = item.blob_address, item.sha256
    with django_capture_on_commit_callbacks(execute=True):
        records.erase_person(admin_gate, person, "The family asked")
    item = EvidenceItem.objects.get(pk=item.pk)
    assert (item.sha256, item.blob_address) == (sha256, address)
    assert item.original_name is None
    assert blob_path(address).exists()
    with pytest.raises(Conflict) as raised:
        opened(admin_gate, item)
    assert raised.value.code == "erased"
    assert [e.action for e in item.custody.all()] == ["received", "stored", "key_destroyed"]
    assert [e.note for e in item.custody.all()] == [None, None, None]
    assert services.verify_evidence(admin_gate, item) == "erased"
    with pytest.raises(Conflict):
        services.record_custody(admin_gate, item, "note", note="Still here?")


def test_a_legal_hold_on_the_person_blocks_erasure_of_their_evidence(
    admin_gate, collection, person
):
    item = add(admin_gate, collection, LETTER, kind="other", person=person.pk).item
    records.place_legal_hold(admin_gate, person, "Evidence in the Taldykorgan trial")
    before = state()
    with pytest.raises(Conflict) as raised:
        records.erase_person(admin_gate, person, "The family asked")
    assert raised.value.message == "A legal hold blocks erasure: Evidence in the Taldykorgan trial"
    assert state() == before
    assert opened(admin_gate, item) == LETTER


def test_a_legal_hold_on_evidence_blocks_erasure_and_says_so(
    admin_gate, collection, person, django_capture_on_commit_callbacks
):
    item = add(admin_gate, collection, LETTER, kind="other", person=person.pk).item
    hold = records.place_legal_hold(admin_gate, person, "Sealed for the appeal", evidence=item)
    assert (hold.person, hold.evidence) == (person, item)
    assert list(item.legal_holds.all()) == [hold]
    before = state()
    with pytest.raises(Conflict) as raised:
        records.erase_person(admin_gate, person, "The family asked")
    assert raised.value.message == (
        "A legal hold on evidence about this person blocks erasure: Sealed for the appeal"
    )
    assert state() == before
    assert Person.objects.get(pk=person.pk).erased_at is None
    records.lift_legal_hold(admin_gate, hold)
    with django_capture_on_commit_callbacks(execute=True):
        records.erase_person(admin_gate, person, "The family asked")
    with pytest.raises(Conflict):
        opened(admin_gate, EvidenceItem.objects.get(pk=item.pk))


def test_a_hold_cannot_name_evidence_about_someone_else(admin_gate, collection, person):
    other = records.record_person(admin_gate, collection, person_data())
    item = add(admin_gate, collection, b"x", person=other.pk).item
    with pytest.raises(ValidationFailed) as raised:
        records.place_legal_hold(admin_gate, person, "Trial", evidence=item)
    assert raised.value.code == "wrong_person"
    assert LegalHold.objects.count() == 0


# --- access and consent --------------------------------------------------------------------


def test_outsiders_do_not_find_it_and_analysts_may_not_open_it(gate, collection, person):
    item = add(gate, collection, b"photo", person=person.pk).item
    outsider = Gate.for_user(make_user("outsider"))
    analyst = Gate.for_user(member(make_user("analyst"), collection, Role.ANALYST))
    lawyer = Gate.for_user(member(make_user("lawyer"), collection, Role.LAWYER))
    before = state()
    with pytest.raises(NotFound):
        queries.item(outsider, item.pk)
    with pytest.raises(PermissionDenied):
        queries.item(analyst, item.pk)
    with pytest.raises(PermissionDenied):
        services.open_file(analyst, item)
    with pytest.raises(NotFound):
        queries.item(gate, uuid.uuid4())
    assert list(queries.items(analyst)) == []
    assert queries.section(analyst, person).count == 1
    assert queries.section(analyst, person).items == []
    assert state() == before
    assert opened(lawyer, item) == b"photo"
    with pytest.raises(PermissionDenied):
        add(lawyer, collection, b"another", person=person.pk)


def test_export_obeys_consent_and_is_a_custody_event(gate, collection, person):
    letter = add(gate, collection, LETTER, kind="medical_document", person=person.pk).item
    data = b"".join(services.export_file(gate, letter, "documentation"))
    assert hashlib.sha256(data).hexdigest() == letter.sha256
    item = add(gate, collection, jpeg_with_gps(), person=person.pk).item
    with pytest.raises(PermissionDenied) as raised:
        services.export_file(gate, item, "documentation")
    assert raised.value.message == (
        f"{person.pseudonym} has not consented to photographs: the file cannot leave."
    )
    records.record_consent(gate, person, "photographs", "granted", "written", "2023-01-05")
    b"".join(services.export_file(gate, item, "documentation"))
    with pytest.raises(PermissionDenied) as raised:
        services.export_file(gate, item, "submit_un_courts", party="UN CAT")
    assert raised.value.message == (
        f"{person.pseudonym} has not consented to submit un courts: the file cannot leave."
    )
    refusals = AuditEntry.objects.filter(action="refused").order_by("seq")
    assert [entry.details["purpose"] for entry in refusals] == ["photographs", "submit_un_courts"]
    records.record_consent(gate, person, "submit_un_courts", "granted", "written", "2023-01-05")
    b"".join(services.export_file(gate, item, "submit_un_courts", party="UN CAT"))
    actions = [(e.action, e.party) for e in item.custody.all()]
    assert actions[-2:] == [("exported", None), ("transferred", "UN CAT")]
    assert AuditEntry.objects.filter(object_id=str(item.pk), action="share").count() == 1


def test_manual_custody_events(gate, collection, person):
    item = add(gate, collection, b"photo", person=person.pk).item
    services.record_custody(
        gate,
        item,
        "transferred",
        party="Almaty city court",
        note="Handed over on a sealed USB stick",
    )
    services.record_custody(gate, item, "sealed_for_court")
    with pytest.raises(ValidationFailed) as raised:
        services.record_custody(gate, item, "transferred")
    assert raised.value.field == "party"
    with pytest.raises(ValidationFailed):
        services.record_custody(gate, item, "verified")
    assert [(e.action, e.party, e.note) for e in item.custody.all()][2:] == [
        ("transferred", "Almaty city court", "Handed over on a sealed USB stick"),
        ("sealed_for_court", None, None),
    ]


def test_custody_events_are_never_changed_or_deleted(gate, collection, person):
    item = add(gate, collection, b"photo", person=person.pk).item
    event = item.custody.first()
    with pytest.raises(IntegrityFailure):
        event.save()
    with pytest.raises(IntegrityFailure):
        event.delete()
    with pytest.raises(IntegrityFailure):
        CustodyEvent.objects.filter(item=item).update(action="note")
    with pytest.raises(IntegrityFailure):
        CustodyEvent.objects.filter(item=item).delete()
    assert [e.action for e in item.custody.all()] == ["received", "stored"]
