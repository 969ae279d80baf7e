"""Protecting people on the web: consent decisions, legal holds and erasure.

Thin adapters over :mod:`qantar.records.services.protection`: a refusal (a legal hold, a
missing second approval) is shown next to the form and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST

from qantar.accounts import queries as accounts
from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.common.web import gated, show_error
from qantar.core.errors import NotFound, PermissionDenied, QantarError
from qantar.evidence import queries as evidence_queries
from qantar.records import queries, services
from qantar.records.forms.protection import ConsentForm, EraseForm, LegalHoldForm
from qantar.records.views.common import FORM_METHODS, label_people


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _refused(form: Any, error: QantarError) -> None:
    """Show a domain refusal on the form; access errors still become 404/403 pages."""
    if isinstance(error, NotFound | PermissionDenied):
        raise error
    show_error(form, error)


def _testimony_choices(gate: Gate, person: Any) -> list[tuple[str, Any]]:
    return [
        (str(t.pk), _t("Testimony of %(date)s (%(language)s)") % {
            "date": t.taken_on or t.created_at.date().isoformat(),
            "language": t.get_language_display()})
        for t in queries.testimonies_of(gate, person)
    ]


def _consent_values(gate: Gate, person: Any, form: ConsentForm) -> dict[str, Any]:
    """The form's values as the service takes them (ids turned into records)."""
    values = dict(form.cleaned_data)
    testimony_id, approver_id = values.pop("testimony"), values.pop("second_approver")
    values["testimony"] = (queries.testimonies_of(gate, person).filter(pk=testimony_id).first()
                           if testimony_id else None)
    values["second_approver"] = (accounts.second_approvers(person.collection_id)
                                 .filter(pk=approver_id).first() if approver_id else None)
    return values


@FORM_METHODS
@gated
def consent_create(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Record a consent decision for one purpose (granting, refusing or withdrawing)."""
    person = queries.person(gate, pk)
    gate.require(person.collection_id, Capability.EDIT_RECORDS)
    form = ConsentForm(gate, person, _testimony_choices(gate, person), _data(request))
    if form.is_bound and form.is_valid():
        try:
            services.record_consent(gate, person, **_consent_values(gate, person, form))
        except QantarError as error:
            _refused(form, error)
        else:
            messages.success(request, _t("The consent decision was recorded."))
            return redirect("records:person_detail", pk=person.pk)
    label_people(gate, [person])
    return render(request, "records/consent_form.html", {
        "form": form, "person": person,
        "overview": queries.consent_overview(gate, person)})


def _held_evidence(gate: Gate, person: Any, pk: str | None) -> Any:
    """The evidence file a hold is placed from (``?evidence=``), which must be about the person."""
    if not pk:
        return None
    item = evidence_queries.item(gate, pk)
    if item.person_id != person.pk:
        raise NotFound()
    return item


@FORM_METHODS
@gated
def legal_hold_place(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Place a legal hold, with its reason, that blocks the person's erasure (and so the
    destruction of their evidence files); from an evidence page, the hold names the file."""
    person = queries.person(gate, pk)
    gate.require(person.collection_id, Capability.MANAGE_COLLECTION)
    evidence = _held_evidence(gate, person, request.GET.get("evidence"))
    form = LegalHoldForm(_data(request))
    if form.is_bound and form.is_valid():
        try:
            services.place_legal_hold(gate, person, form.cleaned_data["reason"], evidence)
        except QantarError as error:
            _refused(form, error)
        else:
            messages.success(request, _t("The legal hold was placed. Erasure is blocked."))
            if evidence is not None:
                return redirect("evidence:detail", pk=evidence.pk)
            return redirect("records:person_detail", pk=person.pk)
    label_people(gate, [person])
    return render(request, "records/legal_hold_form.html", {"form": form, "person": person,
                                                            "evidence": evidence})


@require_POST
@gated
def legal_hold_lift(request: HttpRequest, gate: Gate, person_pk: Any, pk: Any) -> HttpResponse:
    """Lift a legal hold (it stays on record, with who lifted it and when)."""
    person = queries.person(gate, person_pk)
    gate.require(person.collection_id, Capability.MANAGE_COLLECTION)
    hold = queries.legal_hold(gate, person, pk)
    if hold.lifted_at is None:
        services.lift_legal_hold(gate, hold)
        messages.success(request, _t("The legal hold was lifted."))
    return redirect("records:person_detail", pk=person.pk)


@FORM_METHODS
@gated
def person_erase(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Erase a person for ever (administrators): the pseudonym typed again, and a reason."""
    person = queries.person(gate, pk)
    gate.require(person.collection_id, Capability.MANAGE_COLLECTION)
    form = EraseForm(person, _data(request))
    if form.is_bound and form.is_valid():
        try:
            services.erase_person(gate, person, form.cleaned_data["reason"])
        except QantarError as error:
            _refused(form, error)
        else:
            messages.success(request, _t("%(pseudonym)s was erased for ever.")
                             % {"pseudonym": person.pseudonym})
            return redirect("records:person_detail", pk=person.pk)
    label_people(gate, [person])
    return render(request, "records/erase_confirm.html", {
        "form": form, "person": person,
        "hold": queries.legal_holds_of(gate, person).filter(lifted_at__isnull=True).first(),
        "counts": {"violations": queries.violations(gate, {"victim": person.pk}).count(),
                   "testimonies": queries.testimonies_of(gate, person).count(),
                   "evidence": person.evidence.count()}})
