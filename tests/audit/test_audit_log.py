"""The audit log in the database: every tampering is found and named by `qantar audit verify`."""

from __future__ import annotations

import base64
import json

import pytest
from click.testing import CliRunner
from django.db import connection

from qantar.audit import queries
from qantar.audit.models import AuditEntry
from qantar.audit.services import record_event, safe_label, write_checkpoint
from qantar.cli import main
from qantar.core.checkpoint import new_signing_keypair
from qantar.core.errors import IntegrityFailure

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    for number in range(1, 11):
        record_event(
            "update",
            object_type="records.person",
            object_id=f"id-{number}",
            details={"fields": ["notes"]},
        )
    return list(AuditEntry.objects.order_by("seq"))


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_untouched_log_verifies(log):
    report = queries.verify()
    assert (report.is_intact, report.size) == (True, 10)


def test_a_modified_entry_is_named(log):
    _sql("UPDATE audit_auditentry SET object_id = %s WHERE seq = 4", "someone-else")
    report = queries.verify()
    assert (report.is_intact, report.problem, report.seq) == (False, "modified", 4)


def test_a_deleted_entry_is_named(log):
    _sql("DELETE FROM audit_auditentry WHERE seq = 6")
    report = queries.verify()
    assert (report.problem, report.seq) == ("deleted", 6)


def test_reordered_entries_are_found(log):
    _sql("UPDATE audit_auditentry SET seq = 1000 WHERE seq = 3")
    _sql("UPDATE audit_auditentry SET seq = 3 WHERE seq = 4")
    _sql("UPDATE audit_auditentry SET seq = 4 WHERE seq = 1000")
    report = queries.verify()
    assert report.is_intact is False
    assert report.seq == 3


def test_an_inserted_entry_with_recomputed_hashes_is_caught_by_the_checkpoint(log):
    checkpoint = write_checkpoint(None)
    # An attacker rewrites entry 5 and recomputes every hash after it.
    entries = list(AuditEntry.objects.order_by("seq"))
    from qantar.core.auditlog import GENESIS_CHAIN_HEX, sealed_entry

    previous = GENESIS_CHAIN_HEX
    for entry in entries:
        fields = {
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor": entry.actor_id,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": "forged" if entry.seq == 5 else entry.object_id,
            "ip": entry.ip,
            "details": entry.details,
        }
        sealed = sealed_entry(fields, previous)
        _sql(
            "UPDATE audit_auditentry SET object_id = %s, leaf_hash = %s, chain_hash = %s "
            "WHERE seq = %s",
            fields["object_id"],
            sealed["leaf_hash"],
            sealed["chain_hash"],
            entry.seq,
        )
        previous = str(sealed["chain_hash"])
    assert queries.verify().is_intact is True  # consistent on its own…
    report = queries.verify(checkpoint)
    assert (report.is_intact, report.problem) == (False, "forked")  # …but not with the witness


def test_truncation_is_found_against_a_checkpoint(log):
    checkpoint = write_checkpoint(None)
    _sql("DELETE FROM audit_auditentry WHERE seq >= 9")
    report = queries.verify(checkpoint)
    assert (report.is_intact, report.problem) == (False, "truncated")


def test_a_consistent_extension_verifies_against_an_older_checkpoint(log):
    checkpoint = write_checkpoint(None)
    record_event("login", actor_label="documenter")
    report = queries.verify(checkpoint)
    assert report.is_intact is True
    assert report.size == 12  # ten entries, the checkpoint's own entry, the login


def test_a_checkpoint_signed_by_another_key_is_refused(log):
    checkpoint = write_checkpoint(None)
    _, other_public = new_signing_keypair()
    with pytest.raises(IntegrityFailure):
        queries.verify(checkpoint, other_public)


def test_cli_verify_names_the_first_bad_entry_and_exits_non_zero(log, tmp_path):
    runner = CliRunner()
    out = tmp_path / "checkpoint.txt"
    assert (
        runner.invoke(main, ["audit", "checkpoint", "--out", str(out), "--as", "nobody"]).exit_code
        == 2
    )
    key = runner.invoke(main, ["audit", "public-key"]).output.strip()
    assert len(base64.b64decode(key)) == 32
    _sql("UPDATE audit_auditentry SET details = %s WHERE seq = 7", json.dumps({"fields": []}))
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 6
    assert result.output.splitlines()[0].startswith("Entry 7 was modified")


def test_entries_are_append_only_through_the_application(log):
    entry = log[0]
    entry.action = "delete"
    with pytest.raises(IntegrityFailure):
        entry.save()
    with pytest.raises(IntegrityFailure):
        entry.delete()


def test_user_supplied_labels_are_logged_without_control_characters():
    entry = record_event("login_failed", actor_label="admin\nFAKE ENTRY\r\x1b[31m")
    assert entry.actor_label == "adminFAKE ENTRY[31m"
    assert safe_label("a\x00b") == "ab"


def test_the_plain_insert_writes_every_column_of_an_entry():
    from qantar.audit.services import _COLUMNS

    assert _COLUMNS == tuple(field.column for field in AuditEntry._meta.concrete_fields)
    written = record_event(
        "update",
        object_type="records.person",
        object_id="id-1",
        collection_id="c-1",
        details={"fields": ["notes"], "count": 2},
        actor_label="someone\nelse",
    )
    stored = AuditEntry.objects.get(seq=written.seq)
    assert [getattr(stored, name) for name in _COLUMNS] == [
        getattr(written, name) for name in _COLUMNS
    ]
    assert stored.details == {"fields": ["notes"], "count": 2, "via": "system"}
    assert stored.actor_label == "someoneelse"
    assert queries.verify().is_intact
