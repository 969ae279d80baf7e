"""Appending many audit entries at once: the same log as appending them one by one."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction

from qantar.audit import queries
from qantar.audit import services as audit_services
from qantar.audit.models import AuditEntry, Revision
from qantar.audit.services import AuditEvent, record_event, record_events, record_revisions
from qantar.common.context import channel
from qantar.core.auditlog import sealed_entry
from tests.fixtures.factories import person_data

pytestmark = pytest.mark.django_db

EVENTS = [
    AuditEvent("update", object_type="records.person", object_id=f"id-{number}",
               collection_id="c-1", details={"fields": ["notes"], "number": number},
               actor_label="someone")
    for number in range(1, 6)
]


def _tail(after: int) -> list[tuple]:
    return list(AuditEntry.objects.filter(seq__gt=after).order_by("seq").values_list(
        "seq", "at", "action", "object_id", "details", "leaf_hash", "chain_hash"))


def test_entries_appended_together_are_the_entries_appended_one_by_one(monkeypatch):
    record_event("login", object_type="accounts.user", object_id="u-1")
    moment = dt.datetime(2022, 1, 5, 12, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(audit_services.timezone, "now", lambda: moment)
    last = AuditEntry.objects.order_by("-seq").first().seq

    with transaction.atomic():
        for event in EVENTS:
            record_event(event.action, object_type=event.object_type, object_id=event.object_id,
                         collection_id=event.collection_id, details=event.details,
                         actor_label=event.actor_label)
        one_by_one = _tail(last)
        transaction.set_rollback(True)
    assert _tail(last) == []
    written = record_events(EVENTS)

    assert _tail(last) == one_by_one
    assert [entry.seq for entry in written] == list(range(last + 1, last + 6))
    assert [(entry.leaf_hash, entry.chain_hash) for entry in written] == [
        (row[5], row[6]) for row in one_by_one]
    assert queries.verify().is_intact


def test_each_entry_appended_together_is_chained_to_the_one_before():
    before = record_event("login", object_type="accounts.user", object_id="u-1")
    together = record_events(EVENTS)
    after = record_event("logout", object_type="accounts.user", object_id="u-1")

    previous = before.chain_hash
    for entry in [*together, after]:
        fields = {"seq": entry.seq, "at": entry.at.isoformat(), "actor": entry.actor_id,
                  "action": entry.action, "object_type": entry.object_type,
                  "object_id": entry.object_id, "ip": entry.ip, "details": entry.details}
        sealed = sealed_entry(fields, previous)
        assert (sealed["leaf_hash"], sealed["chain_hash"]) == (entry.leaf_hash, entry.chain_hash)
        previous = entry.chain_hash
    assert [entry.seq for entry in [before, *together, after]] == list(
        range(before.seq, before.seq + 7))
    assert [entry.details for entry in together] == [
        {"fields": ["notes"], "number": number, "via": channel.get()} for number in range(1, 6)]
    report = queries.verify()
    assert (report.is_intact, report.size) == (True, after.seq)


def test_appending_nothing_writes_nothing():
    record_event("login", object_type="accounts.user", object_id="u-1")
    count = AuditEntry.objects.count()
    assert record_events([]) == []
    assert AuditEntry.objects.count() == count


def test_revisions_kept_together_each_have_their_entry_in_order(gate, collection):
    from qantar.records import services

    people = services.record_people(gate, collection, [
        person_data(names=[{"value": f"Person {letter}"}]) for letter in "AB"])
    last = AuditEntry.objects.order_by("-seq").first().seq
    revisions = record_revisions("update", gate.user, [
        (people[0], {"notes": ("a", "b")}), (people[1], {"age": (40, 41), "notes": ("c", "")})],
        reason="checked")

    stored = Revision.objects.in_bulk([revision.pk for revision in revisions])
    assert [(r.object_id, r.action, r.reason, r.key_id, json.loads(r.changes))
            for r in (stored[revision.pk] for revision in revisions)] == [
        (people[0].pk, "update", "checked", people[0].key_id, {"notes": ["a", "b"]}),
        (people[1].pk, "update", "checked", people[1].key_id,
         {"age": [40, 41], "notes": ["c", ""]})]
    assert [(e.seq, e.object_id, e.details["fields"], e.details["revision"])
            for e in AuditEntry.objects.filter(seq__gt=last).order_by("seq")] == [
        (last + 1, str(people[0].pk), ["notes"], str(revisions[0].pk)),
        (last + 2, str(people[1].pk), ["age", "notes"], str(revisions[1].pk))]
    assert queries.verify().is_intact
