"""The start page and the lists of people, events, violations and sources."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.common.web import gated, page_of, query_without, show_error, wants_fragment
from qantar.core.errors import ValidationFailed
from qantar.records import forms as record_forms
from qantar.records import queries
from qantar.records.models import Person, Violation
from qantar.records.views.common import label_people


@require_safe
@gated
def home(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Documented counts the user may see, and where to go next."""
    return render(request, "records/home.html", {
        "counts": queries.counts(gate),
        "can_create": bool(gate.collections(Capability.EDIT_RECORDS)),
    })


def _list_page(request: HttpRequest, gate: Gate, *, noun: str,
               query: Callable[[Gate, dict[str, Any]], Any],
               filter_form: type[record_forms.FilterForm],
               prepare: Callable[[Gate, list[Any]], None] | None = None) -> HttpResponse:
    """A filtered, paginated list; htmx filter requests get only the results."""
    filters = filter_form(request.GET or None, gate=gate)
    values = filters.values()
    try:
        items = query(gate, values)
    except ValidationFailed as error:
        show_error(filters, error)
        values.pop(error.field or "", None)
        items = query(gate, values)
    page = page_of(request, items)
    page.object_list = list(page.object_list)
    if prepare is not None:
        prepare(gate, page.object_list)
    context = {
        "filters": filters, "page": page, "query": query_without(request, "page"),
        "noun": noun, "searching": bool(values),
        "several_collections": len(gate.collections(Capability.VIEW_RECORDS)) > 1,
        "can_create": bool(gate.collections(Capability.EDIT_RECORDS)),
        "name_search_limited": bool(values.get("q")) and not gate.collections(
            Capability.VIEW_IDENTITIES),
    }
    template = "_results" if wants_fragment(request) else "_list"
    return render(request, f"records/{noun}{template}.html", context)


def _prepare_people(gate: Gate, people: list[Person]) -> None:
    label_people(gate, people)
    for person in people:
        person.other_names = ([name.value for name in list(person.names.all())[1:]]  # type: ignore[attr-defined]
                              if gate.sees_identities(person.collection_id) else [])


def prepare_violations(gate: Gate, violations: list[Violation]) -> None:
    label_people(gate, [violation.victim for violation in violations])


@require_safe
@gated
def person_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """People, searchable by any spelling of any of their names."""
    return _list_page(request, gate, noun="person", query=queries.people,
                      filter_form=record_forms.PersonFilter, prepare=_prepare_people)


@require_safe
@gated
def event_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Events by date, filtered by words, place, type and dates."""
    return _list_page(request, gate, noun="event", query=queries.events,
                      filter_form=record_forms.EventFilter)


@require_safe
@gated
def violation_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Violations, filtered as documenters need."""
    return _list_page(request, gate, noun="violation", query=queries.violations,
                      filter_form=record_forms.ViolationFilter, prepare=prepare_violations)


@require_safe
@gated
def source_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Sources by title."""
    return _list_page(request, gate, noun="source", query=queries.sources,
                      filter_form=record_forms.SourceFilter)

