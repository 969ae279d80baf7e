"""The chain of custody: one append-only, attributed event per thing done to a file.

Every event is also one audit entry (ids, codes and hashes — never a name or a note).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event, safe_label
from qantar.common.access import Gate
from qantar.common.text import NAME_MAX, clean_text
from qantar.core.errors import Conflict, ValidationFailed
from qantar.evidence.choices import MANUAL_ACTIONS, CustodyAction
from qantar.evidence.models import CustodyEvent, EvidenceItem
from qantar.evidence.queries import is_erased
from qantar.records.models import Person

NOTE_MAX = 2_000

AUDIT_ACTIONS = {
    CustodyAction.RECEIVED: AuditAction.CREATE,
    CustodyAction.STORED: AuditAction.STATUS_CHANGE,
    CustodyAction.DOWNLOADED: AuditAction.VIEW_SENSITIVE,
    CustodyAction.EXPORTED: AuditAction.EXPORT,
    CustodyAction.TRANSFERRED: AuditAction.SHARE,
    CustodyAction.VERIFIED: AuditAction.STATUS_CHANGE,
    CustodyAction.VERIFICATION_FAILED: AuditAction.STATUS_CHANGE,
    CustodyAction.SEALED_FOR_COURT: AuditAction.STATUS_CHANGE,
    CustodyAction.NOTE: AuditAction.UPDATE,
    CustodyAction.KEY_DESTROYED: AuditAction.ERASE,
}


def append_custody(
    actor: Any,
    item: EvidenceItem,
    action: str,
    *,
    party: str = "",
    note: str = "",
    details: Mapping[str, Any] | None = None,
) -> CustodyEvent:
    """Append one custody event and its audit entry (inside the caller's transaction)."""
    known = actor is not None and getattr(actor, "pk", None)
    event = CustodyEvent(
        item=item,
        key_id=item.key_id,
        action=action,
        at=timezone.now(),
        actor=actor if known else None,
        actor_label=safe_label(actor.get_username()) if known else "",
    )
    event.party = party or None
    event.note = note or None
    event.save(force_insert=True)
    record_event(
        AUDIT_ACTIONS[CustodyAction(action)],
        actor=actor if known else None,
        obj=item,
        details={"custody": action, "custody_event": str(event.pk), **(details or {})},
    )
    return event


@transaction.atomic
def record_custody(
    gate: Gate, item: EvidenceItem, action: str, party: str = "", note: str = ""
) -> CustodyEvent:
    """Record by hand that the file was transferred, sealed for court, stored, or a note."""
    gate.require(item.collection_id, Capability.EDIT_RECORDS)
    if action not in MANUAL_ACTIONS:
        raise ValidationFailed("invalid_choice", "Choose what happened to the file.", "action")
    if is_erased(item):
        raise Conflict("erased", "This evidence was erased: nothing can be added to it.")
    party = clean_text(party, "party", max_length=NAME_MAX)
    if action == CustodyAction.TRANSFERRED and not party:
        raise ValidationFailed("required", "Say to whom the file was transferred.", "party")
    note = clean_text(note, "note", max_length=NOTE_MAX)
    return append_custody(gate.user, item, action, party=party, note=note)


def note_key_destroyed(actor: Any, person: Person) -> int:
    """Add "key destroyed" to the custody of every file about an erased person (from erasure)."""
    items = list(EvidenceItem.all_objects.filter(person=person))
    for item in items:
        append_custody(actor, item, CustodyAction.KEY_DESTROYED)
    return len(items)
