"""A record's history made readable: field labels, and names instead of ids.

Values are shown only to users who may see identities (``queries.history`` hides them from
analysts); references (places, events, vocabulary terms, organisations) are named.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext_lazy as _

from qantar.audit.choices import AuditAction
from qantar.common.access import Gate
from qantar.records import queries
from qantar.vocab.choices import Vocabulary
from qantar.vocab.queries import terms


def _value_text(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _names_for(gate: Gate, field: str, ids: set[str]) -> dict[str, str]:
    """Readable names for ids kept in history (places, events, terms, organisations)."""
    numeric = {value for value in ids if value.isdigit()}
    ids = {value for value in ids if _is_uuid(value)}
    if field == "place":
        return {str(p.pk): p.name for p in queries.places().filter(pk__in=ids)}
    if field == "event":
        return {str(e.pk): e.title for e in queries.events(gate).filter(pk__in=ids)}
    if field == "involvements":
        return {str(o.pk): o.name for o in queries.organisations().filter(pk__in=ids)}
    vocabulary = {"type": Vocabulary.VIOLATION_TYPE, "source_type": Vocabulary.SOURCE_TYPE}
    return {str(t.pk): t.label for t in terms(vocabulary[field], include_deprecated=True)
            .filter(pk__in=numeric)}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _involvement_text(value: str, organisations: dict[str, str]) -> str:
    organisation, _sep, rest = value.partition("|")
    name, _sep, degree = rest.rpartition("|")
    who = ", ".join(part for part in (organisations.get(organisation, organisation), name) if part)
    return f"{who} ({degree})" if degree else who


REFERENCE_FIELDS = ("place", "event", "type", "source_type", "involvements")


def readable_history(gate: Gate, record: Any) -> list[dict[str, Any]]:
    """The record's history with field labels and readable values (names, not ids)."""
    items = queries.history(gate, record)
    labels = {field.name: getattr(field, "verbose_name", field.name)
              for field in record._meta.get_fields()}
    labels.update({"names": _("names"), "involvements": _("perpetrators"),
                   "deleted": _("deleted")})
    known: dict[str, dict[str, str]] = {}
    for field in REFERENCE_FIELDS:
        values = {value for item in items for pair in [item.changes.get(field) or []]
                  for side in pair for value in (side if isinstance(side, list) else [side])
                  if isinstance(value, str)}
        if field == "involvements":
            values = {value.partition("|")[0] for value in values}
        known[field] = _names_for(gate, field, values)

    def readable(field: str, value: Any) -> str:
        if field == "involvements" and isinstance(value, list):
            return _value_text([_involvement_text(v, known[field]) for v in value])
        if field in known and isinstance(value, str):
            return known[field].get(value, value) or "—"
        return _value_text(value)

    return [
        {"item": item, "action": AuditAction(item.action).label if item.action in
         AuditAction.values else item.action,
         "changes": [(labels.get(name, name), readable(name, old), readable(name, new))
                     for name, (old, new) in item.changes.items()]}
        for item in items
    ]

