"""The audit log in the browser: filter and page through entries, verify, sign checkpoints.

Instance administrators see every entry; collection administrators see their collections'
entries; everyone else is refused. Entries hold ids, field names and hashes, never values.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qantar.accounts import queries as accounts
from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.accounts.views import requires_recent_password
from qantar.audit import queries, services
from qantar.audit.forms import AuditFilter
from qantar.common.access import Gate
from qantar.common.web import gated, page_of, query_without
from qantar.core.errors import IntegrityFailure, PermissionDenied

RECORD_PAGES = {
    "records.person": "records:person_detail",
    "records.event": "records:event_detail",
    "records.violation": "records:violation_detail",
    "records.source": "records:source_detail",
}


def _require_administrator(gate: Gate) -> None:
    """Instance administrators, or administrators of at least one collection."""
    if not (accounts.is_instance_admin(gate.user)
            or gate.collections(Capability.MANAGE_COLLECTION)):
        raise PermissionDenied()


def _require_instance_admin(gate: Gate) -> None:
    if not accounts.is_instance_admin(gate.user):
        raise PermissionDenied()


def _collection_choices(gate: Gate) -> list[tuple[str, Any]]:
    if accounts.is_instance_admin(gate.user):
        return [(str(c.pk), c.name) for c in Collection.objects.order_by("name")]
    return accounts.collection_choices(gate, Capability.MANAGE_COLLECTION)


def _link(entry: Any) -> str:
    """The page of the record an entry is about, when there is one."""
    name = RECORD_PAGES.get(entry.object_type)
    if not name or not entry.object_id:
        return ""
    try:
        return reverse(name, args=[entry.object_id])
    except NoReverseMatch:
        return ""


@require_safe
@gated
def log(request: HttpRequest, gate: Gate) -> HttpResponse:
    """The audit log, newest first, filtered and paginated."""
    _require_administrator(gate)
    collections = _collection_choices(gate)
    filters = AuditFilter(collections, request.GET or None)
    page = page_of(request, queries.entries(gate, filters.values()))
    page.object_list = list(page.object_list)
    names = dict(collections)
    for entry in page.object_list:
        entry.link = _link(entry)
        entry.collection_name = names.get(entry.collection_id, "")
    return render(request, "audit/log.html", {
        "filters": filters, "page": page, "query": query_without(request, "page"),
        "is_instance_admin": accounts.is_instance_admin(gate.user),
        "searching": bool(filters.values()),
    })


@require_POST
@gated
def verify(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Recompute every hash of the log now and say whether it is intact."""
    _require_administrator(gate)
    report = queries.verify()
    return render(request, "audit/verify.html", {
        "report": report, "is_instance_admin": accounts.is_instance_admin(gate.user)})


@require_http_methods(["GET", "POST"])
@gated
def checkpoint(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Sign the log's current tree head and download it (instance administrators)."""
    _require_instance_admin(gate)
    return _checkpoint_page(request, gate)


@requires_recent_password
def _checkpoint_page(request: HttpRequest, gate: Gate) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            text = services.write_checkpoint(gate.user)
        except IntegrityFailure as failure:
            error = failure
        else:
            stamp = timezone.now().strftime("%Y%m%d-%H%M")
            response = HttpResponse(text, content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="qantar-checkpoint-{stamp}.txt"')
            return response
    return render(request, "audit/checkpoint.html", {"error": error}, status=409 if error else 200)
