"""Opening, exporting and verifying a stored file: each one is a custody event.

A file is opened only by users who may see identities in its collection, and leaves Qantar only
for a purpose the person it is about consented to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from django.db import transaction

from qantar.accounts.choices import Capability
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.common.text import NAME_MAX, clean_text
from qantar.core import crypto
from qantar.core.errors import (
    Conflict,
    IntegrityFailure,
    KeyUnavailable,
    PermissionDenied,
    ValidationFailed,
)
from qantar.evidence.choices import CustodyAction, EvidenceKind, VerificationStatus
from qantar.evidence.models import EvidenceItem
from qantar.evidence.queries import is_erased
from qantar.evidence.services.custody import append_custody
from qantar.evidence.store import blob_digest, file_key_context, read_blob
from qantar.records.choices import ConsentPurpose
from qantar.records.models import Person
from qantar.records.queries import consent_allows, consent_in_force

EXPORT_PURPOSES = ("documentation", "share_partners", "submit_un_courts")
# Pictures of a person leave only with their consent to the use of photographs as well.
PICTURE_KINDS = (EvidenceKind.PHOTO, EvidenceKind.VIDEO)


def _erased() -> Conflict:
    return Conflict(
        "erased",
        "This evidence was erased with its person's key: the file can "
        "never be opened again. Its hashes and chain of custody remain.",
    )


def _file_key(item: EvidenceItem) -> bytes:
    try:
        key = get_keyring().key(item.key_id)
    except KeyUnavailable as error:
        if error.code == "key_destroyed":
            raise _erased() from None
        raise
    return crypto.open_sealed(key, bytes(item.file_key), file_key_context(item.pk))


def _check_blob(item: EvidenceItem) -> None:
    digest = blob_digest(item.blob_address)
    if digest is None:
        raise IntegrityFailure(
            "evidence_missing",
            "The encrypted file is missing from the "
            "evidence store. Restore the store from a backup.",
        )
    if digest != item.blob_sha256:
        raise IntegrityFailure(
            "evidence_altered",
            "The encrypted file in the evidence store "
            "was altered or damaged. Restore it from a backup.",
        )


def _checked(item: EvidenceItem, file_key: bytes) -> Iterator[bytes]:
    """The file's bytes; fails at the end if they do not hash to the recorded SHA-256."""
    digest = hashlib.sha256()
    for chunk in read_blob(item.blob_address, file_key, item.pk):
        digest.update(chunk)
        yield chunk
    if digest.hexdigest() != item.sha256:
        raise IntegrityFailure("evidence_altered", "The file does not match its SHA-256.")


def _may_open(gate: Gate, item: EvidenceItem) -> None:
    gate.require(item.collection_id, Capability.VIEW_IDENTITIES)
    if is_erased(item):
        raise _erased()


def _ready(item: EvidenceItem) -> bytes:
    """The file key of an item, after checking that its encrypted file is intact."""
    file_key = _file_key(item)
    _check_blob(item)
    return file_key


def open_file(gate: Gate, item: EvidenceItem) -> Iterator[bytes]:
    """The file's bytes for someone who may see identities (a custody event, audited)."""
    _may_open(gate, item)
    file_key = _ready(item)
    with transaction.atomic():
        append_custody(gate.user, item, CustodyAction.DOWNLOADED)
    return _checked(item, file_key)


def _require_consent(gate: Gate, person: Person, purpose: str, allowed: bool) -> None:
    """Refuse (and log the refusal) when the person's consent does not allow the export."""
    if allowed:
        return
    record_event(
        AuditAction.REFUSED,
        actor=gate.user,
        obj=person,
        details={"action": "evidence_export", "purpose": purpose, "reason": "no_consent"},
    )
    raise PermissionDenied(
        f"{person.pseudonym} has not consented to "
        f"{purpose.replace('_', ' ')}: the file cannot leave."
    )


def export_file(gate: Gate, item: EvidenceItem, purpose: str, party: str = "") -> Iterator[bytes]:
    """The file's bytes, to leave Qantar for a purpose the person consented to.

    Needs the right to export and to see identities. A file about a person leaves only if
    their consent allows the purpose (as for every export), and a photo or video of them only
    with their consent to the use of photographs too. Recorded as "exported", or "transferred"
    when ``party`` names who receives it.
    """
    gate.require(item.collection_id, Capability.EXPORT)
    if purpose not in EXPORT_PURPOSES:
        raise ValidationFailed(
            "invalid_choice", f"Purposes are: {', '.join(EXPORT_PURPOSES)}.", "purpose"
        )
    party = clean_text(party, "party", max_length=NAME_MAX)
    _may_open(gate, item)
    if item.person is not None:
        _require_consent(gate, item.person, purpose, consent_allows(item.person, purpose))
        if item.kind in PICTURE_KINDS:
            _require_consent(
                gate,
                item.person,
                ConsentPurpose.PHOTOGRAPHS,
                consent_in_force(item.person, ConsentPurpose.PHOTOGRAPHS),
            )
    file_key = _ready(item)
    action = CustodyAction.TRANSFERRED if party else CustodyAction.EXPORTED
    with transaction.atomic():
        append_custody(gate.user, item, action, party=party, details={"purpose": purpose})
    return _checked(item, file_key)


def _status(item: EvidenceItem) -> str:
    """Re-hash a stored file and compare (the encrypted file's hash first: it needs no key)."""
    digest = blob_digest(item.blob_address)
    if digest is None:
        return VerificationStatus.MISSING
    if digest != item.blob_sha256:
        return VerificationStatus.ALTERED
    if is_erased(item):
        return VerificationStatus.ERASED
    try:
        for _chunk in _checked(item, _file_key(item)):
            pass
    except IntegrityFailure:
        return VerificationStatus.ALTERED
    except Conflict:
        return VerificationStatus.ERASED
    return VerificationStatus.INTACT


def verify_evidence(gate: Gate, item: EvidenceItem) -> str:
    """Re-hash a file and compare with its recorded SHA-256; the result joins its custody."""
    gate.require(item.collection_id, Capability.VIEW_IDENTITIES)
    status = _status(item)
    if status != VerificationStatus.ERASED:
        action = (
            CustodyAction.VERIFIED
            if status == VerificationStatus.INTACT
            else CustodyAction.VERIFICATION_FAILED
        )
        with transaction.atomic():
            append_custody(gate.user, item, action, details={"status": status})
    return status
