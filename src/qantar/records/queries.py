"""All reads of records, each scoped by the access gate.

Search never reads the sealed text: it hashes the query's normalised tokens with the index key
and matches them against the blind index.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet

from qantar.accounts.choices import Capability
from qantar.audit.choices import AuditAction
from qantar.audit.models import AuditEntry, Revision
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.core.dates import parse_optional
from qantar.core.errors import NotFound
from qantar.core.names import search_keys, tokens
from qantar.records.choices import ConsentDecision, ConsentPurpose
from qantar.records.models import (
    Citation,
    Consent,
    Event,
    Involvement,
    LegalHold,
    Organisation,
    Person,
    PersonName,
    Place,
    SearchToken,
    Source,
    Testimony,
    Violation,
)


def _matching_ids(gate: Gate, object_type: str, text: str) -> QuerySet[SearchToken] | None:
    """Ids of objects whose blind index holds every token of ``text`` (None if no tokens)."""
    keyring = get_keyring()
    words = tokens(text)[:8]
    if not words:
        return None
    result: QuerySet[SearchToken] | None = None
    for word in words:
        digests = [keyring.blind_index(key) for key in search_keys(word)]
        ids = SearchToken.objects.filter(
            object_type=object_type,
            digest__in=digests,
            collection_id__in=gate.collections(Capability.VIEW_IDENTITIES),
        ).values("object_id")
        result = ids if result is None else result.filter(object_id__in=ids)
    return result


def people(gate: Gate, filters: Mapping[str, Any] | None = None) -> QuerySet[Person]:
    """People the user may see, filtered; a name search needs the right to see identities."""
    filters = filters or {}
    queryset = gate.scope(Person.objects.select_related("collection")).prefetch_related(
        Prefetch("names", queryset=PersonName.objects.order_by("-is_primary", "created_at")),
        "groups",
    )
    if filters.get("q"):
        ids = _matching_ids(gate, "person", filters["q"])
        if ids is not None:
            queryset = queryset.filter(id__in=ids)
    for name in ("status", "sex"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("group"):
        # A subquery rather than a join: no duplicate rows, so no DISTINCT over sealed columns.
        members = Person.groups.through.objects.filter(term__code=filters["group"])
        queryset = queryset.filter(id__in=members.values("person_id"))
    if filters.get("collection"):
        queryset = queryset.filter(collection_id=filters["collection"])
    return queryset.order_by("created_at")


def _date_filter(queryset: QuerySet[Any], filters: Mapping[str, Any]) -> QuerySet[Any]:
    start = parse_optional(filters.get("date_from"), "date_from")
    end = parse_optional(filters.get("date_to"), "date_to")
    if start:
        queryset = queryset.filter(date_latest__gte=start.earliest())
    if end:
        queryset = queryset.filter(date_earliest__lte=end.latest())
    return queryset


def _place_filter(queryset: QuerySet[Any], place_id: Any) -> QuerySet[Any]:
    """Records at a place or anywhere inside it (four levels deep)."""
    inside = Q(place_id=place_id)
    path = "place"
    for _ in range(3):
        path += "__parent"
        inside |= Q(**{f"{path}_id": place_id})
    return queryset.filter(inside)


def events(gate: Gate, filters: Mapping[str, Any] | None = None) -> QuerySet[Event]:
    """Events the user may see, filtered by text, place, date range and violation type."""
    filters = filters or {}
    queryset = gate.scope(Event.objects.select_related("place"))
    if filters.get("q"):
        ids = _matching_ids(gate, "event", filters["q"])
        if ids is not None:
            queryset = queryset.filter(id__in=ids)
    if filters.get("place"):
        queryset = _place_filter(queryset, filters["place"])
    if filters.get("type"):
        queryset = queryset.filter(
            violations__type__code=filters["type"], violations__deleted_at__isnull=True
        )
    return _date_filter(queryset, filters).distinct().order_by("date_earliest", "title")


def violations(gate: Gate, filters: Mapping[str, Any] | None = None) -> QuerySet[Violation]:
    """Violations the user may see, filtered as documenters need."""
    filters = filters or {}
    queryset = gate.scope(Violation.objects.select_related("type", "place", "event", "victim"))
    queryset = queryset.prefetch_related(
        "methods",
        "consequences",
        Prefetch("victim__names", queryset=PersonName.objects.order_by("-is_primary")),
        Prefetch("involvements", queryset=Involvement.objects.select_related("organisation")),
    )
    simple = {
        "type": "type__code",
        "method": "methods__code",
        "status": "status",
        "group": "victim__groups__code",
        "agency": "involvements__organisation__agency__code",
        "event": "event_id",
        "victim": "victim_id",
        "collection": "collection_id",
    }
    for name, lookup in simple.items():
        if filters.get(name):
            queryset = queryset.filter(**{lookup: filters[name]})
    if filters.get("place"):
        queryset = _place_filter(queryset, filters["place"])
    if filters.get("q"):
        ids = _matching_ids(gate, "person", filters["q"])
        if ids is not None:
            queryset = queryset.filter(victim_id__in=ids)
    return _date_filter(queryset, filters).distinct().order_by("date_earliest", "created_at")


def sources(gate: Gate, filters: Mapping[str, Any] | None = None) -> QuerySet[Source]:
    """Sources the user may see."""
    filters = filters or {}
    queryset = gate.scope(Source.objects.select_related("source_type"))
    if filters.get("q"):
        queryset = queryset.filter(
            Q(title__icontains=filters["q"]) | Q(publisher__icontains=filters["q"])
        )
    return queryset.order_by("title")


def person(gate: Gate, pk: Any, *, include_erased: bool = False) -> Person:
    """One person the user may see, or NotFound.

    An erased person is deleted too; ``include_erased`` finds them (their page says they were
    erased and shows what survives: pseudonym, violations, the audit trail).
    """
    manager = Person.all_objects if include_erased else Person.objects
    queryset = manager.prefetch_related("names", "groups")
    if include_erased:
        queryset = queryset.filter(Q(deleted_at__isnull=True) | Q(erased_at__isnull=False))
    return gate.fetch(queryset, pk)


def event(gate: Gate, pk: Any) -> Event:
    """One event the user may see, or NotFound."""
    return gate.fetch(Event.objects.select_related("place"), pk)


def violation(gate: Gate, pk: Any) -> Violation:
    """One violation the user may see, or NotFound."""
    return gate.fetch(
        Violation.objects.select_related("type", "place", "event", "victim").prefetch_related(
            "methods",
            "consequences",
            Prefetch("involvements", queryset=Involvement.objects.select_related("organisation")),
        ),
        pk,
    )


def source(gate: Gate, pk: Any) -> Source:
    """One source the user may see, or NotFound."""
    return gate.fetch(Source.objects.select_related("source_type"), pk)


def testimony(gate: Gate, pk: Any) -> Testimony:
    """One testimony the user may see, or NotFound."""
    return gate.fetch(Testimony.objects.select_related("person"), pk)


def testimonies_of(gate: Gate, person_record: Person) -> QuerySet[Testimony]:
    """A person's testimonies (the caller already holds the person through the gate)."""
    return gate.scope(Testimony.objects.filter(person=person_record))


def citations_of(gate: Gate, record: Any) -> QuerySet[Citation]:
    """The sources cited for a record, restricted to sources the user may see."""
    return Citation.objects.filter(
        object_type=record._meta.model_name,
        object_id=record.pk,
        source__collection_id__in=gate.collections(),
    ).select_related("source", "source__source_type")


def records_citing(gate: Gate, source_record: Source) -> list[tuple[str, Any]]:
    """The records a source supports, as (type, record) pairs the user may see."""
    models = {"person": Person, "event": Event, "violation": Violation, "testimony": Testimony}
    found: list[tuple[str, Any]] = []
    for citation in Citation.objects.filter(source=source_record).order_by("object_type"):
        model = models.get(citation.object_type)
        if model is None:
            continue
        record = gate.scope(model.objects.filter(pk=citation.object_id)).first()
        if record is not None:
            found.append((citation.object_type, record))
    return found


@dataclass(frozen=True)
class HistoryItem:
    """One revision as shown to a user: values only if they may see identities."""

    at: Any
    actor: str
    action: str
    reason: str
    changes: dict[str, list[Any]]


def history(gate: Gate, record: Any) -> list[HistoryItem]:
    """A record's change history, newest first; values hidden from analysts."""
    show_values = gate.sees_identities(record.collection_id)
    items = []
    revisions = Revision.objects.filter(object_id=record.pk).select_related("actor")
    for revision in revisions.order_by("-at", "-created_at"):
        changes: dict[str, list[Any]] = json.loads(revision.changes or "{}") if show_values else {}
        if not show_values:
            changes = {name: ["—", "—"] for name in json.loads(revision.changes or "{}")}
        items.append(
            HistoryItem(
                revision.at,
                revision.actor.username if revision.actor else "—",
                revision.action,
                revision.reason,
                changes,
            )
        )
    return items


def audit_trail(gate: Gate, record: Any, include_views: bool = False) -> QuerySet[AuditEntry]:
    """The audit entries about one record (the caller holds the record through the gate).

    Views of the record are left out unless asked for: they are in the audit log browser.
    """
    gate.require(record.collection_id, Capability.VIEW_RECORDS)
    entries = AuditEntry.objects.filter(object_id=str(record.pk))
    if not include_views:
        entries = entries.exclude(action=AuditAction.VIEW_SENSITIVE)
    return entries.order_by("-seq")


def places() -> QuerySet[Place]:
    """All places (public reference data)."""
    return Place.objects.select_related("parent", "site_type").order_by("name")


def organisations() -> QuerySet[Organisation]:
    """All organisations (public reference data)."""
    return Organisation.objects.select_related("agency").order_by("name")


def counts(gate: Gate) -> dict[str, int]:
    """How many records of each kind the user may see (documented counts, not totals)."""
    return {
        "people": gate.scope(Person.objects.all()).count(),
        "events": gate.scope(Event.objects.all()).count(),
        "violations": gate.scope(Violation.objects.all()).count(),
        "sources": gate.scope(Source.objects.all()).count(),
    }


def consent_in_force(person: Person, purpose: str, testimony: Testimony | None = None) -> bool:
    """True when the newest decision for the purpose (testimony-level first) is a grant."""
    decisions = Consent.objects.filter(person=person, purpose=purpose)
    if testimony is not None:
        specific = decisions.filter(testimony=testimony).order_by("-created_at").first()
        if specific is not None:
            return specific.decision == ConsentDecision.GRANTED
    latest = decisions.filter(testimony__isnull=True).order_by("-created_at").first()
    return latest is not None and latest.decision == ConsentDecision.GRANTED


def consent_allows(person: Person, purpose: str) -> bool:
    """Whether data about the person may be used for a purpose.

    Internal documentation is allowed unless the person refused or withdrew it (people known
    only from public sources, such as the dead in published lists, cannot be asked); every
    other purpose needs an explicit grant that is in force.
    """
    if purpose != "documentation":
        return consent_in_force(person, purpose)
    latest = (
        Consent.objects.filter(person=person, purpose=purpose, testimony__isnull=True)
        .order_by("-created_at")
        .first()
    )
    return latest is None or latest.decision == ConsentDecision.GRANTED


@dataclass(frozen=True)
class PurposeConsent:
    """The decision in force for one purpose (None when nobody has asked yet)."""

    purpose: str
    label: Any
    decision: Consent | None
    is_allowed: bool


def consent_overview(gate: Gate, person_record: Person) -> list[PurposeConsent]:
    """For every purpose: the person-level decision in force and whether it allows the use."""
    gate.require(person_record.collection_id, Capability.VIEW_RECORDS)
    latest: dict[str, Consent] = {}
    decisions = Consent.objects.filter(person=person_record, testimony__isnull=True)
    for decision in decisions.order_by("created_at"):
        latest[decision.purpose] = decision
    return [
        PurposeConsent(
            purpose,
            label,
            latest.get(purpose),
            _allows(purpose, latest.get(purpose)),
        )
        for purpose, label in ConsentPurpose.choices
    ]


def _allows(purpose: str, decision: Consent | None) -> bool:
    """The rule of :func:`consent_allows`, applied to an already-read decision."""
    if decision is None:
        return purpose == ConsentPurpose.DOCUMENTATION
    return decision.decision == ConsentDecision.GRANTED


def consents_of(gate: Gate, person_record: Person) -> QuerySet[Consent]:
    """Every consent decision about a person (testimony-level ones too), newest first."""
    gate.require(person_record.collection_id, Capability.VIEW_RECORDS)
    return (
        Consent.objects.filter(person=person_record)
        .select_related("recorded_by", "second_approval_by", "testimony")
        .order_by("-created_at")
    )


def legal_holds_of(gate: Gate, person_record: Person) -> QuerySet[LegalHold]:
    """A person's legal holds, in force first, then lifted ones, newest first."""
    gate.require(person_record.collection_id, Capability.VIEW_RECORDS)
    return (
        LegalHold.objects.filter(person=person_record)
        .select_related("placed_by", "lifted_by")
        .order_by(F("lifted_at").desc(nulls_first=True), "-created_at")
    )


def legal_hold(gate: Gate, person_record: Person, pk: Any) -> LegalHold:
    """One legal hold on a person the user may see, or NotFound."""
    found = legal_holds_of(gate, person_record).filter(pk=pk).first() if _is_uuid(pk) else None
    if found is None:
        raise NotFound()
    return found


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
