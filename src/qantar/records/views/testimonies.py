"""Testimonies (record, change), citing a source on any record, and soft deletion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.common.web import gated, person_label
from qantar.core.errors import NotFound
from qantar.records import forms as record_forms
from qantar.records import queries, services
from qantar.records.views.common import (
    FORM_METHODS,
    KIND_LABELS,
    label_people,
    record_link,
    record_text,
    refuse_if_erased,
    write_or_show,
)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- testimonies ----------------------------------------------------------------------------


@FORM_METHODS
@gated
def testimony_create(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Record a person's testimony."""
    person = queries.person(gate, pk)
    gate.require(person.collection_id, Capability.EDIT_RECORDS)
    form = record_forms.TestimonyForm(gate, _data(request))
    if form.is_bound and form.is_valid():
        testimony, _problems = write_or_show(form, lambda: services.record_testimony(
            gate, {**form.cleaned_data, "person": person.pk}))
        if testimony is not None:
            messages.success(request, _t("The testimony was recorded."))
            return redirect("records:person_detail", pk=person.pk)
    label_people(gate, [person])
    return render(request, "records/testimony_form.html",
                  {"form": form, "person": person, "is_new": True})


@FORM_METHODS
@gated
def testimony_edit(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Change a testimony; the old text stays, sealed, in the history."""
    testimony = queries.testimony(gate, pk)
    gate.require(testimony.collection_id, Capability.EDIT_RECORDS)
    refuse_if_erased(testimony.person)
    form = record_forms.TestimonyEditForm(gate, _data(request), initial={
        "text": testimony.text or "", "language": testimony.language,
        "taken_on": testimony.taken_on, "taken_by": testimony.taken_by})
    if form.is_bound and form.is_valid():
        values = {key: value for key, value in form.cleaned_data.items() if key != "reason"}
        saved, _problems = write_or_show(form, lambda: services.update_testimony(
            gate, testimony, values, reason=form.cleaned_data["reason"]))
        if saved is not None:
            messages.success(request, _t("The changes were saved."))
            return redirect("records:person_detail", pk=testimony.person_id)
    person = testimony.person
    label_people(gate, [person])
    return render(request, "records/testimony_form.html",
                  {"form": form, "person": person, "record": testimony, "is_new": False})


# --- citations ------------------------------------------------------------------------------


CITABLE: dict[str, Callable[[Gate, Any], Any]] = {
    "person": queries.person, "event": queries.event, "violation": queries.violation,
    "testimony": queries.testimony,
}


@FORM_METHODS
@gated
def cite(request: HttpRequest, gate: Gate, kind: str, pk: Any) -> HttpResponse:
    """Cite a source in support of a person, event, violation or testimony."""
    if kind not in CITABLE:
        raise Http404()
    record = CITABLE[kind](gate, pk)
    gate.require(record.collection_id, Capability.EDIT_RECORDS)
    refuse_if_erased(_person_of(kind, record))
    form = record_forms.CiteForm(gate, _data(request))
    if form.is_bound and form.is_valid():
        citation, _problems = write_or_show(form, lambda: services.cite(
            gate, form.cleaned_data["source"], record, locator=form.cleaned_data["locator"],
            quote=form.cleaned_data["quote"]))
        if citation is not None:
            messages.success(request, _t("The source was cited."))
            return redirect(record_link(kind, record))
    return render(request, "records/cite_form.html", {
        "form": form, "record": record, "kind": kind, "kind_label": KIND_LABELS[kind],
        "record_text": record_text(gate, kind, record), "back": record_link(kind, record),
    })


def _person_of(kind: str, record: Any) -> Any:
    """The person whose key seals a record's narrative (None for events)."""
    return {"person": record, "violation": getattr(record, "victim", None),
            "testimony": getattr(record, "person", None)}.get(kind)


# --- soft deletion --------------------------------------------------------------------------


def _delete(request: HttpRequest, gate: Gate, record: Any, *, text: str, back: str,
            done: str) -> HttpResponse:
    """Ask for a reason, then soft-delete the record."""
    gate.require(record.collection_id, Capability.EDIT_RECORDS)
    refuse_if_erased(getattr(record, "victim", None) or getattr(record, "person", None))
    form = record_forms.DeleteForm(_data(request))
    if form.is_bound and form.is_valid():
        deleted, _problems = write_or_show(form, lambda: services.delete_record(
            gate, record, form.cleaned_data["reason"]) or True)
        if deleted:
            messages.success(request, _t("The record was deleted. It is kept in the history."))
            return redirect(done)
    return render(request, "records/delete_confirm.html", {
        "form": form, "record_text": text, "back": back})


@FORM_METHODS
@gated
def person_delete(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Soft-delete a person with a reason."""
    person = queries.person(gate, pk)
    return _delete(request, gate, person, text=person_label(gate, person),
                   back=record_link("person", person), done=reverse("records:person_list"))


@FORM_METHODS
@gated
def event_delete(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Soft-delete an event with a reason."""
    event = queries.event(gate, pk)
    return _delete(request, gate, event, text=event.title, back=record_link("event", event),
                   done=reverse("records:event_list"))


@FORM_METHODS
@gated
def violation_delete(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Soft-delete a violation with a reason."""
    violation = queries.violation(gate, pk)
    return _delete(request, gate, violation, text=record_text(gate, "violation", violation),
                   back=record_link("violation", violation),
                   done=reverse("records:violation_list"))


@FORM_METHODS
@gated
def source_delete(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Soft-delete a source with a reason."""
    source = queries.source(gate, pk)
    return _delete(request, gate, source, text=source.title, back=record_link("source", source),
                   done=reverse("records:source_list"))


@FORM_METHODS
@gated
def testimony_delete(request: HttpRequest, gate: Gate, person_pk: Any, pk: Any) -> HttpResponse:
    """Soft-delete a testimony with a reason."""
    person = queries.person(gate, person_pk)
    testimony = queries.testimonies_of(gate, person).filter(pk=pk).first()
    if testimony is None:
        raise NotFound()
    back = record_link("person", person)
    return _delete(request, gate, testimony, text=record_text(gate, "testimony", testimony),
                   back=back, done=back)
