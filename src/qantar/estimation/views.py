"""Estimation pages: thin adapters that parse a request, call a query or a service, and render.

A refusal by the library (too few lists, too little overlap, a list holding everyone) is
shown on the form with its reason and the documented count; no number is invented and
nothing is stored.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.common.web import gated, page_of, query_without, show_error
from qantar.core.errors import IntegrityFailure, NotFound, ValidationFailed
from qantar.core.estimation import METHODS, Method
from qantar.estimation import explain, plots, queries, services, sources
from qantar.estimation.forms import CsvInputForm, RunSettingsForm
from qantar.estimation.models import EstimationRun

FORM_METHODS = require_http_methods(["GET", "POST"])


def _method_times() -> list[tuple[str, str, Any]]:
    return [(m.value, METHODS[m].title, explain.EXPECTED_TIME[m]) for m in Method]


@require_safe
@gated
def home(request: HttpRequest, gate: Gate) -> HttpResponse:
    """The run history, newest first."""
    queries.statistics_collections(gate)
    page = page_of(request, queries.runs(gate))
    return render(request, "estimation/home.html", {
        "page": page, "query": query_without(request, "page")})


@FORM_METHODS
@gated
def new(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Estimate from a pasted or uploaded capture-history CSV; links to the providers."""
    queries.statistics_collections(gate)
    bound = request.method == "POST"
    form = CsvInputForm(gate, request.POST if bound else None, request.FILES if bound else None)
    refusal = None
    if bound and form.is_valid() and form.table is not None:
        values = form.cleaned_data
        try:
            run = services.run_estimation(
                gate, values["collection"], form.table, values["method"], values["seed"],
                values["level"], stratum_field=values["stratum_column"].strip(),
                title=values["title"], origin=form.origin)
            return _done(request, run)
        except services.EstimateRefused as error:
            refusal = error
        except ValidationFailed as error:
            show_error(form, error)
    return render(request, "estimation/new.html", {
        "form": form, "refusal": refusal, "providers": sources.providers(),
        "method_times": _method_times()}, status=400 if bound else 200)


@FORM_METHODS
@gated
def new_from(request: HttpRequest, gate: Gate, name: str) -> HttpResponse:
    """Estimate from a table built by a registered provider (for example, cited sources)."""
    queries.statistics_collections(gate)
    try:
        provider = sources.provider(name)
    except ValidationFailed:
        raise NotFound() from None
    if provider.form_class is None:
        raise NotFound()
    form_class = (import_string(provider.form_class) if isinstance(provider.form_class, str)
                  else provider.form_class)
    data = request.POST if request.method == "POST" else None
    form, settings = form_class(gate, data), RunSettingsForm(data)
    refusal = None
    if data is not None and form.is_valid() and settings.is_valid():
        values = settings.cleaned_data
        try:
            run = services.run_from_provider(gate, name, form.cleaned_data, values["method"],
                                             values["seed"], values["level"], values["title"])
            return _done(request, run)
        except services.EstimateRefused as error:
            refusal = error
        except ValidationFailed as error:
            show_error(form, error)
    return render(request, "estimation/new_from.html", {
        "provider": provider, "form": form, "settings": settings, "refusal": refusal,
        "method_times": _method_times()}, status=400 if data is not None else 200)


def _done(request: HttpRequest, run: EstimationRun) -> HttpResponse:
    messages.success(request, _t("The estimate was computed and kept in the run history."))
    return redirect("estimation:run_detail", pk=run.pk)


@require_safe
@gated
def run_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A run: estimate, interval, explanation, plot, strata, inputs and reproductions."""
    run = queries.run(gate, pk)
    method = Method(run.method)
    result = run.result
    lists = run.input_table["lists"]
    return render(request, "estimation/run_detail.html", {
        "run": run, "result": result, "method": method, "lists": lists,
        "explanation": explain.explain(result, method, len(lists), len(run.strata),
                                       run.stratum_field),
        "plot": _plot(run, method),
        "plot_kind": explain.plot_kind(method),
        "strata": list(result.get("strata", {}).items()),
        "rows": run.input_table["rows"],
        "summary": run.provider_params.get("summary", {}),
        "reproductions": list(queries.reproductions(run)[:10]),
        "can_export": gate.can(run.collection_id, Capability.EXPORT),
        "level_percent": f"{run.level * 100:.0f}"})


def _plot(run: EstimationRun, method: Method) -> plots.Histogram | None:
    result = run.result
    level = f"{run.level * 100:.0f}"
    labels = plots.PlotLabels(
        title=explain.plot_kind(method),
        description=_t("Histogram of %(n)s draws of the total. The shaded band is the "
                       "%(level)s%% interval, the solid line the estimate and the dashed line "
                       "the documented count.") % {"n": len(run.draws), "level": level},
        observed=_t("documented"),
        estimate=_t("estimate"),
        interval=_t("%(level)s%% interval") % {"level": level},
        bar=_t("{low} to {high}: {count} draws"),
    )
    return plots.histogram(run.draws, result["estimate"], tuple(result["interval"]),
                           result["observed"], labels, element_id=f"draws-{run.pk}")


@require_safe
@gated
def run_compare(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Every method on the run's input; LCMCR (slow) only when asked."""
    run = queries.run(gate, pk)
    with_lcmcr = request.GET.get("lcmcr") == "1"
    methods = list(Method) if with_lcmcr else queries.QUICK_METHODS
    return render(request, "estimation/compare.html", {
        "run": run, "rows": queries.compare(gate, run, methods), "with_lcmcr": with_lcmcr,
        "lcmcr_time": explain.EXPECTED_TIME[Method.LCMCR],
        "level_percent": f"{run.level * 100:.0f}"})


@require_POST
@gated
def run_again(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Keep one method's answer from the comparison as a run of its own."""
    run = queries.run(gate, pk)
    try:
        again = services.run_again(gate, run, request.POST.get("method", ""))
    except ValidationFailed as error:
        messages.error(request, _t("No estimate was kept: %(reason)s") % {"reason": error})
        return redirect("estimation:run_compare", pk=run.pk)
    return _done(request, again)


@require_POST
@gated
def run_reproduce(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Recompute the run from what it stored and say whether the result is identical."""
    run = queries.run(gate, pk)
    try:
        services.reproduce(gate, run)
        messages.success(request, _t("Reproduced exactly: the same estimate, interval, "
                                     "diagnostics and draws."))
    except IntegrityFailure as error:
        messages.error(request, error.message)
    return redirect("estimation:run_detail", pk=run.pk)


@require_safe
@gated
def run_input_csv(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """The run's input table (aggregate counts) as a capture-history CSV."""
    run = queries.run(gate, pk)
    response = HttpResponse(services.export_input(gate, run), content_type="text/csv; "
                                                                          "charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="estimate-{run.pk}-input.csv"'
    return response


@require_safe
@gated
def run_result_json(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """The run's inputs, parameters, seed, code version and result as JSON."""
    run = queries.run(gate, pk)
    body = json.dumps(services.export_result(gate, run), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="estimate-{run.pk}.json"'
    return response
