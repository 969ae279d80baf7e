"""Evidence pages: streaming encrypted upload, download headers, access, record pages."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry
from qantar.common.access import Gate
from qantar.evidence.models import EvidenceItem
from qantar.records import services as records
from qantar.records.models import LegalHold
from tests.evidence.conftest import add, files_in, jpeg_with_gps, state
from tests.fixtures.factories import make_user, member

pytestmark = pytest.mark.django_db

BOUNDARY = "----qantar-test-boundary"


def multipart(file_name: str, content: bytes, **fields: str) -> bytes:
    """A multipart body written by hand, so that any file name reaches the server as is."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def post_file(client: Client, collection, file_name: str, content: bytes, **fields: str):
    url = reverse("evidence:upload", args=[collection.pk])
    body = multipart(file_name, content, **({"kind": "photo"} | fields))
    return client.post(url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


@pytest.fixture
def client_for(db):
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def test_upload_page_names_the_record_it_documents(client_for, documenter, collection, person):
    url = reverse("evidence:upload", args=[collection.pk]) + f"?person={person.pk}"
    page = client_for(documenter).get(url).content.decode()
    assert "Dosai Sakhanbayev" in page
    assert f'name="person" value="{person.pk}"' in page
    assert 'enctype="multipart/form-data"' in page


def test_upload_streams_the_file_encrypted_into_the_store(
    client_for, documenter, collection, person, store
):
    photo = jpeg_with_gps()
    response = post_file(
        client_for(documenter),
        collection,
        "injury.jpg",
        photo,
        person=str(person.pk),
        description="Bruises on the back",
        received_from="From the lawyer, 2022-02-05",
    )
    item = EvidenceItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:detail", args=[item.pk])
    assert (item.original_name, item.sha256) == ("injury.jpg", hashlib.sha256(photo).hexdigest())
    assert (item.person, item.captured, item.media_type) == (person, "2022-01-05", "image/jpeg")
    assert files_in(store) == [f"blobs/{item.blob_address[:2]}/{item.blob_address}"]
    assert photo[:200] not in (store / files_in(store)[0]).read_bytes()
    assert [e.note for e in item.custody.all()] == ["From the lawyer, 2022-02-05", None]


def _nothing_left(before, store) -> None:
    assert state() == before
    assert files_in(store) == []


def test_an_upload_over_the_limit_is_stopped_and_leaves_nothing(
    client_for, documenter, collection, person, store, settings
):
    settings.EVIDENCE_MAX_BYTES = 10_000
    client = client_for(documenter)
    before = state()
    response = post_file(client, collection, "video.mp4", b"v" * 300_000, person=str(person.pk))
    assert response.status_code == 413
    assert "The file is larger than 9.8\xa0KB, the limit for evidence: nothing was kept." in (
        response.content.decode()
    )
    _nothing_left(before, store)
    # Announced as too large: refused before a byte is read.
    response = post_file(client, collection, "video.mp4", b"v" * 1_100_000, person=str(person.pk))
    assert response.status_code == 413
    _nothing_left(before, store)


def test_an_empty_file_is_refused_and_leaves_nothing(
    client_for, documenter, collection, person, store
):
    before = state()
    response = post_file(
        client_for(documenter), collection, "empty.jpg", b"", person=str(person.pk)
    )
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()
    _nothing_left(before, store)


def test_a_refused_upload_leaves_nothing(client_for, documenter, collection, person, store):
    before = state()
    response = post_file(
        client_for(documenter), collection, "x.jpg", b"photo", kind="selfie", person=str(person.pk)
    )
    assert response.status_code == 200
    response = post_file(client_for(documenter), collection, "x.jpg", b"photo")
    assert "Say what the file documents" in response.content.decode()
    _nothing_left(before, store)


def test_an_upload_without_the_csrf_token_is_refused_and_leaves_nothing(
    documenter, collection, person, store
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(documenter)
    before = state()
    response = post_file(client, collection, "x.jpg", b"photo", person=str(person.pk))
    assert response.status_code == 403
    _nothing_left(before, store)


@pytest.mark.parametrize(
    ("file_name", "kept"),
    [
        ("../../../etc/passwd", "passwd"),
        ("C:\\\\Windows\\\\evil.jpg", "evil.jpg"),
        ("injury\u202egpj.exe", "injurygpj.exe"),
        ("a\u0007b\u001bc.jpg", "abc.jpg"),
        ("n" * 300 + ".jpg", "n" * 251 + ".jpg"),
    ],
)
def test_hostile_file_names_are_kept_safely(
    client_for, documenter, collection, person, file_name, kept
):
    response = post_file(
        client_for(documenter), collection, file_name, b"photo bytes", person=str(person.pk)
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.original_name == kept
    download = client_for(documenter).get(reverse("evidence:download", args=[item.pk]))
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment; filename")
    assert "/" not in disposition and "\\" not in disposition and "\u202e" not in disposition


def test_a_name_too_long_for_a_request_header_is_a_bad_request_and_leaves_nothing(
    client_for, documenter, collection, person, store
):
    before = state()
    response = post_file(
        client_for(documenter), collection, "n" * 10_000 + ".jpg", b"photo", person=str(person.pk)
    )
    assert response.status_code == 400
    _nothing_left(before, store)


def test_download_is_an_audited_attachment_that_is_never_sniffed(
    client_for, documenter, collection, person
):
    photo = jpeg_with_gps()
    item = add(
        Gate.for_user(documenter), collection, photo, name="Фото побоев.jpg", person=person.pk
    ).item
    response = client_for(documenter).get(reverse("evidence:download", args=[item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%A4%D0%BE%D1%82%D0%BE%20%D0%BF%D0%BE%D0%B1%D0%BE%D0%B5"
        "%D0%B2.jpg"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Length"] == str(len(photo))
    assert item.custody.last().action == "downloaded"
    assert AuditEntry.objects.filter(object_id=str(item.pk), action="view_sensitive").count() == 1


def test_outsiders_get_not_found_and_analysts_forbidden(client_for, documenter, collection, person):
    item = add(Gate.for_user(documenter), collection, b"photo", person=person.pk).item
    analyst = member(make_user("analyst"), collection, Role.ANALYST)
    outsider = make_user("outsider")
    before = state()
    for name in ("evidence:detail", "evidence:download", "evidence:custody_add"):
        url = reverse(name, args=[item.pk])
        assert client_for(outsider).get(url).status_code == 404, name
        assert client_for(analyst).get(url).status_code == 403, name
    assert client_for(analyst).post(reverse("evidence:verify", args=[item.pk])).status_code == 403
    upload = reverse("evidence:upload", args=[collection.pk])
    assert client_for(outsider).get(upload).status_code == 404
    assert client_for(analyst).get(upload).status_code == 403
    assert (
        post_file(client_for(analyst), collection, "x.jpg", b"x", person=str(person.pk)).status_code
        == 403
    )
    assert state() == before


def test_the_person_page_shows_evidence_with_hash_and_custody(
    client_for, documenter, collection, person
):
    item = add(
        Gate.for_user(documenter), collection, b"photo", name="back.jpg", person=person.pk
    ).item
    page = (
        client_for(documenter)
        .get(reverse("records:person_detail", args=[person.pk]))
        .content.decode()
    )
    assert "back.jpg" in page
    assert item.sha256 in page
    assert "Chain of custody: 2 events" in page
    assert f"{reverse('evidence:upload', args=[collection.pk])}?person={person.pk}" in page
    analyst = member(make_user("analyst"), collection, Role.ANALYST)
    shown = (
        client_for(analyst).get(reverse("records:person_detail", args=[person.pk])).content.decode()
    )
    assert "1 evidence file. Your role does not show evidence files." in shown
    assert "back.jpg" not in shown and item.sha256 not in shown


def test_violation_and_event_pages_show_their_evidence(client_for, documenter, collection, person):
    gate = Gate.for_user(documenter)
    event = records.record_event_record(gate, collection, {"title": "Dispersal"})
    violation = records.record_violation(
        gate, {"victim": person.pk, "type": "torture", "event": event.pk}
    )
    add(gate, collection, b"video of the square", name="square.mp4", kind="video", event=event.pk)
    add(gate, collection, b"x-ray", name="xray.jpg", violation=violation.pk)
    client = client_for(documenter)
    event_page = client.get(reverse("records:event_detail", args=[event.pk])).content.decode()
    violation_page = client.get(
        reverse("records:violation_detail", args=[violation.pk])
    ).content.decode()
    assert "square.mp4" in event_page and "xray.jpg" not in event_page
    assert "xray.jpg" in violation_page and "square.mp4" not in violation_page


def test_detail_page_custody_and_verification(client_for, documenter, collection, person):
    item = add(Gate.for_user(documenter), collection, jpeg_with_gps(), person=person.pk).item
    client = client_for(documenter)
    page = client.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert item.sha512 in page
    assert "Camera model" in page and "SM-A515F" in page
    assert "43.238167, 76.945567" in page
    response = client.post(
        reverse("evidence:custody_add", args=[item.pk]),
        {"action": "transferred", "party": "Almaty city court", "note": "Sealed envelope No. 12"},
    )
    assert response.status_code == 302
    response = client.post(reverse("evidence:verify", args=[item.pk]), follow=True)
    assert "it matches its SHA-256" in response.content.decode()
    assert [e.action for e in item.custody.all()] == [
        "received",
        "stored",
        "transferred",
        "verified",
    ]
    page = client.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "Almaty city court" in page and "Sealed envelope No. 12" in page


def test_a_legal_hold_placed_from_the_evidence_page_names_the_file(
    client_for, collection, person, documenter
):
    admin = member(make_user("admin"), collection, Role.ADMINISTRATOR)
    item = add(Gate.for_user(admin), collection, b"photo", person=person.pk).item
    url = reverse("records:legal_hold_place", args=[person.pk]) + f"?evidence={item.pk}"
    client = client_for(admin)
    assert "The hold is for the evidence file “injury.jpg”" in client.get(url).content.decode()
    response = client.post(url, {"reason": "Exhibit 4 in the appeal"})
    assert response["Location"] == reverse("evidence:detail", args=[item.pk])
    hold = LegalHold.objects.get()
    assert (hold.person, hold.evidence, hold.reason) == (person, item, "Exhibit 4 in the appeal")
    page = client.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "Exhibit 4 in the appeal" in page


def test_index_lists_what_the_user_may_open(client_for, documenter, collection, person):
    add(Gate.for_user(documenter), collection, b"photo", name="front.jpg", person=person.pk)
    assert "front.jpg" in client_for(documenter).get(reverse("evidence:index")).content.decode()
    analyst = member(make_user("analyst"), collection, Role.ANALYST)
    page = client_for(analyst).get(reverse("evidence:index")).content.decode()
    assert "front.jpg" not in page
    assert "No evidence file that you may open." in page
