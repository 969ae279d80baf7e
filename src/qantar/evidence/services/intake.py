"""Adding a file: hashes, detected type, sealed name, description and metadata, first custody."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.common.text import clean_text
from qantar.core import crypto
from qantar.core.dates import parse_optional
from qantar.core.errors import Conflict, ValidationFailed
from qantar.core.media import detect_media_type, extension_for, safe_file_name
from qantar.evidence.choices import CustodyAction, EvidenceKind
from qantar.evidence.metadata import captured_date, extract_metadata
from qantar.evidence.models import EvidenceItem
from qantar.evidence.services.custody import NOTE_MAX, append_custody
from qantar.evidence.store import ReceivedFile, blob_address, file_key_context
from qantar.records.models import Event, Person, Testimony, Violation

DESCRIPTION_MAX = 20_000


def max_upload_bytes() -> int:
    """The largest evidence file accepted (``QANTAR_EVIDENCE_MAX_BYTES``)."""
    return int(settings.EVIDENCE_MAX_BYTES)


@dataclass(frozen=True)
class Added:
    """What adding a file did: the item, and whether it is new (the same file is kept once)."""

    item: EvidenceItem
    is_new: bool


def _linked(
    gate: Gate, model: type[models.Model], value: Any, field: str, collection_id: uuid.UUID
) -> Any:
    if value in (None, ""):
        return None
    try:
        record = gate.scope(model._default_manager.all()).filter(pk=value).first()
    except (ValueError, TypeError, DjangoValidationError):
        record = None  # a malformed id is "no such record" too
    if record is None or record.collection_id != collection_id:
        raise ValidationFailed("not_found", f"There is no such {field} in this collection.", field)
    return record


def _subject(
    person: Person | None, violation: Violation | None, testimony: Testimony | None
) -> Person | None:
    """The one person the file is about, if any (their key will seal it)."""
    people = {
        p.pk: p
        for p in (person, violation and violation.victim, testimony and testimony.person)
        if p is not None
    }
    if len(people) > 1:
        raise ValidationFailed(
            "two_people",
            "An evidence file is about one person at most: the person, the "
            "violation's victim and the testimony's author must be the same.",
            "person",
        )
    subject = next(iter(people.values()), None)
    if subject is not None and subject.erased_at is not None:
        raise Conflict("erased", "This person was erased: nothing can be added.")
    return subject


def _links(gate: Gate, collection_id: uuid.UUID, data: Mapping[str, Any]) -> dict[str, Any]:
    links = {
        "person": _linked(gate, Person, data.get("person"), "person", collection_id),
        "violation": _linked(gate, Violation, data.get("violation"), "violation", collection_id),
        "event": _linked(gate, Event, data.get("event"), "event", collection_id),
        "testimony": _linked(gate, Testimony, data.get("testimony"), "testimony", collection_id),
    }
    if not any(links.values()):
        raise ValidationFailed(
            "no_record",
            "Say what the file documents: a person, a violation, an event or a testimony.",
            "person",
        )
    links["person"] = _subject(links["person"], links["violation"], links["testimony"])
    return links


def _kind(value: Any) -> str:
    if value not in EvidenceKind.values:
        raise ValidationFailed(
            "invalid_choice", f"Kinds are: {', '.join(EvidenceKind.values)}.", "kind"
        )
    return str(value)


def _file_name(received: ReceivedFile, media_type: str) -> str:
    return safe_file_name(received.name) or f"evidence{extension_for(media_type)}"


def _describe(item: EvidenceItem, received: ReceivedFile, data: Mapping[str, Any]) -> None:
    """Type, name, description, metadata and date of a new item (sealed fields included)."""
    item.media_type = detect_media_type(received.head)
    metadata = extract_metadata(received.head, item.media_type)
    item.original_name = _file_name(received, item.media_type)
    item.description = (
        clean_text(data.get("description"), "description", max_length=DESCRIPTION_MAX) or None
    )
    item.metadata = json.dumps(metadata, ensure_ascii=False, sort_keys=True) if metadata else None
    typed = clean_text(data.get("captured"), "captured", max_length=64)
    parsed = parse_optional(typed, "captured")
    item.captured = str(parsed) if parsed else captured_date(metadata)


@transaction.atomic
def add_evidence(
    gate: Gate, collection: Collection | uuid.UUID, received: ReceivedFile, data: Mapping[str, Any]
) -> Added:
    """Keep a received file as evidence of a record: hashes, sealed name, description and
    metadata, and the first links of its chain of custody.

    The file is sealed under the key of the person it is about (so their erasure destroys
    it), or under the collection's key. The same file for the same person is kept once: adding
    it again changes nothing. The caller discards ``received`` afterwards in every case.
    """
    collection_id = collection.pk if isinstance(collection, Collection) else collection
    gate.require(collection_id, Capability.EDIT_RECORDS)
    if received.size_bytes == 0:
        raise ValidationFailed("empty_file", "The file is empty: there is nothing to keep.", "file")
    kind = _kind(data.get("kind"))
    links = _links(gate, collection_id, data)
    note = clean_text(data.get("received_from"), "received_from", max_length=NOTE_MAX)
    key_id = (
        links["person"].key_id
        if links["person"] is not None
        else Collection.objects.get(pk=collection_id).records_key_id
    )
    address = blob_address(key_id, received.sha256)
    existing = EvidenceItem.all_objects.filter(blob_address=address).first()
    if existing is not None:
        return Added(existing, is_new=False)
    item = EvidenceItem(
        id=received.item_id,
        collection_id=collection_id,
        key_id=key_id,
        kind=kind,
        **links,
        size_bytes=received.size_bytes,
        sha256=received.sha256,
        sha512=received.sha512,
        blob_address=address,
        blob_sha256=received.blob_sha256,
        received_at=timezone.now(),
        received_by=gate.user,
    )
    _describe(item, received, data)
    item.file_key = crypto.seal(
        get_keyring().key(key_id), received.file_key, file_key_context(item.pk)
    )
    item.save(force_insert=True)
    facts = {
        "sha256": item.sha256,
        "size": item.size_bytes,
        "media_type": item.media_type,
        "kind": kind,
    }
    append_custody(gate.user, item, CustodyAction.RECEIVED, note=note, details=facts)
    append_custody(gate.user, item, CustodyAction.STORED, details={"blob_sha256": item.blob_sha256})
    received.place(address)  # last: a refusal above leaves no file in the store
    return Added(item, is_new=True)
