"""Writes to the audit log and to record history. Every domain service calls these."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from qantar.audit.choices import AuditAction
from qantar.audit.models import AuditEntry, Revision
from qantar.common.context import channel, client_address
from qantar.core.auditlog import GENESIS_CHAIN_HEX, entry_leaf_hash, next_chain_hash, verify_log
from qantar.core.checkpoint import (
    Checkpoint,
    checkpoint_timestamp,
    public_key_for,
    sign_checkpoint,
    signing_key_id,
)

_CONTROL = {i: None for i in range(32)} | {127: None}


def safe_label(text: str) -> str:
    """A user-supplied label made safe for logs: control characters and newlines removed."""
    return str(text).translate(_CONTROL)[:150]


def _as_entry_dict(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "ip": entry.ip,
        "details": entry.details,
    }


@dataclass(frozen=True)
class AuditEvent:
    """One action to append to the audit log: the arguments of :func:`record_event`."""

    action: str
    actor: Any = None
    obj: Any = None
    object_type: str = ""
    object_id: str = ""
    collection_id: Any = ""
    details: Mapping[str, Any] | None = None
    actor_label: str = ""


def record_event(
    action: str,
    *,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    collection_id: Any = "",
    details: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry to the audit log (inside the caller's transaction)."""
    event = AuditEvent(action, actor, obj, object_type, object_id, collection_id, details,
                       actor_label)
    return record_events([event])[0]


def record_events(events: Sequence[AuditEvent]) -> list[AuditEntry]:
    """Append entries in the given order (inside the caller's transaction).

    Each entry gets the next number and is chained to the one before it exactly as one
    :func:`record_event` call per entry would chain it; the rows are written together.
    """
    if not events:
        return []
    # No savepoint: the entries belong to the caller's transaction and roll back with it.
    with transaction.atomic(savepoint=False):
        seq, previous = _last_entry()
        entries = []
        for number, event in enumerate(events, start=seq + 1):
            entries.append(_chained(_entry(number, event), previous))
            previous = entries[-1].chain_hash
        _insert(entries)
    return entries


def _entry(seq: int, event: AuditEvent) -> AuditEntry:
    object_type, object_id, collection_id = event.object_type, event.object_id, event.collection_id
    if event.obj is not None:
        object_type = object_type or event.obj._meta.label_lower
        object_id = object_id or str(event.obj.pk)
        collection_id = collection_id or getattr(event.obj, "collection_id", "") or ""
    actor = event.actor
    return AuditEntry(
        seq=seq,
        at=timezone.now(),
        actor_id=str(actor.pk) if actor is not None and actor.pk else "",
        actor_label=safe_label(event.actor_label or (actor.get_username() if actor else "")),
        ip=client_address.get(),
        action=event.action,
        object_type=object_type,
        object_id=str(object_id),
        collection_id=str(collection_id or ""),
        details=json.loads(json.dumps(dict(event.details or {}) | {"via": channel.get()})),
    )


def _chained(entry: AuditEntry, previous: str) -> AuditEntry:
    entry.leaf_hash = entry_leaf_hash(_as_entry_dict(entry))
    entry.chain_hash = next_chain_hash(previous, entry.leaf_hash)
    return entry


def _insert(entries: list[AuditEntry]) -> None:
    """Plain INSERTs: the ORM's per-call query building would cost as much as the write.

    The rows are still ``AuditEntry`` objects (append-only, built above); the two values that
    need converting for the database in use (the time and the JSON details) go through their
    fields' own conversion, the rest are plain strings and integers.
    """
    if not _INSERT_SQL:
        columns = ", ".join(connection.ops.quote_name(name) for name in _COLUMNS)
        marks = ", ".join(["%s"] * len(_COLUMNS))
        # Column names are the model's own constants, never input.
        sql = f"INSERT INTO audit_auditentry ({columns}) VALUES ({marks})"  # noqa: S608
        _INSERT_SQL.append(sql)
    details = AuditEntry._meta.get_field("details")
    rows = []
    for entry in entries:
        values = [getattr(entry, name) for name in _COLUMNS]
        values[1] = connection.ops.adapt_datetimefield_value(entry.at)
        values[9] = details.get_db_prep_save(entry.details, connection)
        rows.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT_SQL[0], rows)
    for entry in entries:
        entry._state.adding = False
        entry._state.db = connection.alias


_COLUMNS = (
    "seq", "at", "actor_id", "actor_label", "ip", "action", "object_type", "object_id",
    "collection_id", "details", "leaf_hash", "chain_hash",
)  # fmt: skip
_INSERT_SQL: list[str] = []


# Any constant: PostgreSQL sessions appending to the log queue on this advisory lock. On
# SQLite every transaction takes the write lock when it begins (transaction_mode IMMEDIATE).
_APPEND_LOCK = 725_012_022


def _last_entry() -> tuple[int, str]:
    """The last sequence number and chain hash, with appends serialised until commit."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK])
        cursor.execute("SELECT seq, chain_hash FROM audit_auditentry ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS_CHAIN_HEX)


def record_revision(
    obj: Any,
    action: str,
    actor: Any,
    changes: Mapping[str, tuple[Any, Any]],
    reason: str = "",
) -> Revision:
    """Keep a sealed revision of a record and audit it (field names and hashes only)."""
    return record_revisions(action, actor, [(obj, changes)], reason)[0]


def record_revisions(
    action: str,
    actor: Any,
    changed: Sequence[tuple[Any, Mapping[str, tuple[Any, Any]]]],
    reason: str = "",
) -> list[Revision]:
    """Keep a sealed revision of each (record, changes) and audit each, in order, together."""
    revisions = []
    for obj, changes in changed:
        revision = Revision(
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            collection_id=obj.collection_id,
            key_id=obj.key_id,
            action=action,
            actor=actor,
            at=timezone.now(),
            reason=reason[:500],
        )
        revision.changes = json.dumps(
            {name: list(pair) for name, pair in changes.items()}, default=str
        )
        revisions.append(revision)
    Revision.objects.bulk_create(revisions)
    record_events([
        AuditEvent(action, actor=actor, obj=obj,
                   details={"fields": sorted(changes), "revision": str(revision.pk)})
        for (obj, changes), revision in zip(changed, revisions, strict=True)
    ])
    return revisions


def write_checkpoint(actor: Any, log_id: str = "qantar") -> str:
    """Verify the log, then sign its tree head; returns the checkpoint file's text.

    Refuses to vouch for a log that does not verify.
    """
    from qantar.audit.queries import _stream, signing_key
    from qantar.core.errors import IntegrityFailure

    report = verify_log(_stream())
    if not report.is_intact:
        raise IntegrityFailure("log_not_intact", report.message)
    private = signing_key()
    checkpoint = Checkpoint(
        log_id=log_id,
        size=report.size,
        root_hex=report.root_hex,
        timestamp=checkpoint_timestamp(timezone.now()),
        key_id=signing_key_id(public_key_for(private)),
    )
    text = sign_checkpoint(private, checkpoint)
    record_event(
        "key_operation",
        actor=actor,
        details={"operation": "checkpoint", "size": report.size, "root": report.root_hex},
    )
    return text


def record_view(gate: Any, record: Any) -> None:
    """Audit that someone saw a record's identifying details (nothing is logged for analysts,
    who never see them)."""
    if gate.sees_identities(record.collection_id):
        record_event(AuditAction.VIEW_SENSITIVE, actor=gate.user, obj=record)
