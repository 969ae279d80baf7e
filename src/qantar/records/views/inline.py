"""Creating a related record (place, person, event) from inside another form.

With JavaScript, htmx posts the small "new …" form to :func:`quick_create` and swaps the
select; without it, the whole form is posted with ``_add`` and shown again, with what was typed
and the new record selected (:func:`handle_interim`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from qantar.common.access import Gate
from qantar.common.web import gated
from qantar.records import forms as record_forms
from qantar.records import services
from qantar.records.views.common import write_or_show


@dataclass(frozen=True)
class Picker:
    """A select in a form with a small "new …" form beside it."""

    form: type[forms.Form]
    field: str
    create: Callable[[Gate, Any], Any]
    choices: Callable[[Gate, Any], list[tuple[str, Any]]]  # (gate, submitted data)
    title: Any
    label: Any


PICKERS: dict[str, Picker] = {
    "place": Picker(
        record_forms.QuickPlaceForm, "place",
        lambda gate, form: services.create_place(gate, form.values()),
        lambda gate, data: record_forms.place_choices(), _("New place"), _("Place"),
    ),
    "victim": Picker(
        record_forms.QuickPersonForm, "victim",
        lambda gate, form: services.record_person(gate, form.cleaned_data["collection"],
                                                  form.values()),
        lambda gate, data: record_forms.victim_choices(
            gate, str(data.get("victim_search", "")), str(data.get("victim", ""))
        ),
        _("New person"), _("Victim"),
    ),
    "event": Picker(
        record_forms.QuickEventForm, "event",
        lambda gate, form: services.record_event_record(gate, form.cleaned_data["collection"],
                                                        form.values()),
        lambda gate, data: record_forms.event_choices(gate), _("New event"), _("Event"),
    ),
}


def quick_forms(gate: Gate, kinds: Iterable[str], data: Any = None) -> dict[str, forms.Form]:
    return {kind: PICKERS[kind].form(gate, data, prefix=f"new_{kind}") for kind in kinds}


def _create_related(gate: Gate, kind: str, data: QueryDict) -> tuple[QueryDict, forms.Form]:
    """Create a place, person or event typed inside another form; select it in ``data``."""
    picker = PICKERS[kind]
    quick = picker.form(gate, data, prefix=f"new_{kind}")
    data = data.copy()
    if quick.is_valid():
        record, _problems = write_or_show(quick, lambda: picker.create(gate, quick))
        if record is not None:
            data[picker.field] = str(record.pk)
            quick = picker.form(gate, prefix=f"new_{kind}")
    return data, quick


def handle_interim(request: HttpRequest, gate: Gate,
             kinds: Sequence[str]) -> tuple[QueryDict | None, dict[str, forms.Form], bool]:
    """Handle a form submitted to add a row or a related record (pages without JavaScript).

    Returns the data to show, the small "new …" forms, and whether this was such a submission
    (then the form is shown again, with what was typed, instead of being saved).
    """
    quicks = quick_forms(gate, kinds)
    if request.method != "POST":
        return None, quicks, False
    data = request.POST
    adding, more = data.get("_add", ""), data.get("_more", "")
    if data.get("_find", "") in kinds:
        return data, quicks, True
    if adding in kinds:
        data, quicks[adding] = _create_related(gate, adding, data)
        return data, quicks, True
    if more in {"names", "perpetrators"}:
        data = data.copy()
        total = f"{more}-TOTAL_FORMS"
        try:
            data[total] = str(min(int(data.get(total, "0")) + 1, 30))
        except ValueError:
            pass
        return data, quicks, True
    return data, quicks, False


@require_POST
@gated
def quick_create(request: HttpRequest, gate: Gate, kind: str) -> HttpResponse:
    """htmx: create a related record and return its select with the new record chosen."""
    if kind not in PICKERS:
        raise Http404()
    picker = PICKERS[kind]
    data, quick = _create_related(gate, kind, request.POST)
    select = forms.ChoiceField(label=picker.label, choices=picker.choices(gate, data),
                               required=picker.field == "victim")
    holder = forms.Form(data={picker.field: data.get(picker.field, "")})
    holder.fields[picker.field] = select
    created = data.get(picker.field) != request.POST.get(picker.field)
    searched = kind == "victim" and record_forms.needs_victim_search(gate)
    return render(request, "records/_picker.html", {
        "field": holder[picker.field], "quick": quick, "kind": kind, "picker": picker,
        "created": created, "searched": searched, "search": data.get("victim_search", ""),
    })


@require_GET
@gated
def victim_options(request: HttpRequest, gate: Gate) -> HttpResponse:
    """htmx: the victim select's options for what was typed in its search box."""
    choices = record_forms.victim_choices(
        gate, request.GET.get("victim_search", ""), request.GET.get("victim", "")
    )
    return render(request, "records/_options.html", {
        "choices": choices, "selected": request.GET.get("victim", ""),
    })

