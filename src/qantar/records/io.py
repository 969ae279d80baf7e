"""Records to and from plain dictionaries: the Qantar bundle used by import, export and demo.

A bundle is a JSON object with lists ``sources, places, organisations, events, persons,
violations, testimonies``; every item has a ``key`` and cites sources through ``citations``
(``[{"source": key, "quote": ...}]``). Keys that are not UUIDs are turned into stable UUIDs
(uuid5), so importing the same bundle twice changes nothing.

Exports obey the gate: only collections where the user may export, and without identifying
fields unless the user may see identities there.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.core.errors import ValidationFailed
from qantar.records import queries, services
from qantar.records.models import (
    Event,
    Organisation,
    Person,
    Place,
    Source,
    Testimony,
    Violation,
)

BUNDLE_NAMESPACE = uuid.UUID("6f1c6a52-3f0e-4c1e-9a51-7c2b1f0e9d11")
SECTIONS = ("sources", "places", "organisations", "events", "persons", "violations", "testimonies")
MODELS: dict[str, Any] = {
    "sources": Source,
    "places": Place,
    "organisations": Organisation,
    "events": Event,
    "persons": Person,
    "violations": Violation,
    "testimonies": Testimony,
}


def key_to_id(key: Any, field_name: str = "key") -> uuid.UUID | None:
    """A bundle key as a UUID: UUIDs as they are, other keys as a stable uuid5."""
    if key in (None, ""):
        return None
    if not isinstance(key, str) or len(key) > 200:
        raise ValidationFailed("invalid_key", "A record key must be short text.", field_name)
    try:
        return uuid.UUID(key)
    except ValueError:
        return uuid.uuid5(BUNDLE_NAMESPACE, key)


@dataclass
class ImportReport:
    """What an import did, per section."""

    created: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, section: str, is_new: bool) -> None:
        """Count one item as created or already present."""
        bucket = self.created if is_new else self.unchanged
        bucket[section] = bucket.get(section, 0) + 1

    def summary(self) -> str:
        """One line for people."""
        made = ", ".join(f"{n} {s}" for s, n in self.created.items() if n) or "nothing new"
        kept = sum(self.unchanged.values())
        return f"Imported {made}; {kept} already present."


def _items(bundle: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    items = bundle.get(section) or []
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        raise ValidationFailed("bad_bundle", f"“{section}” must be a list of objects.", section)
    return items


def _with_ids(item: Mapping[str, Any], *reference_fields: str) -> dict[str, Any]:
    data = dict(item)
    data["id"] = key_to_id(item.get("key"))
    for name in reference_fields:
        if name in data:
            data[name] = key_to_id(data[name], name)
    return data


def _cite_all(gate: Gate, record: Any, citations: Iterable[Mapping[str, Any]]) -> None:
    for citation in citations or []:
        services.cite(
            gate,
            key_to_id(citation.get("source"), "citations"),
            record,
            field=citation.get("field", ""),
            locator=citation.get("locator", ""),
            quote=citation.get("quote", ""),
        )


def _import_item(
    gate: Gate, collection: Collection, section: str, item: Mapping[str, Any]
) -> tuple[Any, bool]:
    model = MODELS[section]
    item_id = key_to_id(item.get("key"))
    manager = getattr(model, "all_objects", model.objects)
    existing = manager.filter(pk=item_id).first() if item_id else None
    if existing is not None:
        return existing, False
    creators = {
        "sources": lambda: services.record_source(gate, collection, _with_ids(item)),
        "places": lambda: services.create_place(gate, _with_ids(item, "parent")),
        "organisations": lambda: services.create_organisation(gate, _with_ids(item, "parent")),
        "events": lambda: services.record_event_record(gate, collection, _with_ids(item, "place")),
        "persons": lambda: services.record_person(gate, collection, item | {"id": item_id}),
        "violations": lambda: services.record_violation(gate, _violation_data(item)),
        "testimonies": lambda: services.record_testimony(gate, _with_ids(item, "person")),
    }
    return creators[section](), True


def _violation_data(item: Mapping[str, Any]) -> dict[str, Any]:
    data = _with_ids(item, "victim", "event", "place")
    data["involvements"] = [
        {
            "organisation": key_to_id(p.get("organisation"), "perpetrators"),
            "perpetrator_name": p.get("person_name") or p.get("perpetrator_name", ""),
            "degree": p.get("degree", ""),
        }
        for p in item.get("perpetrators", item.get("involvements", [])) or []
    ]
    return data


@transaction.atomic
def import_bundle(gate: Gate, collection: Collection, bundle: Mapping[str, Any]) -> ImportReport:
    """Import a bundle into a collection: all or nothing, idempotent."""
    gate.require(collection.pk, Capability.EDIT_RECORDS)
    if not isinstance(bundle, Mapping):
        raise ValidationFailed("bad_bundle", "The file is not a Qantar bundle (a JSON object).")
    report = ImportReport()
    for section in SECTIONS:
        for index, item in enumerate(_items(bundle, section)):
            try:
                record, is_new = _import_item(gate, collection, section, item)
                if is_new and hasattr(record, "collection_id"):
                    _cite_all(gate, record, item.get("citations", []))
            except ValidationFailed as error:
                raise ValidationFailed(
                    error.code,
                    f"{section} #{index + 1} ({item.get('key', '?')}): {error.message}",
                    error.field,
                ) from None
            report.count(section, is_new)
    record_event(
        AuditAction.IMPORT,
        actor=gate.user,
        obj=collection,
        collection_id=collection.pk,
        details={"created": report.created, "unchanged": report.unchanged},
    )
    return report


# --- export -------------------------------------------------------------------------------------


def _citations(gate: Gate, record: Any, with_identity: bool) -> list[dict[str, Any]]:
    return [
        {
            "source": str(c.source_id),
            "field": c.field,
            "locator": c.locator,
            "quote": c.quote if with_identity else "",
        }
        for c in queries.citations_of(gate, record)
    ]


def person_to_dict(gate: Gate, person: Person) -> dict[str, Any]:
    """A person for export: identities only for users allowed to see them."""
    with_identity = gate.sees_identities(person.collection_id)
    data: dict[str, Any] = {
        "key": str(person.pk),
        "pseudonym": person.pseudonym,
        "sex": person.sex,
        "status": person.status,
        "age": person.age,
        "groups": sorted(term.code for term in person.groups.all()),
        "citations": _citations(gate, person, with_identity),
    }
    if with_identity:
        data |= {
            "names": [
                {
                    "value": n.value,
                    "script": n.script,
                    "language": n.language,
                    "kind": n.kind,
                    "is_primary": n.is_primary,
                }
                for n in person.names.all()
            ],
            "birth_date": person.birth_date or "",
            "iin": person.iin or "",
            "occupation": person.occupation or "",
            "notes": person.notes or "",
        }
    return data


def violation_to_dict(gate: Gate, violation: Violation) -> dict[str, Any]:
    """A violation for export (its description only with identities)."""
    with_identity = gate.sees_identities(violation.collection_id)
    return {
        "key": str(violation.pk),
        "victim": str(violation.victim_id),
        "event": str(violation.event_id or ""),
        "type": violation.type.code,
        "methods": sorted(t.code for t in violation.methods.all()),
        "consequences": sorted(t.code for t in violation.consequences.all()),
        "date": violation.date,
        "place": str(violation.place_id or ""),
        "status": violation.status,
        "description": (violation.description or "") if with_identity else "",
        "perpetrators": [
            {
                "organisation": str(inv.organisation_id or ""),
                "degree": inv.degree,
                "person_name": (inv.perpetrator_name or "") if with_identity else "",
            }
            for inv in violation.involvements.all()
        ],
        "citations": _citations(gate, violation, with_identity),
    }


def _simple(record: Any, fields: Iterable[str]) -> dict[str, Any]:
    data = {"key": str(record.pk)}
    for name in fields:
        value = getattr(record, name)
        data[name] = (
            value.code
            if hasattr(value, "code")
            else (str(value) if isinstance(value, uuid.UUID) else value)
        )
    return data


EXPORT_PURPOSES = ("documentation", "share_partners", "submit_un_courts", "statistics")


def export_bundle(gate: Gate, purpose: str = "documentation") -> dict[str, Any]:
    """Everything the user may export for a purpose, as a bundle (audited).

    People whose consent does not allow the purpose are left out, with their violations;
    how many were left out is logged.
    """
    _check_purpose(purpose)
    exportable = gate.collections(Capability.EXPORT)
    narrow = Gate(user=gate.user, roles={k: v for k, v in gate.roles.items() if k in exportable})
    allowed = [p for p in queries.people(narrow) if queries.consent_allows(p, purpose)]
    left_out = queries.people(narrow).count() - len(allowed)
    allowed_ids = {p.pk for p in allowed}
    persons = [person_to_dict(narrow, p) for p in allowed]
    bundle: dict[str, Any] = {
        "format": "qantar-bundle/1",
        "sources": [
            _simple(
                s,
                (
                    "title",
                    "source_type",
                    "publisher",
                    "published",
                    "language",
                    "url",
                    "reliability",
                ),
            )
            for s in queries.sources(narrow)
        ],
        "places": [
            _simple(p, ("name", "kind"))
            | {
                "parent": str(p.parent_id or ""),
                "site_type": p.site_type.code if p.site_type else "",
            }
            for p in queries.places()
        ],
        "organisations": [
            _simple(o, ("name", "kind"))
            | {"parent": str(o.parent_id or ""), "agency": o.agency.code if o.agency else ""}
            for o in queries.organisations()
        ],
        "events": [
            _simple(e, ("title", "date"))
            | {
                "place": str(e.place_id or ""),
                "description": (e.description or "")
                if narrow.sees_identities(e.collection_id)
                else "",
                "citations": _citations(narrow, e, narrow.sees_identities(e.collection_id)),
            }
            for e in queries.events(narrow)
        ],
        "persons": persons,
        "violations": [
            violation_to_dict(narrow, v)
            for v in queries.violations(narrow)
            if v.victim_id in allowed_ids
        ],
    }
    if left_out:
        record_event(
            AuditAction.REFUSED,
            actor=gate.user,
            details={
                "action": "export",
                "purpose": purpose,
                "persons": left_out,
                "reason": "no_consent",
            },
        )
    record_event(
        AuditAction.EXPORT,
        actor=gate.user,
        details={
            "collections": sorted(str(c) for c in exportable),
            "purpose": purpose,
            "persons": len(persons),
        },
    )
    return bundle


PERSON_LIST_COLUMNS = (
    "record_id",
    "list",
    "full_name",
    "given_name",
    "surname",
    "patronymic",
    "birth_date",
    "birth_year",
    "age",
    "sex",
    "region",
    "city",
    "date_of_death",
    "iin",
)


@dataclass
class PeopleRows:
    """People as rows of the standard person-list CSV columns."""

    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def _check_purpose(purpose: str) -> None:
    if purpose not in EXPORT_PURPOSES:
        raise ValidationFailed(
            "invalid_choice", f"Purposes are: {', '.join(EXPORT_PURPOSES)}.", "purpose"
        )


def people_rows(gate: Gate, purpose: str = "documentation") -> PeopleRows:
    """Exportable people in the standard person-list columns, for a purpose (audited).

    People whose consent does not allow the purpose are left out (and how many is logged).
    Users who may not see identities get pseudonyms as record ids and no names or numbers.
    """
    _check_purpose(purpose)
    exportable = set(gate.collections(Capability.EXPORT))
    rows = []
    left_out = 0
    for person in queries.people(gate).filter(collection_id__in=exportable):
        if not queries.consent_allows(person, purpose):
            left_out += 1
            continue
        with_identity = gate.sees_identities(person.collection_id)
        primary = next(iter(person.names.all()), None)
        birth = person.birth_date or "" if with_identity else ""
        rows.append(
            {
                "record_id": str(person.pk) if with_identity else person.pseudonym,
                "list": "qantar",
                "full_name": primary.value if with_identity and primary else "",
                "given_name": "",
                "surname": "",
                "patronymic": "",
                "birth_date": birth if len(birth) == 10 else "",
                "birth_year": birth[:4] if birth else "",
                "age": person.age or "",
                "sex": person.sex,
                "region": "",
                "city": "",
                "date_of_death": "",
                "iin": (person.iin or "") if with_identity else "",
            }
        )
    if left_out:
        record_event(
            AuditAction.REFUSED,
            actor=gate.user,
            details={
                "action": "export",
                "purpose": purpose,
                "persons": left_out,
                "reason": "no_consent",
            },
        )
    record_event(
        AuditAction.EXPORT,
        actor=gate.user,
        details={"format": "person-list-csv", "purpose": purpose, "persons": len(rows)},
    )
    return PeopleRows(PERSON_LIST_COLUMNS, rows)
