"""Protecting people: consent per purpose, legal holds and erasure.

Erasure destroys the person's data key. Everything sealed under it — names, identifying
details, notes, testimonies, violation narratives, citations' quotes, history values, evidence
files about them — can never be opened again, from this database or from any backup of it,
because the key lived only in the key store. The pseudonymised violation records (type, date,
place, methods), evidence hashes and chains of custody, and the audit trail stay, so statistics
and the chain of custody survive.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.common.text import clean_text
from qantar.core.errors import Conflict, PermissionDenied, ValidationFailed
from qantar.records.choices import ConsentDecision, ConsentMethod, ConsentPurpose
from qantar.records.models import Consent, LegalHold, Person, PersonName, SearchToken, Testimony
from qantar.records.queries import consent_in_force


def _decided_on(value: Any) -> date:
    if isinstance(value, date):
        decided = value
    else:
        try:
            decided = date.fromisoformat(str(value or ""))
        except ValueError:
            raise ValidationFailed(
                "invalid_date", "Give the date as YYYY-MM-DD.", "decided_on"
            ) from None
    if decided > timezone.now().date():
        raise ValidationFailed("impossible_date", "The date is in the future.", "decided_on")
    return decided


@transaction.atomic
def record_consent(
    gate: Gate,
    person: Person,
    purpose: str,
    decision: str,
    method: str,
    decided_on: Any,
    conditions: str = "",
    testimony: Testimony | None = None,
    second_approver: Any = None,
) -> Consent:
    """Record a consent decision (granting, refusing or withdrawing) for one purpose."""
    gate.require(person.collection_id, Capability.EDIT_RECORDS)
    for value, choices, field in (
        (purpose, ConsentPurpose, "purpose"),
        (decision, ConsentDecision, "decision"),
        (method, ConsentMethod, "method"),
    ):
        if value not in choices.values:
            raise ValidationFailed("invalid_choice", f"“{str(value)[:40]}” is not valid.", field)
    if testimony is not None and testimony.person_id != person.pk:
        raise ValidationFailed("wrong_person", "That testimony is someone else's.", "testimony")
    needs_second = purpose == ConsentPurpose.INTIMATE_IMAGES and decision == ConsentDecision.GRANTED
    if needs_second and (
        second_approver is None
        or second_approver.pk == gate.user.pk
        or not Gate.for_user(second_approver).can(person.collection_id, Capability.EDIT_RECORDS)
    ):
        raise ValidationFailed(
            "second_approval_needed",
            "Consent to use intimate images needs a second approval by another documenter.",
            "second_approver",
        )
    consent = Consent(
        person=person,
        testimony=testimony,
        key_id=person.key_id,
        purpose=purpose,
        decision=decision,
        method=method,
        decided_on=_decided_on(decided_on),
        recorded_by=gate.user,
        second_approval_by=second_approver,
    )
    consent.conditions = clean_text(conditions, "conditions", max_length=5000) or None
    consent.save(force_insert=True)
    record_event(
        AuditAction.CONSENT_CHANGE,
        actor=gate.user,
        obj=person,
        details={
            "purpose": purpose,
            "decision": decision,
            "testimony": str(testimony.pk) if testimony else "",
        },
    )
    return consent


def require_consent(gate: Gate, person: Person, purpose: str, action: str) -> None:
    """Refuse (and log) an action the person has not consented to."""
    if consent_in_force(person, purpose):
        return
    record_event(
        AuditAction.REFUSED,
        actor=gate.user,
        obj=person,
        details={"action": action, "purpose": purpose, "reason": "no_consent"},
    )
    raise PermissionDenied(f"{person.pseudonym} has not consented to {purpose.replace('_', ' ')}.")


@transaction.atomic
def place_legal_hold(gate: Gate, person: Person, reason: str, evidence: Any = None) -> LegalHold:
    """Block erasure of a person's records and evidence, with a recorded reason.

    ``evidence``, an evidence file about the person, says which file the hold is for.
    """
    gate.require(person.collection_id, Capability.MANAGE_COLLECTION)
    if evidence is not None and evidence.person_id != person.pk:
        raise ValidationFailed(
            "wrong_person", "That evidence file is not about this person.", "evidence"
        )
    hold = LegalHold.objects.create(
        person=person,
        evidence=evidence,
        placed_by=gate.user,
        reason=clean_text(reason, "reason", max_length=500, required=True, label="The reason"),
    )
    details = {"legal_hold": "placed", "hold": str(hold.pk)}
    if evidence is not None:
        details["evidence"] = str(evidence.pk)
    record_event(AuditAction.STATUS_CHANGE, actor=gate.user, obj=person, details=details)
    return hold


@transaction.atomic
def lift_legal_hold(gate: Gate, hold: LegalHold) -> None:
    """Lift a legal hold (kept, with who lifted it and when)."""
    gate.require(hold.person.collection_id, Capability.MANAGE_COLLECTION)
    hold.lifted_at, hold.lifted_by = timezone.now(), gate.user
    hold.save(update_fields=["lifted_at", "lifted_by"])
    record_event(
        AuditAction.STATUS_CHANGE,
        actor=gate.user,
        obj=hold.person,
        details={"legal_hold": "lifted", "hold": str(hold.pk)},
    )


@transaction.atomic
def erase_person(gate: Gate, person: Person, reason: str) -> None:
    """Erase a person for ever by destroying their data key (administrators only)."""
    gate.require(person.collection_id, Capability.MANAGE_COLLECTION)
    reason = clean_text(reason, "reason", max_length=500, required=True, label="The reason")
    hold = person.legal_holds.filter(lifted_at__isnull=True).first()
    if hold is not None:
        held = "A legal hold on evidence about this person" if hold.evidence_id else "A legal hold"
        raise Conflict("legal_hold", f"{held} blocks erasure: {hold.reason}")
    if person.erased_at is not None:
        raise Conflict("already_erased", "This person was already erased.")
    SearchToken.objects.filter(
        object_id__in=[
            person.pk,
            *person.testimonies.values_list("id", flat=True),
            *person.violations.values_list("id", flat=True),
        ]
    ).delete()
    PersonName.objects.filter(person=person).delete()
    person.erased_at = timezone.now()
    person.deleted_at = person.deleted_at or person.erased_at
    person.deleted_by = person.deleted_by or gate.user
    person.deletion_reason = person.deletion_reason or "erased"
    person.save(update_fields=["erased_at", "deleted_at", "deleted_by", "deletion_reason"])
    record_event(AuditAction.ERASE, actor=gate.user, obj=person, details={"reason_given": True})
    # Their evidence files were sealed under the same key: they become unreadable with it, and
    # their chains of custody say so. (Imported here: evidence is built on records.)
    from qantar.evidence.services import note_key_destroyed

    note_key_destroyed(gate.user, person)
    transaction.on_commit(lambda: get_keyring().destroy(person.key_id))
