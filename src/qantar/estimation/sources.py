"""Capture-history providers: named functions that build a capture-history table from data.

A provider takes the user's gate and its parameters and returns the counts of people on each
combination of lists (:class:`ProvidedTable`); it checks access itself. Other apps register
theirs (the lists app: linked person lists) with :func:`register`, optionally with a form
class for the web page (``form_class(gate, data)`` whose ``cleaned_data`` are the parameters).

The provider shipped here, ``record_sources``, counts documented people by the sources that
cite them: one list per chosen source, a person is "on" a source's list when the source is
cited for the person, for a violation of which they are the victim, or for their testimony.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.core.errors import ValidationFailed
from qantar.core.estimation import CaptureHistories, from_rows
from qantar.estimation.choices import StratifyBy
from qantar.records.choices import ConsentDecision, ConsentPurpose, PersonStatus
from qantar.records.models import Citation, Consent, Person, Source, Testimony, Violation

MAX_LISTS = 12
LIST_NAME_MAX = 80
ADULT_AGE = 18

Pattern = tuple[int, ...]
Rows = tuple[tuple[Pattern, int], ...]


@dataclass(frozen=True)
class ProvidedTable:
    """Counts per pattern (never who is on which list), maybe split into strata.

    ``summary`` holds aggregate counts that help read the table (for example how many
    documented people are on none of the chosen lists).
    """

    list_names: tuple[str, ...]
    rows: Rows
    strata: dict[str, Rows] = field(default_factory=dict)
    stratum_field: str = ""
    summary: dict[str, int] = field(default_factory=dict)

    def tables(self) -> CaptureHistories | dict[str, CaptureHistories]:
        """The table, or one table per stratum, ready for estimation."""
        if self.strata:
            return {name: from_rows(self.list_names, rows) for name, rows in self.strata.items()}
        return from_rows(self.list_names, self.rows)


Provide = Callable[[Gate, Mapping[str, Any]], ProvidedTable]


@dataclass(frozen=True)
class Provider:
    """A registered capture-history provider."""

    name: str
    title: Any
    provide: Provide
    form_class: Any = None  # a form class or its dotted path


_PROVIDERS: dict[str, Provider] = {}


def register(name: str, title: Any, provide: Provide, form_class: Any = None) -> Provider:
    """Register (or replace) a provider under a stable lowercase name."""
    provider = Provider(name, title, provide, form_class)
    _PROVIDERS[name] = provider
    return provider


def providers() -> list[Provider]:
    """Every registered provider, by name."""
    return [_PROVIDERS[name] for name in sorted(_PROVIDERS)]


def provider(name: str) -> Provider:
    """One provider, or ValidationFailed for an unknown name."""
    if name not in _PROVIDERS:
        raise ValidationFailed("unknown_provider", f"No capture-history provider {name!r}.")
    return _PROVIDERS[name]


def provide(name: str, gate: Gate, params: Mapping[str, Any]) -> ProvidedTable:
    """Build a table with the named provider."""
    return provider(name).provide(gate, params)


# --- people cited by sources ---------------------------------------------------------------------


def people_cited_by_sources(gate: Gate, params: Mapping[str, Any]) -> ProvidedTable:
    """One list per chosen source: the people of a collection each source documents.

    Parameters: ``collection``; ``sources`` (2 to 12 source ids in that collection, in list
    order); optional ``status`` (a person status, e.g. ``dead``), ``violation_type`` (only
    victims of a violation of that type) and ``stratify_by`` (``sex`` or ``age_group``).
    People who refused (or withdrew) consent to statistics are left out and counted in the
    summary. Deleted records do not count.
    """
    collection_id = parse_id(params.get("collection"), "collection")
    gate.require(collection_id, Capability.VIEW_STATISTICS)
    sources = chosen_lists(Source.objects.filter(collection_id=collection_id),
                           params.get("sources") or [], noun="source", field_name="sources")
    people = _people(collection_id, params)
    refused = _refused_statistics(people)
    counted = {pk: stratum for pk, stratum in people.items() if pk not in refused}
    on_lists = _lists_of_people(sources, set(counted))
    stratify = str(params.get("stratify_by") or "")
    by_stratum: dict[str, Counter[Pattern]] = {}
    for pk, indexes in on_lists.items():
        pattern = tuple(int(index in indexes) for index in range(len(sources)))
        by_stratum.setdefault(counted[pk] if stratify else "", Counter())[pattern] += 1
    whole = sum(by_stratum.values(), Counter())
    summary = {"documented": len(counted), "on_a_chosen_list": len(on_lists),
               "on_no_chosen_list": len(counted) - len(on_lists),
               "left_out_by_consent": len(refused)}
    return ProvidedTable(
        list_names=_list_names(sources),
        rows=_rows(whole),
        strata={name: _rows(c) for name, c in sorted(by_stratum.items())} if stratify else {},
        stratum_field=stratify,
        summary=summary,
    )


def parse_id(value: Any, field_name: str) -> uuid.UUID:
    """A chosen record's id, or ValidationFailed on ``field_name``."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed("bad_id", "Choose from the list.", field_name) from None


def chosen_lists(queryset: QuerySet[Any], values: Iterable[Any], *, noun: str,
                 field_name: str) -> list[Any]:
    """The 2 to :data:`MAX_LISTS` chosen rows of ``queryset`` (one collection's sources or
    lists), in the order chosen; anything else is refused on ``field_name``."""
    ids = list(dict.fromkeys(parse_id(value, field_name) for value in values))
    if len(ids) < 2:
        raise ValidationFailed("too_few_lists", f"Choose at least two {noun}s (three or more "
                               "to check whether lists depend on each other).", field_name)
    if len(ids) > MAX_LISTS:
        raise ValidationFailed("too_many_lists", f"Choose at most {MAX_LISTS} {noun}s.",
                               field_name)
    found = queryset.in_bulk(ids)
    if len(found) != len(ids):
        raise ValidationFailed(f"unknown_{noun}", f"A chosen {noun} is not in this "
                               "collection.", field_name)
    return [found[pk] for pk in ids]


def _people(collection_id: uuid.UUID, params: Mapping[str, Any]) -> dict[uuid.UUID, str]:
    """The people who may be counted, with their stratum."""
    people = Person.objects.filter(collection_id=collection_id)
    status = params.get("status") or ""
    if status:
        if status not in PersonStatus.values:
            raise ValidationFailed("bad_choice", "Unknown status.", "status")
        people = people.filter(status=status)
    if params.get("violation_type"):
        victims = Violation.objects.filter(
            collection_id=collection_id, type__code=params["violation_type"]).values("victim_id")
        people = people.filter(pk__in=victims)
    stratify = params.get("stratify_by") or ""
    if stratify not in StratifyBy.values:
        raise ValidationFailed("bad_choice", "Unknown way to stratify.", "stratify_by")
    return {pk: _stratum(stratify, sex, age)
            for pk, sex, age in people.values_list("pk", "sex", "age")}


def _stratum(stratify: str, sex: str, age: int | None) -> str:
    if stratify == StratifyBy.SEX:
        return sex
    if stratify == StratifyBy.AGE_GROUP:
        return "unknown" if age is None else ("under_18" if age < ADULT_AGE else "18_and_over")
    return ""


def _refused_statistics(people: Mapping[uuid.UUID, str]) -> set[uuid.UUID]:
    """People whose newest decision on statistics is a refusal or a withdrawal.

    People never asked (the dead in published lists cannot be) are counted, as for
    documentation; estimation publishes no individual, only totals.
    """
    latest: dict[uuid.UUID, str] = {}
    decisions = Consent.objects.filter(
        person_id__in=list(people), purpose=ConsentPurpose.STATISTICS, testimony__isnull=True
    ).order_by("created_at").values_list("person_id", "decision")
    for person_id, decision in decisions:
        latest[person_id] = decision
    return {pk for pk, decision in latest.items() if decision != ConsentDecision.GRANTED}


def _lists_of_people(sources: list[Source], people: set[uuid.UUID]) -> dict[uuid.UUID, set[int]]:
    """For each counted person cited by a chosen source, the indexes of those sources."""
    index_of = {source.pk: index for index, source in enumerate(sources)}
    citations = list(Citation.objects.filter(source_id__in=list(index_of)).values_list(
        "source_id", "object_type", "object_id"))
    owners = _owners(citations)
    lists: dict[uuid.UUID, set[int]] = {}
    for source_id, object_type, object_id in citations:
        person_id = object_id if object_type == "person" else owners.get(object_id)
        if person_id in people:
            lists.setdefault(person_id, set()).add(index_of[source_id])
    return lists


def _owners(citations: list[tuple[uuid.UUID, str, uuid.UUID]]) -> dict[uuid.UUID, uuid.UUID]:
    """The person each cited violation (victim) or testimony (witness) is about."""
    def ids(kind: str) -> list[uuid.UUID]:
        return [object_id for _, object_type, object_id in citations if object_type == kind]

    owners = dict(Violation.objects.filter(pk__in=ids("violation")).values_list("pk",
                                                                                 "victim_id"))
    owners.update(Testimony.objects.filter(pk__in=ids("testimony")).values_list("pk",
                                                                                "person_id"))
    return owners


def _list_names(sources: list[Source]) -> tuple[str, ...]:
    names: list[str] = []
    for source in sources:
        base = " ".join(source.title.split())[:LIST_NAME_MAX] or str(source.pk)[:8]
        name, suffix = base, 2
        while name in names:
            name, suffix = f"{base} ({suffix})", suffix + 1
        names.append(name)
    return tuple(names)


def _rows(counts: Counter[Pattern]) -> Rows:
    return tuple(sorted(counts.items()))


register("record_sources", _("People cited by sources in a collection"),
         people_cited_by_sources, "qantar.estimation.forms.RecordSourcesForm")
