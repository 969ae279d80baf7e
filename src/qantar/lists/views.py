"""Person-list pages: thin adapters over the lists services and queries.

Upload → confirm the columns → import in steps with a progress bar → link → review pairs
(keyboard: ``m`` same person, ``n`` not the same, ``u`` unsure) → accept clusters as people →
split a wrong merge → download the capture histories.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.common.web import gated, page_of, query_without, show_error, wants_fragment
from qantar.core.errors import PermissionDenied, QantarError
from qantar.lists import queries, services
from qantar.lists.choices import JobStatus
from qantar.lists.forms import DecisionForm, ImportForm, LinkForm, MappingForm
from qantar.lists.models import Disagreement

FORM_METHODS = require_http_methods(["GET", "POST"])
PREVIEW_ROWS = 5
LINK_IN_PAGE_LIMIT = 10_000
"""Entries the page links within one request (10,000 take about 15 s); more go to the CLI."""
ACCEPT_IN_PAGE_LIMIT = 5000
"""Clusters the page accepts within one request (5,000 take about 7 s on SQLite and 12–16 s on
PostgreSQL on 2 cores, see benchmarks/RESULTS.md); more go to the CLI."""


def _domain_error(form: Any, error: QantarError) -> None:
    if error.code in {"not_found", "permission_denied"}:
        raise error
    show_error(form, error)


@require_safe
@gated
def index(request: HttpRequest, gate: Gate) -> HttpResponse:
    """The lists the user may see, recent linkage runs and what to do next."""
    return render(request, "lists/index.html", {
        "lists": queries.lists(gate), "runs": queries.runs(gate)[:10],
        "can_import": bool(queries.collections_for_import(gate)),
        "can_review": bool(queries.collections_for_review(gate)),
        "statistics": gate.collections(Capability.VIEW_STATISTICS)})


def _upload_too_large(request: HttpRequest) -> bool:
    size = int(request.META.get("CONTENT_LENGTH") or 0)
    return "file" not in request.FILES and size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE


@FORM_METHODS
@gated
def import_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Upload a list (up to 10 MB) with its provenance; bigger files go through the CLI."""
    collections = queries.collections_for_import(gate)
    if not collections:
        raise PermissionDenied()
    form = ImportForm(collections, request.POST or None, request.FILES or None)
    if request.method == "POST" and _upload_too_large(request):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", _t("The file is larger than 10 MB. Import it from the command "
                                  "line: qantar lists import FILE --list NAME."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            upload = services.receive_upload(gate, data["collection"], data["file"].read(),
                                             data["file"].name, data)
        except QantarError as error:
            _domain_error(form, error)
        else:
            return redirect("lists:upload_confirm", pk=upload.pk)
    return render(request, "lists/import_form.html", {"form": form})


@FORM_METHODS
@gated
def upload_confirm(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Confirm (or correct) which column of the file is which standard column."""
    upload = queries.upload(gate, pk)
    queries.require_identities(gate, upload.collection_id)
    if upload.job_id:
        return redirect("lists:job_detail", pk=upload.job_id)
    form = MappingForm(upload.header, upload.proposed_mapping, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.confirm_upload(gate, upload, form.mapping())
        except QantarError as error:
            _domain_error(form, error)
        else:
            if job.status == JobStatus.DONE:
                messages.info(request, _t("This file was already imported into this list: "
                                          "nothing changed."))
            return redirect("lists:job_detail", pk=job.pk)
    table = services.imports.upload_table(upload)
    preview = []
    for _line, cells in table.rows():
        preview.append(cells)
        if len(preview) == PREVIEW_ROWS:
            break
    return render(request, "lists/upload_confirm.html", {
        "upload": upload, "form": form, "preview": preview})


@require_safe
@gated
def job_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """An import's provenance, progress and the problems it met."""
    job = queries.job(gate, pk)
    return render(request, "lists/job_detail.html", _job_context(gate, job))


def _job_context(gate: Gate, job: Any) -> dict[str, Any]:
    identities = gate.sees_identities(job.collection_id)
    return {"job": job, "identities": identities,
            "problems": services.job_problems(job) if identities else [],
            "can_continue": gate.can(job.collection_id, Capability.EDIT_RECORDS)}


@require_POST
@gated
def job_step(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Import the next rows of an upload; htmx swaps in the new progress bar."""
    job = services.import_next_rows(gate, queries.job(gate, pk))
    if wants_fragment(request):
        return render(request, "lists/_job_progress.html", _job_context(gate, job))
    return redirect("lists:job_detail", pk=job.pk)


@require_safe
@gated
def list_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A list's provenance, its files and (for documenters) its entries."""
    imported = queries.imported_list(gate, pk)
    identities = gate.sees_identities(imported.collection_id)
    page = None
    if identities:
        page = page_of(request, queries.entries(gate, imported, request.GET.get("q", "")))
        page.object_list = [queries.entry_view(entry) for entry in page.object_list]
    return render(request, "lists/list_detail.html", {
        "list": imported, "jobs": queries.jobs_of(gate, imported), "page": page,
        "identities": identities, "q": request.GET.get("q", ""),
        "query": query_without(request, "page")})


@FORM_METHODS
@gated
def link(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Run the linkage model over a collection's lists."""
    collections = queries.collections_for_review(gate)
    if not collections:
        raise PermissionDenied()
    available = [item for item in queries.lists(gate) if item.collection in collections]
    form = LinkForm(collections, available, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.run_linkage(gate, data["collection"], data["lists"] or None,
                                       threshold=data["threshold"], seed=data["seed"],
                                       limit=LINK_IN_PAGE_LIMIT)
        except QantarError as error:
            _domain_error(form, error)
        else:
            return redirect("lists:run_detail", pk=run.pk)
    return render(request, "lists/link_form.html", {"form": form})


@require_safe
@gated
def run_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A linkage run: its parameters, the people it found across lists, what to review."""
    run = queries.run(gate, pk)
    identities = gate.sees_identities(run.collection_id)
    clusters = []
    if identities:
        clusters = [(label, [queries.entry_view(entry) for entry in entries])
                    for label, entries in queries.run_clusters(gate, run)]
    return render(request, "lists/run_detail.html", {
        "run": run, "clusters": clusters, "identities": identities,
        "stats": queries.review_stats(gate, run.collection_id, run),
        "can_review": run.collection in queries.collections_for_review(gate)})


@require_POST
@gated
def run_accept(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Accept a run's clusters as people (new people, or joined to existing ones)."""
    run = queries.run(gate, pk)
    try:
        result = services.accept_clusters(gate, run, limit=ACCEPT_IN_PAGE_LIMIT)
    except QantarError as error:
        if error.code in {"not_found", "permission_denied"}:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _t("%(created)d people created, %(joined)d joined, "
                                     "%(conflicts)d clusters left for review.") % {
            "created": len(result.created), "joined": len(result.joined),
            "conflicts": len(result.conflicts)})
    return redirect("lists:run_detail", pk=run.pk)


def _review_collection(request: HttpRequest, gate: Gate) -> Any:
    collections = queries.collections_for_review(gate)
    if not collections:
        raise PermissionDenied()
    wanted = request.GET.get("collection") or request.POST.get("collection")
    return next((item for item in collections if str(item.pk) == wanted), collections[0])


@require_safe
@gated
def review(request: HttpRequest, gate: Gate) -> HttpResponse:
    """The review queue: the next uncertain pair, side by side, with why the model scored it."""
    collection = _review_collection(request, gate)
    run = queries.latest_run(gate, collection)
    pair = queries.review_queue(gate, run).first() if run else None
    context: dict[str, Any] = {
        "collection": collection, "collections": queries.collections_for_review(gate),
        "run": run, "pair": pair, "form": DecisionForm(),
        "stats": queries.review_stats(gate, collection, run)}
    if pair is not None:
        context |= {"rows": queries.side_by_side(pair),
                    "left": queries.entry_view(pair.left),
                    "right": queries.entry_view(pair.right),
                    "earlier": queries.pair_decisions(gate, pair),
                    "score": queries.score_summary(pair)}
    return render(request, "lists/review.html", context)


@require_POST
@gated
def review_decide(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Record a decision on a pair, then show the next one."""
    pair = queries.candidate_pair(gate, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        services.record_decision(gate, pair.left, pair.right, form.cleaned_data["decision"],
                                 note=form.cleaned_data["note"], pair=pair)
        messages.success(request, _t("Decision recorded."))
    else:
        messages.error(request, _t("Choose a decision."))
    return redirect(f"{reverse('lists:review')}?collection={pair.run.collection_id}")


@require_safe
@gated
def person_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """One person as every list wrote them: each field per list, disagreements, entries."""
    person = queries.person(gate, pk)
    return render(request, "lists/person_detail.html", {
        "person": person, "entries": queries.person_entries(gate, person),
        "fields": queries.person_fields(gate, person),
        "flags": queries.disagreements(gate, person),
        "can_edit": gate.can(person.collection_id, Capability.EDIT_RECORDS)})


@require_POST
@gated
def person_split(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Split the chosen entries off into a person of their own (one action, nothing lost)."""
    person = queries.person(gate, pk)
    try:
        newcomer = services.split_person(gate, person, request.POST.getlist("entries"),
                                         request.POST.get("reason", ""))
    except QantarError as error:
        if error.code in {"not_found", "permission_denied"}:
            raise
        messages.error(request, error.message)
        return redirect("lists:person_detail", pk=person.pk)
    messages.success(request, _t("The chosen entries are now a person of their own."))
    return redirect("lists:person_detail", pk=newcomer.pk)


@require_POST
@gated
def disagreement_resolve(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Mark a flagged disagreement as reviewed."""
    flag = gate.fetch(Disagreement.objects.all(), pk)
    services.resolve_disagreement(gate, flag)
    return redirect("lists:person_detail", pk=flag.person_id)


@require_safe
@gated
def capture_histories(request: HttpRequest, gate: Gate) -> HttpResponse:
    """The overlap of the lists as a capture-history CSV (one 0/1 column per list, count)."""
    collections = gate.collections(Capability.VIEW_STATISTICS)
    wanted = request.GET.get("collection", "")
    collection = next((item for item in collections if str(item) == wanted), None)
    if collection is None:
        if len(collections) != 1:
            raise PermissionDenied("Choose a collection (?collection=ID).")
        collection = collections[0]
    response = HttpResponse(queries.capture_history_csv(gate, collection),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="capture-histories.csv"'
    return response

