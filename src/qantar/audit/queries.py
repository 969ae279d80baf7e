"""Reads of the audit log: browsing (administrators) and whole-log verification."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from qantar.accounts.choices import Capability
from qantar.audit.models import AuditEntry
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.core.auditlog import VerifyReport, verify_log
from qantar.core.checkpoint import Checkpoint, public_key_for, verify_checkpoint

_ENTRY_VALUES = (
    "seq",
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "ip",
    "details",
    "leaf_hash",
    "chain_hash",
)


def entries(gate: Gate, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """Entries an administrator may browse: their collections' entries; all for instance admins.

    Instance-wide entries (logins, key operations) are visible to instance administrators only.
    """
    filters = filters or {}
    queryset = AuditEntry.objects.all()
    if not getattr(gate.user, "is_superuser", False):
        managed = [str(c) for c in gate.collections(Capability.MANAGE_COLLECTION)]
        queryset = queryset.filter(collection_id__in=managed)
    exact = {
        "action": "action",
        "object_type": "object_type",
        "object_id": "object_id",
        "actor": "actor_label",
        "collection": "collection_id",
    }
    for name, lookup in exact.items():
        if filters.get(name):
            queryset = queryset.filter(**{lookup: filters[name]})
    if filters.get("since"):
        queryset = queryset.filter(at__date__gte=filters["since"])
    if filters.get("until"):
        queryset = queryset.filter(at__date__lte=filters["until"])
    if filters.get("q"):
        text = filters["q"]
        queryset = queryset.filter(Q(object_id__icontains=text) | Q(actor_label__icontains=text))
    return queryset.order_by("-seq")


_HIDDEN_DETAILS = {"via"}


def summary(details: Mapping[str, Any] | None) -> str:
    """An entry's details as one short line: ``fields: a, b · purpose: statistics``.

    Details hold ids, field names, codes and counts only (never values), so they may be shown.
    """
    parts = []
    for name, value in sorted((details or {}).items()):
        if name in _HIDDEN_DETAILS or value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{key}={item}" for key, item in sorted(value.items()))
        parts.append(f"{name.replace('_', ' ')}: {value}")
    return " · ".join(parts)


_STREAM_SQL = (
    "SELECT seq, at, actor_id, action, object_type, object_id, ip, details, leaf_hash, "
    "chain_hash FROM audit_auditentry ORDER BY seq"
)


def _iso(at: Any) -> str:
    """The timestamp exactly as it was hashed (``datetime.isoformat()`` of an aware UTC time).

    SQLite returns Django's stored text (``YYYY-MM-DD HH:MM:SS[.ffffff]``, UTC); PostgreSQL
    returns an aware datetime.
    """
    if isinstance(at, str):
        return at.replace(" ", "T", 1) + "+00:00"
    return str(at.astimezone(UTC).isoformat())


def _stream() -> Iterator[dict[str, Any]]:
    """Every entry in ``seq`` order, read with a plain cursor (a million rows in seconds)."""
    with connection.cursor() as cursor:
        cursor.execute(_STREAM_SQL)
        while rows := cursor.fetchmany(10_000):
            for seq, at, actor, action, object_type, object_id, ip, details, leaf, chain in rows:
                yield {"seq": seq, "at": _iso(at), "actor": actor, "action": action,
                       "object_type": object_type, "object_id": object_id, "ip": ip,
                       "details": json.loads(details) if isinstance(details, str) else details,
                       "leaf_hash": leaf, "chain_hash": chain}


def signing_key() -> bytes:
    """The instance's Ed25519 checkpoint signing key (kept wrapped in the key store)."""
    ring = get_keyring()
    return ring.key(ring.instance_key_id("audit-signing"))


def signing_public_key() -> bytes:
    """The public half of the signing key, to give to witnesses."""
    return public_key_for(signing_key())


def verify(checkpoint_text: str | None = None, public_key: bytes | None = None) -> VerifyReport:
    """Recompute the whole log; against a signed checkpoint if one is given."""
    checkpoint: Checkpoint | None = None
    if checkpoint_text is not None:
        checkpoint = verify_checkpoint(checkpoint_text, public_key or signing_public_key())
    return verify_log(_stream(), checkpoint)
