"""Justice pages: thin adapters that parse a request, call a query or a service, and render.

Every view gets the user's gate once (:func:`qantar.common.web.gated`); records the user may
not see are "not found". A refused stage (it cannot follow the current status) is shown next
to the form with the allowed next steps; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.common.web import gated, page_of, person_label, query_without, show_error
from qantar.core.errors import PermissionDenied, QantarError
from qantar.justice import documents, queries, services
from qantar.justice import forms as justice_forms
from qantar.justice.choices import StageKind
from qantar.justice.models import Proceeding

FORM_METHODS = require_http_methods(["GET", "POST"])


def _require_justice_editor(gate: Gate) -> None:
    if not gate.collections(Capability.EDIT_JUSTICE):
        raise PermissionDenied()


def _write(form: forms.Form, write: Callable[[], Any]) -> Any:
    """Call a service; a domain error goes next to its field (or on top). None if refused."""
    try:
        return write()
    except QantarError as error:
        if error.code in {"not_found", "permission_denied"}:
            raise
        show_error(form, error)
        return None


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _label_people(gate: Gate, records: Any, attribute: str = "person") -> None:
    for record in records:
        person = getattr(record, attribute)
        record.person_label = person_label(gate, person) if person else ""


# --- complaints --------------------------------------------------------------------------------


@require_safe
@gated
def complaint_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Complaints, oldest first."""
    page = page_of(request, queries.complaints(gate))
    page.object_list = list(page.object_list)
    _label_people(gate, page.object_list)
    return render(request, "justice/complaint_list.html", {
        "page": page, "query": query_without(request, "page"),
        "can_create": bool(gate.collections(Capability.EDIT_JUSTICE))})


@FORM_METHODS
@gated
def complaint_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record a complaint."""
    _require_justice_editor(gate)
    form = justice_forms.ComplaintForm(gate, _data(request), initial={
        "person": request.GET.get("person", "")})
    if form.is_bound and form.is_valid():
        values = dict(form.cleaned_data)
        complaint = _write(form, lambda: services.record_complaint(
            gate, values.pop("collection"), values))
        if complaint is not None:
            messages.success(request, _t("The complaint was recorded."))
            return redirect("justice:complaint_detail", pk=complaint.pk)
    return render(request, "justice/complaint_form.html", {"form": form})


@require_safe
@gated
def complaint_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A complaint, its answer, and the case opened on it."""
    complaint = queries.complaint(gate, pk)
    _label_people(gate, [complaint])
    return render(request, "justice/complaint_detail.html", {
        "complaint": complaint, "violations": list(complaint.violations.select_related("type")),
        "identities": gate.sees_identities(complaint.collection_id),
        "can_edit": gate.can(complaint.collection_id, Capability.EDIT_JUSTICE),
        "answer_form": justice_forms.ComplaintAnswerForm(initial={
            "response": complaint.response, "response_on": complaint.response_on})})


@require_POST
@gated
def complaint_answer(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Record the authority's answer to a complaint."""
    complaint = queries.complaint(gate, pk)
    gate.require(complaint.collection_id, Capability.EDIT_JUSTICE)  # refuse before any form
    form = justice_forms.ComplaintAnswerForm(request.POST)
    if form.is_valid():
        if _write(form, lambda: services.answer_complaint(gate, complaint,
                                                          form.cleaned_data)):
            messages.success(request, _t("The answer was recorded."))
            return redirect("justice:complaint_detail", pk=complaint.pk)
    _label_people(gate, [complaint])
    return render(request, "justice/complaint_detail.html", {
        "complaint": complaint, "violations": list(complaint.violations.all()),
        "identities": gate.sees_identities(complaint.collection_id), "can_edit": True,
        "answer_form": form}, status=400)


# --- proceedings -------------------------------------------------------------------------------


@require_safe
@gated
def proceeding_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Cases, filtered by whom they are against and their status."""
    filters = justice_forms.ProceedingFilter(request.GET or None)
    page = page_of(request, queries.proceedings(gate, filters.values()))
    page.object_list = list(page.object_list)
    _label_people(gate, page.object_list)
    return render(request, "justice/proceeding_list.html", {
        "filters": filters, "page": page, "query": query_without(request, "page"),
        "can_create": bool(gate.collections(Capability.EDIT_JUSTICE))})


@FORM_METHODS
@gated
def proceeding_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record a case; from a complaint, its victim and violations are filled in."""
    _require_justice_editor(gate)
    initial: dict[str, Any] = {}
    if request.GET.get("complaint"):
        complaint = queries.complaint(gate, request.GET["complaint"])
        initial = {"collection": str(complaint.collection_id), "complaint": str(complaint.pk),
                   "person": str(complaint.person_id or ""), "against": "officials",
                   "violations": [str(v) for v in complaint.violations.values_list(
                       "pk", flat=True)]}
    form = justice_forms.ProceedingForm(gate, _data(request), initial=initial)
    if form.is_bound and form.is_valid():
        case = _write(form, lambda: services.open_proceeding(
            gate, form.cleaned_data["collection"], form.values()))
        if case is not None:
            messages.success(request, _t("The case was recorded. Add its first step."))
            return redirect("justice:proceeding_detail", pk=case.pk)
    return render(request, "justice/proceeding_form.html", {"form": form})


def _case_page(request: HttpRequest, gate: Gate, case: Proceeding,
               stage_form: justice_forms.StageForm | None = None,
               status: int = 200) -> HttpResponse:
    can_edit = gate.can(case.collection_id, Capability.EDIT_JUSTICE)
    parties = list(case.parties.select_related("person"))
    _label_people(gate, [p for p in parties if p.person])
    complaints = list(case.complaints.all())
    return render(request, "justice/proceeding_detail.html", {
        "case": case, "person": person_label(gate, case.person) if case.person else "",
        "identities": gate.sees_identities(case.collection_id), "can_edit": can_edit,
        "history": queries.stage_history(case), "articles": queries.current_articles(case),
        "parties": parties, "complaints": complaints,
        "remedies": list(case.remedies.select_related("party")),
        "deadlines": list(queries.deadlines_of(gate, case)),
        "hearings": list(case.monitoring_reports.order_by("held_earliest")),
        "violations": list(case.violations.select_related("type")),
        "stage_form": stage_form or (justice_forms.StageForm(gate, case) if can_edit else None),
        "today": timezone.localdate(), "languages": documents.LANGUAGES,
    }, status=status)


@require_safe
@gated
def proceeding_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A case: its stage timeline, the form for the next step, parties, remedies, deadlines."""
    return _case_page(request, gate, queries.proceeding(gate, pk))


@require_POST
@gated
def stage_add(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Append a step; a step that cannot follow is refused with the allowed ones."""
    case = queries.proceeding(gate, pk)
    gate.require(case.collection_id, Capability.EDIT_JUSTICE)
    form = justice_forms.StageForm(gate, case, request.POST)
    if form.is_valid():
        entry = _write(form, lambda: services.record_stage(gate, case, form.values()))
        if entry is not None:
            messages.success(request, _t("“%(stage)s” was added.")
                             % {"stage": StageKind(entry.stage).label})
            return redirect("justice:proceeding_detail", pk=case.pk)
    return _case_page(request, gate, case, stage_form=form, status=400)


def _case_form(request: HttpRequest, gate: Gate, pk: Any, *, title: str,
               make: Callable[[Proceeding, Any], forms.Form],
               write: Callable[[Proceeding, forms.Form], Any], done: str) -> HttpResponse:
    """A small form that adds something to a case (party, remedy, deadline, hearing)."""
    case = queries.proceeding(gate, pk)
    gate.require(case.collection_id, Capability.EDIT_JUSTICE)
    form = make(case, _data(request))
    if form.is_bound and form.is_valid() and _write(form, lambda: write(case, form)):
        messages.success(request, done)
        return redirect("justice:proceeding_detail", pk=case.pk)
    template = "justice/hearing_form.html" if isinstance(
        form, justice_forms.HearingForm) else "justice/case_form.html"
    return render(request, template, {"form": form, "case": case, "title": title})


@FORM_METHODS
@gated
def party_add(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Add a defendant or victim."""
    return _case_form(request, gate, pk, title=_t("Add a defendant or victim"),
                      make=lambda case, data: justice_forms.PartyForm(gate, data),
                      write=lambda case, form: services.add_party(gate, case,
                                                                  form.cleaned_data),
                      done=_t("The party was added."))


@FORM_METHODS
@gated
def remedy_add(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Record a remedy (or that there was none)."""
    return _case_form(request, gate, pk, title=_t("Record a remedy"),
                      make=lambda case, data: justice_forms.RemedyForm(case, data),
                      write=lambda case, form: services.record_remedy(gate, case,
                                                                      form.cleaned_data),
                      done=_t("The remedy was recorded."))


@FORM_METHODS
@gated
def deadline_add(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Note a time limit or the next hearing."""
    return _case_form(request, gate, pk, title=_t("Add a deadline"),
                      make=lambda case, data: justice_forms.DeadlineForm(data),
                      write=lambda case, form: services.set_deadline(gate, case,
                                                                     form.cleaned_data),
                      done=_t("The deadline was added."))


@FORM_METHODS
@gated
def hearing_add(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A monitor's report on a hearing, with the fair-trial checklist."""
    return _case_form(request, gate, pk, title=_t("Report on a hearing"),
                      make=lambda case, data: justice_forms.HearingForm(data),
                      write=lambda case, form: services.record_hearing_report(
                          gate, case, form.values()),
                      done=_t("The hearing report was recorded."))


@require_POST
@gated
def deadline_done(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Mark a deadline as met."""
    deadline = queries.deadline(gate, pk)
    services.complete_deadline(gate, deadline)
    messages.success(request, _t("The deadline was marked as done."))
    if request.POST.get("back") == "case":
        return redirect("justice:proceeding_detail", pk=deadline.proceeding_id)
    return redirect("justice:deadlines")


# --- deadlines, funnel, monitoring, figures ------------------------------------------------------


@require_safe
@gated
def deadline_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Open deadlines; the overdue ones first. ``?all=1`` shows every lawyer's."""
    everyone = request.GET.get("all") == "1"
    lawyer = None if everyone else request.user
    today = timezone.localdate()
    items = list(queries.deadlines(gate, lawyer=lawyer, today=today))
    return render(request, "justice/deadline_list.html", {
        "overdue": [d for d in items if d.due_on < today],
        "upcoming": [d for d in items if d.due_on >= today],
        "everyone": everyone, "today": today})


@require_safe
@gated
def funnel(request: HttpRequest, gate: Gate) -> HttpResponse:
    """The impunity funnel and its mirror, with the official figures beside them."""
    if not gate.collections(Capability.VIEW_STATISTICS):
        raise PermissionDenied()
    filters = justice_forms.FunnelFilter(request.GET or None)
    values = filters.values()
    try:
        officials = queries.officials_funnel(gate, values)
        prosecutions = queries.prosecutions_funnel(gate, values)
    except QantarError as error:
        show_error(filters, error)
        officials, prosecutions = queries.officials_funnel(gate), queries.prosecutions_funnel(gate)
    return render(request, "justice/funnel.html", {
        "filters": filters, "funnels": [officials, prosecutions]})


@require_safe
@gated
def monitoring(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Trial monitoring: N trials, M hearings, violations of each right in K hearings."""
    filters = justice_forms.MonitoringFilter(request.GET or None)
    values = filters.values()
    page = page_of(request, queries.monitoring_reports(gate, values))
    summary = queries.monitoring_summary(gate, values) if gate.collections(
        Capability.VIEW_STATISTICS) else None
    return render(request, "justice/monitoring.html", {
        "filters": filters, "summary": summary, "page": page,
        "query": query_without(request, "page")})


@require_safe
@gated
def figure_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Reported figures as time series, with their sources."""
    return render(request, "justice/figure_list.html", {
        "figures": list(queries.figures(gate)),
        "can_create": bool(gate.collections(Capability.EDIT_JUSTICE))})


@FORM_METHODS
@gated
def figure_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record a reported figure."""
    _require_justice_editor(gate)
    form = justice_forms.FigureForm(gate, _data(request))
    if form.is_bound and form.is_valid():
        values = dict(form.cleaned_data)
        if _write(form, lambda: services.record_figure(gate, values.pop("collection"),
                                                       values)):
            messages.success(request, _t("The figure was recorded."))
            return redirect("justice:figure_list")
    return render(request, "justice/case_form.html", {"form": form,
                                                      "title": _t("Record a reported figure")})


# --- documents -----------------------------------------------------------------------------------


def _send(request: HttpRequest, document: documents.Document) -> HttpResponse:
    """The document as a printable page, editable text (?format=txt) or PDF (?format=pdf)."""
    kind = request.GET.get("format", "html")
    if kind == "txt":
        response = HttpResponse(document.as_text(), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{document.filename}.txt"'
        return response
    if kind == "pdf":
        response = HttpResponse(documents.as_pdf(document), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{document.filename}.pdf"'
        return response
    return render(request, "justice/document.html", {"document": document})


@require_safe
@gated
def complaint_summary(request: HttpRequest, gate: Gate, pk: Any, language: str) -> HttpResponse:
    """A printable summary of a complaint that the victim can sign."""
    complaint = queries.complaint(gate, pk)
    return _send(request, documents.complaint_summary(gate, complaint, language,
                                                     request.GET.get("format", "html")))


@require_safe
@gated
def un_document(request: HttpRequest, gate: Gate, pk: Any, kind: str,
                language: str) -> HttpResponse:
    """A draft communication to the UN Committee against Torture or an urgent appeal."""
    case = queries.proceeding(gate, pk)
    return _send(request, documents.un_document(gate, case, kind, language,
                                               request.GET.get("format", "html")))
