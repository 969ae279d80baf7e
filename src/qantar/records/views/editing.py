"""Creating and changing people, events, sources and violations (history kept on every edit).

A form that is posted to add a name row, a perpetrator row or a related record (pages without
JavaScript) is shown again with what was typed; only a real submission calls a service.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.common.web import gated, without_errors
from qantar.records import forms as record_forms
from qantar.records import queries, services
from qantar.records.views.common import (
    FORM_METHODS,
    all_valid,
    is_local,
    label_people,
    plain_values,
    refuse_if_erased,
    require_editor,
    write_or_show,
)
from qantar.records.views.inline import PICKERS, handle_interim

# --- people: create and edit ----------------------------------------------------------------


NEW_NAMES = [{"language": "ru"}, {"language": "en"}]


def _person_values(form: forms.Form, names: forms.BaseFormSet) -> dict[str, Any]:  # type: ignore[type-arg]
    values = {key: value for key, value in form.cleaned_data.items()
              if key not in {"collection", "reason"}}
    values["names"] = [row.cleaned_data for row in names.forms
                       if getattr(row, "cleaned_data", {}).get("value")]
    return values


def _person_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "records/person_form.html", context)


@FORM_METHODS
@gated
def person_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record a person with several names (each with script, language and kind)."""
    require_editor(gate)
    data, _quicks, interim = handle_interim(request, gate, [])
    form = record_forms.PersonForm(gate, data)
    names = record_forms.NameFormSet(data, prefix="names", initial=NEW_NAMES)
    problems: dict[str, str] = {}
    if data is not None and not interim and all_valid(form, names):
        person, problems = write_or_show(form, lambda: services.record_person(
            gate, form.cleaned_data["collection"], _person_values(form, names)), ["names"])
        if person is not None:
            messages.success(request, _t("The person was recorded as %(p)s.")
                             % {"p": person.pseudonym})
            return redirect("records:person_detail", pk=person.pk)
    if interim:
        without_errors([form, names])
    return _person_page(request, {"form": form, "names": names, "formsets": [names],
                                  "problems": problems, "is_new": True})


@FORM_METHODS
@gated
def person_edit(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Change a person; the old values stay in the history."""
    person = queries.person(gate, pk)
    gate.require(person.collection_id, Capability.EDIT_RECORDS)
    data, _quicks, interim = handle_interim(request, gate, [])
    initial = {"sex": person.sex, "status": person.status, "age": person.age,
               "groups": [term.code for term in person.groups.all()],
               "birth_date": person.birth_date or "", "iin": person.iin or "",
               "occupation": person.occupation or "", "contact": person.contact or "",
               "notes": person.notes or ""}
    form = record_forms.PersonEditForm(gate, data, initial=initial)
    names = record_forms.NameFormSet(data, prefix="names", initial=[
        {"value": n.value, "script": n.script, "language": n.language, "kind": n.kind}
        for n in person.names.all()])
    problems: dict[str, str] = {}
    if data is not None and not interim and all_valid(form, names):
        saved, problems = write_or_show(form, lambda: services.update_person(
            gate, person, _person_values(form, names), reason=form.cleaned_data["reason"]),
            ["names"])
        if saved is not None:
            messages.success(request, _t("The changes were saved."))
            return redirect("records:person_detail", pk=person.pk)
    if interim:
        without_errors([form, names])
    label_people(gate, [person])
    return _person_page(request, {"form": form, "names": names, "formsets": [names],
                                  "problems": problems, "record": person, "is_new": False})


# --- events and sources ---------------------------------------------------------------------



@FORM_METHODS
@gated
def event_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record an event; a new place can be added from the form."""
    require_editor(gate)
    data, quicks, interim = handle_interim(request, gate, ["place"])
    form = record_forms.EventForm(gate, data)
    if data is not None and not interim and form.is_valid():
        event, _problems = write_or_show(form, lambda: services.record_event_record(
            gate, form.cleaned_data["collection"], plain_values(form)))
        if event is not None:
            messages.success(request, _t("The event was recorded."))
            return redirect("records:event_detail", pk=event.pk)
    if interim:
        without_errors([form])
    return render(request, "records/event_form.html", {"form": form, "quicks": quicks,
                                                        "pickers": PICKERS, "is_new": True})


@FORM_METHODS
@gated
def event_edit(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Change an event, keeping history."""
    event = queries.event(gate, pk)
    gate.require(event.collection_id, Capability.EDIT_RECORDS)
    data, quicks, interim = handle_interim(request, gate, ["place"])
    form = record_forms.EventEditForm(gate, data, initial={
        "title": event.title, "date": event.date, "place": str(event.place_id or ""),
        "description": event.description or ""})
    if data is not None and not interim and form.is_valid():
        saved, _problems = write_or_show(form, lambda: services.update_event(
            gate, event, plain_values(form), reason=form.cleaned_data["reason"]))
        if saved is not None:
            messages.success(request, _t("The changes were saved."))
            return redirect("records:event_detail", pk=event.pk)
    if interim:
        without_errors([form])
    return render(request, "records/event_form.html", {"form": form, "quicks": quicks,
                                                        "pickers": PICKERS, "record": event,
                                                        "is_new": False})


@FORM_METHODS
@gated
def source_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record a source with its reliability grade."""
    require_editor(gate)
    form = record_forms.SourceForm(gate, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        source, _problems = write_or_show(form, lambda: services.record_source(
            gate, form.cleaned_data["collection"], plain_values(form)))
        if source is not None:
            messages.success(request, _t("The source was recorded."))
            return redirect(request.GET.get("next") if is_local(request.GET.get("next"))
                            else reverse("records:source_detail", args=[source.pk]))
    return render(request, "records/source_form.html", {"form": form, "is_new": True})



@FORM_METHODS
@gated
def source_edit(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Change a source, keeping history."""
    source = queries.source(gate, pk)
    gate.require(source.collection_id, Capability.EDIT_RECORDS)
    form = record_forms.SourceEditForm(
        gate, request.POST if request.method == "POST" else None, initial={
            "title": source.title, "source_type": source.source_type.code,
            "publisher": source.publisher, "published": source.published,
            "language": source.language, "url": source.url, "reliability": source.reliability,
            "description": source.description or ""})
    if form.is_bound and form.is_valid():
        saved, _problems = write_or_show(form, lambda: services.update_source(
            gate, source, plain_values(form), reason=form.cleaned_data["reason"]))
        if saved is not None:
            messages.success(request, _t("The changes were saved."))
            return redirect("records:source_detail", pk=source.pk)
    return render(request, "records/source_form.html", {"form": form, "record": source,
                                                         "is_new": False})


# --- violations -----------------------------------------------------------------------------


def _violation_values(form: forms.Form, perpetrators: forms.BaseFormSet) -> dict[str, Any]:  # type: ignore[type-arg]
    values = plain_values(form)
    values["involvements"] = [
        row.cleaned_data for row in perpetrators.forms
        if getattr(row, "cleaned_data", {}).get("organisation")
        or getattr(row, "cleaned_data", {}).get("perpetrator_name")
    ]
    return values


def _perpetrator_formset(data: Any, initial: list[dict[str, Any]] | None = None) -> Any:
    return record_forms.PerpetratorFormSet(
        data, prefix="perpetrators", initial=initial,
        form_kwargs={"organisations": record_forms.organisation_choices()})


def _violation_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "records/violation_form.html", context | {"pickers": PICKERS})


@FORM_METHODS
@gated
def violation_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record a violation; victim, event and place can be created from the form."""
    require_editor(gate)
    data, quicks, interim = handle_interim(request, gate, ["victim", "event", "place"])
    form = record_forms.ViolationForm(gate, data, initial={
        "victim": request.GET.get("victim", ""), "event": request.GET.get("event", "")})
    perpetrators = _perpetrator_formset(data)
    problems: dict[str, str] = {}
    if data is not None and not interim and all_valid(form, perpetrators):
        violation, problems = write_or_show(form, lambda: services.record_violation(
            gate, _violation_values(form, perpetrators)), ["involvements"])
        if violation is not None:
            messages.success(request, _t("The violation was recorded."))
            return redirect("records:violation_detail", pk=violation.pk)
    if interim:
        without_errors([form, perpetrators])
    return _violation_page(request, {"form": form, "perpetrators": perpetrators,
                                     "formsets": [perpetrators], "quicks": quicks,
                                     "problems": problems, "is_new": True})


@FORM_METHODS
@gated
def violation_edit(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Change a violation (not its victim), keeping history."""
    violation = queries.violation(gate, pk)
    gate.require(violation.collection_id, Capability.EDIT_RECORDS)
    refuse_if_erased(violation.victim)
    data, quicks, interim = handle_interim(request, gate, ["event", "place"])
    form = record_forms.ViolationEditForm(gate, data, initial={
        "event": str(violation.event_id or ""), "type": violation.type.code,
        "methods": [term.code for term in violation.methods.all()],
        "consequences": [term.code for term in violation.consequences.all()],
        "date": violation.date, "place": str(violation.place_id or ""),
        "status": violation.status, "description": violation.description or ""})
    perpetrators = _perpetrator_formset(data, [
        {"organisation": str(inv.organisation_id or ""),
         "perpetrator_name": inv.perpetrator_name or "", "degree": inv.degree}
        for inv in violation.involvements.all()])
    problems: dict[str, str] = {}
    if data is not None and not interim and all_valid(form, perpetrators):
        saved, problems = write_or_show(form, lambda: services.update_violation(
            gate, violation, _violation_values(form, perpetrators),
            reason=form.cleaned_data["reason"]), ["involvements"])
        if saved is not None:
            messages.success(request, _t("The changes were saved."))
            return redirect("records:violation_detail", pk=violation.pk)
    if interim:
        without_errors([form, perpetrators])
    label_people(gate, [violation.victim])
    return _violation_page(request, {"form": form, "perpetrators": perpetrators,
                                     "formsets": [perpetrators], "quicks": quicks,
                                     "problems": problems, "record": violation,
                                     "is_new": False})
