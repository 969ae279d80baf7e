"""Consent per purpose, legal holds and erasure by key destruction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.core import crypto
from qantar.core.errors import Conflict, KeyUnavailable, PermissionDenied, ValidationFailed
from qantar.records import io, queries, services
from qantar.records.models import Consent, Person, PersonName, SearchToken
from tests.fixtures.factories import make_user, member

TODAY = dt.date(2023, 3, 1)


@pytest.fixture
def admin_gate(collection):
    return Gate.for_user(member(make_user("admin"), collection, Role.ADMINISTRATOR))


def test_consent_is_per_purpose_and_withdrawal_is_a_new_dated_decision(gate, person):
    services.record_consent(
        gate, person, "share_partners", "granted", "written", TODAY, conditions="IPHR only"
    )
    assert queries.consent_in_force(person, "share_partners") is True
    assert queries.consent_in_force(person, "publish_named") is False

    services.record_consent(
        gate, person, "share_partners", "withdrawn", "oral_witnessed", "2023-06-01"
    )
    assert queries.consent_in_force(person, "share_partners") is False
    assert list(Consent.objects.filter(person=person).values_list("decision", flat=True)) == [
        "granted",
        "withdrawn",
    ]
    assert AuditEntry.objects.filter(action="consent_change").count() == 2


def test_intimate_images_need_a_second_approver(gate, person, collection):
    with pytest.raises(ValidationFailed) as raised:
        services.record_consent(gate, person, "intimate_images", "granted", "written", TODAY)
    assert raised.value.code == "second_approval_needed"
    with pytest.raises(ValidationFailed):
        services.record_consent(
            gate, person, "intimate_images", "granted", "written", TODAY, second_approver=gate.user
        )
    second = member(make_user("second"), collection, Role.DOCUMENTER)
    services.record_consent(
        gate, person, "intimate_images", "granted", "written", TODAY, second_approver=second
    )
    assert queries.consent_in_force(person, "intimate_images") is True


def test_export_for_sharing_leaves_out_people_without_consent_and_logs_it(gate, person):
    bundle = io.export_bundle(gate, "share_partners")
    assert bundle["persons"] == []
    refused = AuditEntry.objects.get(action="refused")
    assert refused.details["persons"] == 1 and refused.details["purpose"] == "share_partners"

    services.record_consent(gate, person, "share_partners", "granted", "written", TODAY)
    assert [p["pseudonym"] for p in io.export_bundle(gate, "share_partners")["persons"]] == [
        person.pseudonym
    ]


def test_refused_documentation_consent_keeps_a_person_out_of_exports(gate, person):
    assert len(io.export_bundle(gate)["persons"]) == 1
    services.record_consent(gate, person, "documentation", "refused", "written", TODAY)
    assert io.export_bundle(gate)["persons"] == []


def test_require_consent_refuses_and_logs(gate, person):
    with pytest.raises(PermissionDenied):
        services.require_consent(gate, person, "publish_named", "portal")
    assert AuditEntry.objects.filter(action="refused", object_id=str(person.pk)).count() == 1


def test_erasure_destroys_the_key_even_for_older_backups(
    admin_gate, gate, person, django_capture_on_commit_callbacks
):
    violation = services.record_violation(
        gate, {"victim": person.pk, "type": "torture", "description": "beaten in the gym"}
    )
    # What a database backup taken now holds: sealed names and the key id, never the key.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, value FROM records_personname")
        backup = [(row[0], bytes(row[1])) for row in cursor.fetchall()]
    assert len(backup) == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.erase_person(admin_gate, person, reason="The family asked")

    erased = Person.all_objects.get(pk=person.pk)
    assert erased.erased_at is not None and erased.notes is None
    assert PersonName.objects.filter(person=person).count() == 0
    assert SearchToken.objects.filter(object_id=person.pk).count() == 0
    assert list(queries.people(gate, {"q": "Sakhanbayev"})) == []
    kept = type(violation).all_objects.get(pk=violation.pk)
    assert (kept.type.code, kept.description) == ("torture", None)
    with pytest.raises(KeyUnavailable) as raised:
        get_keyring().key(person.key_id)
    assert raised.value.code == "key_destroyed"
    # Restoring the older backup brings back sealed names whose key exists nowhere any more.
    for _, blob in backup:
        assert crypto.sealed_key_version(blob) == 1
        assert b"Sakhanbayev" not in blob
    keystore_bytes = Path(settings.KEYSTORE_FILE).read_bytes()
    assert str(person.key_id).encode() in keystore_bytes  # the row is there, the key is not


def test_legal_hold_blocks_erasure_and_says_why(admin_gate, person):
    hold = services.place_legal_hold(
        admin_gate, person, "Evidence in the Taldykorgan torture trial"
    )
    with pytest.raises(Conflict) as raised:
        services.erase_person(admin_gate, person, reason="asked")
    assert raised.value.message == (
        "A legal hold blocks erasure: Evidence in the Taldykorgan torture trial"
    )
    assert Person.objects.get(pk=person.pk).erased_at is None
    services.lift_legal_hold(admin_gate, hold)
    services.erase_person(admin_gate, person, reason="asked")
    assert Person.all_objects.get(pk=person.pk).erased_at is not None


def test_only_administrators_erase(gate, person):
    with pytest.raises(PermissionDenied):
        services.erase_person(gate, person, reason="asked")
    assert Person.objects.get(pk=person.pk).names.count() == 2
