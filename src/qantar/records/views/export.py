"""Exports from the web: a JSON bundle or the person-list CSV, for a stated purpose.

The password is asked again first. Consent decides who is included, and the export functions
write the audit entries (how many people were exported, and how many were left out). A file
that holds names or identifying details is sealed with a passphrase (as ``qantar export``
does); users who may not see identities get pseudonymised files, which leave in clear.
"""

from __future__ import annotations

import csv
import io as text_io
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qantar.accounts import queries as accounts
from qantar.accounts.choices import Capability
from qantar.accounts.views import requires_recent_password
from qantar.common.access import Gate
from qantar.common.web import gated
from qantar.core.container import seal_container
from qantar.core.errors import PermissionDenied
from qantar.records import io
from qantar.records.forms.protection import ExportForm
from qantar.records.views.common import FORM_METHODS


def _download(content: str, filename: str, content_type: str,
              passphrase: str | None) -> HttpResponse:
    """The file as an attachment; sealed under the passphrase when one is given."""
    if passphrase:
        sealed = seal_container(content.encode("utf-8"), passphrase, filename)
        response = HttpResponse(sealed, content_type="application/octet-stream")
        filename = f"{filename}.sealed"
    else:
        response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _bundle_text(gate: Gate, purpose: str) -> str:
    return json.dumps(io.export_bundle(gate, purpose), ensure_ascii=False, indent=1) + "\n"


def _people_text(gate: Gate, purpose: str) -> str:
    rows = io.people_rows(gate, purpose)
    buffer = text_io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows.columns))
    writer.writeheader()
    writer.writerows(rows.rows)
    return buffer.getvalue()


@FORM_METHODS
@gated
def export(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Choose a purpose and a format; download what you may export."""
    if not gate.collections(Capability.EXPORT):
        raise PermissionDenied()
    return _export_page(request, gate)


@requires_recent_password
def _export_page(request: HttpRequest, gate: Gate) -> HttpResponse:
    is_identifying = any(gate.sees_identities(c) for c in gate.collections(Capability.EXPORT))
    form = ExportForm(request.POST if request.method == "POST" else None,
                      is_identifying=is_identifying)
    if form.is_bound and form.is_valid():
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        purpose = form.cleaned_data["purpose"]
        passphrase = form.cleaned_data.get("passphrase") or None
        if form.cleaned_data["format"] == "people_csv":
            return _download(_people_text(gate, purpose),
                             f"qantar-people-{purpose}-{stamp}.csv", "text/csv", passphrase)
        return _download(_bundle_text(gate, purpose), f"qantar-{purpose}-{stamp}.json",
                         "application/json", passphrase)
    collections = [
        {"collection": collection, "identities": gate.sees_identities(collection.pk)}
        for collection in accounts.collections(gate, Capability.EXPORT)
    ]
    return render(request, "records/export.html", {"form": form, "collections": collections})
