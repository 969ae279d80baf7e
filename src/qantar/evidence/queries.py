"""All reads of evidence, scoped by the access gate.

Evidence files, their names, descriptions and metadata are identities-level: only users who
may see names in a collection (never analysts) see them. Others learn how many files a record
has, nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.evidence.models import CustodyEvent, EvidenceItem
from qantar.evidence.store import stored_addresses
from qantar.records.models import Event, Person, Violation

_CUSTODY = Prefetch("custody", queryset=CustodyEvent.objects.select_related("actor"))


def _related(queryset: QuerySet[EvidenceItem]) -> QuerySet[EvidenceItem]:
    return queryset.select_related(
        "person", "violation", "violation__type", "event", "testimony", "received_by", "collection"
    ).prefetch_related(_CUSTODY)


def items(gate: Gate, filters: Mapping[str, Any] | None = None) -> QuerySet[EvidenceItem]:
    """Evidence the user may open (collections where they see identities), newest first."""
    filters = filters or {}
    queryset = gate.scope(_related(EvidenceItem.objects.all()), Capability.VIEW_IDENTITIES)
    for name in ("collection", "person", "violation", "event", "kind"):
        if filters.get(name):
            queryset = queryset.filter(**{f"{name}_id" if name != "kind" else name: filters[name]})
    return queryset.order_by("-received_at", "-created_at")


def item(gate: Gate, pk: Any) -> EvidenceItem:
    """One evidence item the user may see, or NotFound (analysts then get PermissionDenied)."""
    found = gate.fetch(_related(EvidenceItem.objects.all()), pk)
    gate.require(found.collection_id, Capability.VIEW_IDENTITIES)
    return found


def is_erased(found: EvidenceItem) -> bool:
    """True when the person the file is about was erased (its key no longer exists)."""
    return found.person_id is not None and found.person.erased_at is not None


def metadata_of(found: EvidenceItem) -> dict[str, Any]:
    """The metadata read from the file ({} when none, or when erased)."""
    return json.loads(found.metadata) if found.metadata else {}


@dataclass
class EvidenceSection:
    """What a record page shows of its evidence."""

    count: int
    items: list[EvidenceItem] = field(default_factory=list)
    shows_files: bool = False
    can_add: bool = False
    record_field: str = ""


_FIELDS = {Person: "person", Violation: "violation", Event: "event"}


def section(gate: Gate, record: Any) -> EvidenceSection:
    """The evidence of a person, violation or event, for its page (counts only for analysts)."""
    name = _FIELDS[type(record)]
    documenting = EvidenceItem.objects.filter(**{name: record})
    shows_files = gate.sees_identities(record.collection_id)
    person = record if name == "person" else getattr(record, "victim", None)
    can_add = gate.can(record.collection_id, Capability.EDIT_RECORDS) and (
        person is None or person.erased_at is None
    )
    if not shows_files:
        return EvidenceSection(count=documenting.count(), record_field=name)
    found = list(_related(documenting).order_by("received_at", "created_at"))
    return EvidenceSection(len(found), found, True, can_add, name)


def stray_blob_count() -> int:
    """Files in the store that no item refers to (left by saves that were rolled back; their
    keys are gone, so they can never be opened)."""
    known = set(EvidenceItem.all_objects.values_list("blob_address", flat=True))
    return len(stored_addresses() - known)
