"""Evidence pages: thin adapters over the evidence services and queries.

The list of files the user may open; uploading a file for a record (encrypted as it streams
in); an item with its hashes, metadata and chain of custody; the file itself (an attachment,
never shown inline); a custody event recorded by hand; re-verification.

Files and their names are identities-level: analysts get "forbidden", users outside the
collection "not found".
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.audit.services import record_view
from qantar.common.access import Gate
from qantar.common.web import gated, page_of, person_label, show_error
from qantar.core.errors import NotFound, PermissionDenied, QantarError
from qantar.core.media import extension_for
from qantar.evidence import queries, services
from qantar.evidence.choices import VerificationStatus
from qantar.evidence.forms import RECORD_FIELDS, CustodyForm, UploadForm
from qantar.evidence.uploads import EncryptingUploadHandler
from qantar.records import queries as records

FORM_METHODS = require_http_methods(["GET", "POST"])
# Room for the form's other fields and the multipart framing around the file.
FORM_ALLOWANCE = 1024 * 1024


def _domain_error(form: Any, error: QantarError) -> None:
    if isinstance(error, NotFound | PermissionDenied):
        raise error
    show_error(form, error)


@require_safe
@gated
def index(request: HttpRequest, gate: Gate) -> HttpResponse:
    """The evidence files the user may open, newest first."""
    return render(request, "evidence/index.html", {"page": page_of(request, queries.items(gate))})


# --- uploading -------------------------------------------------------------------------------


def _too_large_message() -> str:
    limit = filesizeformat(services.max_upload_bytes())
    return _t("The file is larger than %(size)s, the limit for evidence: nothing was kept.") % {
        "size": limit
    }


def _documented(gate: Gate, values: dict[str, Any]) -> list[dict[str, str]]:
    """The records an upload will document, as the user may name them."""
    found = []
    finders = {
        "person": records.person,
        "violation": records.violation,
        "event": records.event,
        "testimony": records.testimony,
    }
    for name in RECORD_FIELDS:
        if not values.get(name):
            continue
        try:
            record = finders[name](gate, values[name])
        except NotFound:
            continue
        found.append(_record_row(gate, name, record))
    return found


def _record_row(gate: Gate, name: str, record: Any) -> dict[str, str]:
    labels = {
        "person": _t("Person"),
        "violation": _t("Violation"),
        "event": _t("Event"),
        "testimony": _t("Testimony"),
    }
    if name == "person":
        text, url = person_label(gate, record), reverse("records:person_detail", args=[record.pk])
    elif name == "violation":
        text = f"{record.type.label} — {person_label(gate, record.victim)}"
        url = reverse("records:violation_detail", args=[record.pk])
    elif name == "testimony":
        text = _t("Testimony of %(person)s") % {"person": person_label(gate, record.person)}
        url = reverse("records:person_detail", args=[record.person_id])
    else:
        text, url = str(record), reverse("records:event_detail", args=[record.pk])
    return {"kind": labels[name], "text": text, "url": url}


def _declared_length(request: HttpRequest) -> int:
    """The request's announced length (0 when missing or malformed: the parser decides then)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@csrf_exempt  # the token is checked by ``_upload_page``, after the handler is in place
@FORM_METHODS
@gated
def upload(request: HttpRequest, gate: Gate, collection_pk: Any) -> HttpResponse:
    """Add an evidence file to a collection, for the records named in the address."""
    collection = gate.fetch(Collection.objects.all(), collection_pk, path="pk")
    gate.require(collection.pk, Capability.EDIT_RECORDS)
    if request.method != "POST":
        return _upload_page(request, gate, collection, None)
    if _declared_length(request) > services.max_upload_bytes() + FORM_ALLOWANCE:
        # Refused before a byte is read: nothing to check, nothing written.
        return _render_upload(request, gate, collection, UploadForm(), _too_large_message(), 413)
    handler = EncryptingUploadHandler(services.max_upload_bytes(), request)
    request.upload_handlers = [handler]
    try:
        return _upload_page(request, gate, collection, handler)
    finally:
        handler.discard()


@csrf_protect
def _upload_page(
    request: HttpRequest,
    gate: Gate,
    collection: Collection,
    handler: EncryptingUploadHandler | None,
) -> HttpResponse:
    if handler is None:
        initial = {name: request.GET.get(name, "") for name in RECORD_FIELDS}
        return _render_upload(request, gate, collection, UploadForm(initial=initial))
    form = UploadForm(request.POST, request.FILES)
    if handler.error is not None:
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", _too_large_message())
        return _render_upload(request, gate, collection, form, status=413)
    if form.is_valid():
        try:
            added = services.add_evidence(
                gate, collection, form.cleaned_data["file"].received, form.values()
            )
        except QantarError as error:
            _domain_error(form, error)
        else:
            messages.success(
                request,
                _t("The file was encrypted and stored as evidence.")
                if added.is_new
                else _t("This file is already stored as evidence: nothing changed."),
            )
            return redirect("evidence:detail", pk=added.item.pk)
    return _render_upload(request, gate, collection, form)


def _render_upload(
    request: HttpRequest,
    gate: Gate,
    collection: Collection,
    form: UploadForm,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    values = {
        name: (form.data.get(name) if form.is_bound else form.initial.get(name))
        for name in RECORD_FIELDS
    }
    return render(
        request,
        "evidence/upload.html",
        {
            "form": form,
            "collection": collection,
            "documented": _documented(gate, values),
            "problem": message,
            "max_bytes": services.max_upload_bytes(),
        },
        status=status,
    )


# --- an item and its file --------------------------------------------------------------------


METADATA_LABELS = {
    "width": gettext_lazy("Width (pixels)"),
    "height": gettext_lazy("Height (pixels)"),
    "make": gettext_lazy("Camera maker"),
    "model": gettext_lazy("Camera model"),
    "lens": gettext_lazy("Lens"),
    "serial_number": gettext_lazy("Serial number"),
    "owner": gettext_lazy("Camera owner"),
    "artist": gettext_lazy("Author"),
    "copyright": gettext_lazy("Copyright"),
    "software": gettext_lazy("Software"),
    "taken": gettext_lazy("Taken"),
    "digitized": gettext_lazy("Digitised"),
    "time_zone": gettext_lazy("Time zone"),
    "modified": gettext_lazy("Changed"),
    "image_id": gettext_lazy("Image id"),
}


def _metadata_rows(metadata: dict[str, Any]) -> list[tuple[Any, Any]]:
    return [
        (METADATA_LABELS.get(name, name), value)
        for name, value in metadata.items()
        if name != "gps"
    ]


@require_safe
@gated
def detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """An evidence item: hashes, what it documents, metadata, legal holds, chain of custody."""
    item = queries.item(gate, pk)
    record_view(gate, item)
    is_erased = services.is_erased(item)
    metadata = {} if is_erased else queries.metadata_of(item)
    documented = [
        _record_row(gate, name, getattr(item, name))
        for name in RECORD_FIELDS
        if getattr(item, f"{name}_id")
    ]
    return render(
        request,
        "evidence/detail.html",
        {
            "item": item,
            "is_erased": is_erased,
            "documented": documented,
            "metadata": _metadata_rows(metadata),
            "gps": metadata.get("gps"),
            "custody": list(item.custody.all()),
            "holds": list(item.legal_holds.select_related("placed_by", "lifted_by")),
            "can_edit": gate.can(item.collection_id, Capability.EDIT_RECORDS) and not is_erased,
            "can_hold": gate.can(item.collection_id, Capability.MANAGE_COLLECTION)
            and item.person_id is not None
            and not is_erased,
        },
    )


@require_safe
@gated
def download(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """The file, as an attachment of its detected type (never rendered by the browser)."""
    item = queries.item(gate, pk)
    chunks = services.open_file(gate, item)
    response = StreamingHttpResponse(chunks, content_type=item.media_type)
    name = item.original_name or f"evidence{extension_for(item.media_type)}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Content-Length"] = str(item.size_bytes)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@FORM_METHODS
@gated
def custody_add(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Record by hand a transfer, sealing for court, storage or a note."""
    item = queries.item(gate, pk)
    gate.require(item.collection_id, Capability.EDIT_RECORDS)
    form = CustodyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.record_custody(gate, item, **form.cleaned_data)
        except QantarError as error:
            _domain_error(form, error)
        else:
            messages.success(request, _t("The custody event was recorded."))
            return redirect("evidence:detail", pk=item.pk)
    return render(request, "evidence/custody_form.html", {"form": form, "item": item})


VERIFY_MESSAGES = {
    VerificationStatus.INTACT: gettext_noop(
        "The file was decrypted and hashed again: it matches its SHA-256."
    ),
    VerificationStatus.ALTERED: gettext_noop(
        "The file does not match its SHA-256: it was altered or damaged."
    ),
    VerificationStatus.MISSING: gettext_noop(
        "The encrypted file is missing from the evidence store."
    ),
    VerificationStatus.ERASED: gettext_noop(
        "The person was erased: only the encrypted file could be checked, and it is intact."
    ),
}


@require_POST
@gated
def verify(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Decrypt and hash the file again; the result joins its chain of custody."""
    item = queries.item(gate, pk)
    status = services.verify_evidence(gate, item)
    level = (
        messages.SUCCESS
        if status in {VerificationStatus.INTACT, VerificationStatus.ERASED}
        else messages.ERROR
    )
    messages.add_message(request, level, _t(VERIFY_MESSAGES[VerificationStatus(status)]))
    return redirect("evidence:detail", pk=item.pk)
