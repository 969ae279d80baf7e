"""Writes to complaints, proceedings and their stage history, remedies and deadlines."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection, User
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event, record_revision
from qantar.common.access import Gate
from qantar.common.changes import differences, snapshot
from qantar.common.text import NAME_MAX, NARRATIVE_MAX, clean_text
from qantar.common.values import clean_choice, clean_partial_date
from qantar.core.errors import Conflict, ValidationFailed
from qantar.core.justice import AppealResult, Stage, Step, check_next, effective, replay
from qantar.justice.choices import (
    Against,
    AppealOutcome,
    AuthorityKind,
    ClosureGround,
    ComplaintResponse,
    DeadlineKind,
    FiledBy,
    PartyRole,
    Procedure,
    RemedyKind,
    SentenceKind,
    StageKind,
    VerdictOutcome,
)
from qantar.justice.models import (
    Complaint,
    Deadline,
    DefendantOutcome,
    Party,
    Proceeding,
    Remedy,
    StageEntry,
)
from qantar.justice.services import checks
from qantar.records.models import Organisation, Person, Place, Source, Violation

COMPLAINT_FIELDS = ("person", "filed_by", "filer_name", "authority_kind", "authority",
                    "filed_on", "reference", "violations", "summary", "response", "response_on",
                    "response_text", "proceeding", "source")
PROCEEDING_FIELDS = ("number", "procedure", "against", "authority_kind", "authority", "place",
                     "person", "articles", "violations", "summary", "lawyer")
OUTCOME_STAGES = frozenset({Stage.VERDICT, Stage.APPEAL_DECIDED})
ARTICLE_STAGES = frozenset({Stage.REQUALIFIED, Stage.INDICTMENT})
GROUND_STAGES = frozenset({Stage.CLOSED, Stage.REFUSED, Stage.SUSPENDED})


def _key_for(person: Person | None, collection_id: uuid.UUID) -> uuid.UUID:
    """The person's key for a record about a person, else the collection's records key."""
    if person is not None:
        return person.key_id
    return Collection.objects.get(pk=collection_id).records_key_id


def _snapshot(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    """Values for history; many-to-many as sorted codes or ids."""
    if obj._state.adding:
        return {}
    plain = [name for name in fields if not obj._meta.get_field(name).many_to_many]
    values = snapshot(obj, plain)
    for name in fields:
        if name not in plain:
            values[name] = sorted(str(getattr(item, "code", item.pk))
                                  for item in getattr(obj, name).all())
    return values


def _keep_history(gate: Gate, obj: Any, before: dict[str, Any], fields: Sequence[str],
                  action: str, reason: str = "") -> None:
    changes = differences(before, _snapshot(obj, fields))
    if changes or action == AuditAction.CREATE:
        record_revision(obj, action, gate.user, changes, reason)


# --- complaints -------------------------------------------------------------------------------


def _apply_complaint(gate: Gate, complaint: Complaint, data: Mapping[str, Any]) -> list[Any]:
    cid = complaint.collection_id
    complaint.filed_by = clean_choice(data.get("filed_by"), FiledBy, "filed_by")
    complaint.filer_name = checks.sealed(data.get("filer_name"), "filer_name", NAME_MAX)
    complaint.authority_kind = clean_choice(data.get("authority_kind"), AuthorityKind,
                                             "authority_kind")
    complaint.authority = checks.reference(Organisation, data.get("authority"), "authority")
    complaint.filed_on = clean_partial_date(data.get("filed_on"), "filed_on", required=True)
    complaint.reference = checks.sealed(data.get("reference"), "reference", 200)
    complaint.summary = checks.sealed(data.get("summary"), "summary", NARRATIVE_MAX)
    complaint.response = clean_choice(data.get("response"), ComplaintResponse, "response",
                                       ComplaintResponse.AWAITING)
    complaint.response_on = clean_partial_date(data.get("response_on"), "response_on")
    complaint.response_text = checks.sealed(data.get("response_text"), "response_text",
                                            NARRATIVE_MAX)
    if complaint.response_on and complaint.response == ComplaintResponse.AWAITING:
        raise ValidationFailed("response_required",
                               "Say what the answer was, or leave its date blank.", "response")
    complaint.proceeding = checks.visible(gate, Proceeding, data.get("proceeding"), "proceeding",
                                          cid)
    complaint.source = checks.visible(gate, Source, data.get("source"), "source", cid)
    violations = checks.visible_all(gate, Violation, data.get("violations"), "violations", cid)
    if complaint.person is not None and any(v.victim_id != complaint.person.pk
                                            for v in violations):
        raise ValidationFailed("other_victim",
                               "A complaint's violations must be the victim's own.", "violations")
    return violations


@transaction.atomic
def record_complaint(gate: Gate, collection: Collection | uuid.UUID,
                     data: Mapping[str, Any]) -> Complaint:
    """Record a complaint: who filed it, to whom, when, about which violations; its answer."""
    cid = checks.collection_id_of(collection)
    checks.require_edit(gate, cid)
    person = checks.visible(gate, Person, data.get("person"), "person", cid)
    complaint = Complaint(id=checks.given_id(data), collection_id=cid, person=person,
                          key_id=_key_for(person, cid))
    before = _snapshot(complaint, COMPLAINT_FIELDS)
    violations = _apply_complaint(gate, complaint, data)
    complaint.save(force_insert=True)
    complaint.violations.set(violations)
    _keep_history(gate, complaint, before, COMPLAINT_FIELDS, AuditAction.CREATE)
    return complaint


@transaction.atomic
def update_complaint(gate: Gate, complaint: Complaint, data: Mapping[str, Any],
                     reason: str = "") -> Complaint:
    """Change a complaint (typically: record the authority's answer); history keeps the old."""
    checks.require_edit(gate, complaint.collection_id)
    before = _snapshot(complaint, COMPLAINT_FIELDS)
    violations = _apply_complaint(gate, complaint, data)
    complaint.save()
    complaint.violations.set(violations)
    _keep_history(gate, complaint, before, COMPLAINT_FIELDS, AuditAction.UPDATE, reason)
    return complaint


@transaction.atomic
def answer_complaint(gate: Gate, complaint: Complaint, data: Mapping[str, Any]) -> Complaint:
    """Record the authority's answer to a complaint; everything else stays as it was."""
    answer = {name: data.get(name) for name in ("response", "response_on", "response_text")}
    return update_complaint(gate, complaint, _complaint_values(complaint) | answer,
                            reason="Answer recorded")


# --- proceedings and parties -------------------------------------------------------------------


def _lawyer(gate: Gate, value: Any, collection_id: uuid.UUID, field: str = "lawyer") -> Any:
    """A user who may edit justice records in the collection."""
    if value in (None, ""):
        return None
    user = value if isinstance(value, User) else User.objects.filter(pk=value).first()
    if user is None or not Gate.for_user(user).can(collection_id, Capability.EDIT_JUSTICE):
        raise ValidationFailed("not_a_lawyer",
                               "That user cannot follow cases in this collection.", field)
    return user


def _apply_proceeding(gate: Gate, proceeding: Proceeding, data: Mapping[str, Any]) -> dict[str,
                                                                                          Any]:
    cid = proceeding.collection_id
    proceeding.number = checks.sealed(data.get("number"), "number", 200)
    proceeding.procedure = clean_choice(data.get("procedure"), Procedure, "procedure",
                                         Procedure.CRIMINAL)
    proceeding.against = clean_choice(data.get("against"), Against, "against")
    proceeding.authority_kind = clean_choice(data.get("authority_kind"), AuthorityKind,
                                              "authority_kind", "")
    proceeding.authority = checks.reference(Organisation, data.get("authority"), "authority")
    proceeding.place = checks.reference(Place, data.get("place"), "place")
    proceeding.summary = checks.sealed(data.get("summary"), "summary", NARRATIVE_MAX)
    proceeding.lawyer = _lawyer(gate, data.get("lawyer"), cid)
    return {
        "articles": checks.articles(data.get("articles")),
        "violations": checks.visible_all(gate, Violation, data.get("violations"), "violations",
                                         cid),
    }


def _clean_party(gate: Gate, proceeding: Proceeding, item: Mapping[str, Any]) -> Party:
    person = checks.visible(gate, Person, item.get("person"), "parties",
                            proceeding.collection_id)
    party = Party(proceeding=proceeding, person=person,
                  key_id=person.key_id if person else proceeding.key_id,
                  role=clean_choice(item.get("role"), PartyRole, "parties"),
                  is_official=bool(item.get("is_official")))
    party.name = checks.sealed(item.get("name"), "parties", NAME_MAX)
    party.position = checks.sealed(item.get("position"), "parties", NAME_MAX)
    party.headcount = checks.whole_number(item.get("headcount"), "parties", minimum=1, default=1,
                                          label="The number of people") or 1
    if person is None and not party.name:
        raise ValidationFailed("required", "Choose the person or give the name as reported.",
                               "parties")
    return party


@transaction.atomic
def open_proceeding(gate: Gate, collection: Collection | uuid.UUID,
                    data: Mapping[str, Any]) -> Proceeding:
    """Record a criminal or administrative case with its parties, charges and violations.

    Complaints named in ``complaints`` are linked to it (the case was opened on them).
    """
    cid = checks.collection_id_of(collection)
    checks.require_edit(gate, cid)
    person = checks.visible(gate, Person, data.get("person"), "person", cid)
    proceeding = Proceeding(id=checks.given_id(data), collection_id=cid, person=person,
                            key_id=_key_for(person, cid))
    before = _snapshot(proceeding, PROCEEDING_FIELDS)
    related = _apply_proceeding(gate, proceeding, data)
    parties = [_clean_party(gate, proceeding, item) for item in data.get("parties") or []]
    complaints = checks.visible_all(gate, Complaint, data.get("complaints"), "complaints", cid)
    proceeding.save(force_insert=True)
    proceeding.articles.set(related["articles"])
    proceeding.violations.set(related["violations"])
    for party in parties:
        party.save(force_insert=True)
    for complaint in complaints:
        update_complaint(gate, complaint, _complaint_values(complaint) | {
            "proceeding": proceeding.pk}, reason="Case opened on this complaint")
    _keep_history(gate, proceeding, before, PROCEEDING_FIELDS, AuditAction.CREATE)
    return proceeding


def _complaint_values(complaint: Complaint) -> dict[str, Any]:
    """A complaint's current values in the form its service takes."""
    return {
        "filed_by": complaint.filed_by, "filer_name": complaint.filer_name,
        "authority_kind": complaint.authority_kind, "authority": complaint.authority_id,
        "filed_on": complaint.filed_on, "reference": complaint.reference,
        "summary": complaint.summary, "response": complaint.response,
        "response_on": complaint.response_on, "response_text": complaint.response_text,
        "proceeding": complaint.proceeding_id, "source": complaint.source_id,
        "violations": list(complaint.violations.values_list("pk", flat=True)),
    }


@transaction.atomic
def update_proceeding(gate: Gate, proceeding: Proceeding, data: Mapping[str, Any],
                      reason: str = "") -> Proceeding:
    """Change a case's description (never its status: that comes from its stages)."""
    checks.require_edit(gate, proceeding.collection_id)
    before = _snapshot(proceeding, PROCEEDING_FIELDS)
    related = _apply_proceeding(gate, proceeding, data)
    proceeding.save()
    proceeding.articles.set(related["articles"])
    proceeding.violations.set(related["violations"])
    _keep_history(gate, proceeding, before, PROCEEDING_FIELDS, AuditAction.UPDATE, reason)
    return proceeding


@transaction.atomic
def add_party(gate: Gate, proceeding: Proceeding, data: Mapping[str, Any]) -> Party:
    """Add a defendant or a victim to a case."""
    checks.require_edit(gate, proceeding.collection_id)
    party = _clean_party(gate, proceeding, data)
    party.save(force_insert=True)
    record_event(AuditAction.CREATE, actor=gate.user, obj=party,
                 collection_id=proceeding.collection_id,
                 details={"proceeding": str(proceeding.pk), "role": party.role})
    return party


# --- the stage history ---------------------------------------------------------------------------


def steps_of(entries: Sequence[StageEntry]) -> list[Step]:
    """Stage entries as the state machine sees them."""
    return [
        Step(Stage(entry.stage), entry.date, str(entry.pk), entry.ground,
             AppealResult(entry.result) if entry.result else None,
             str(entry.corrects_id) if entry.corrects_id else "")
        for entry in entries
    ]


def _clean_outcomes(proceeding: Proceeding, stage: Stage,
                    items: Sequence[Mapping[str, Any]]) -> list[DefendantOutcome]:
    if stage not in OUTCOME_STAGES:
        if items:
            raise ValidationFailed("outcomes_not_allowed",
                                   "Only a verdict or an appeal decision has outcomes.",
                                   "outcomes")
        return []
    defendants = {str(p.pk): p for p in proceeding.parties.filter(role=PartyRole.DEFENDANT)}
    outcomes, used = [], defaultdict(int)
    for item in items:
        party = defendants.get(str(item.get("party") or ""))
        if party is None:
            raise ValidationFailed("unknown_defendant", "Choose a defendant of this case.",
                                   "outcomes")
        outcome = DefendantOutcome(
            party=party,
            outcome=clean_choice(item.get("outcome"), VerdictOutcome, "outcomes"),
            sentence_kind=clean_choice(item.get("sentence_kind"), SentenceKind, "outcomes", ""),
            sentence_days=checks.whole_number(item.get("sentence_days"), "outcomes",
                                              label="The sentence in days"),
            sentence_text=clean_text(item.get("sentence_text"), "outcomes", max_length=300),
            is_amnestied=bool(item.get("is_amnestied")),
            headcount=checks.whole_number(item.get("headcount"), "outcomes", minimum=1,
                                          default=1, label="The number of people") or 1,
        )
        used[party.pk] += outcome.headcount
        if used[party.pk] > party.headcount:
            raise ValidationFailed(
                "too_many_people",
                f"The outcomes count {used[party.pk]} people for a party of {party.headcount}.",
                "outcomes")
        outcomes.append(outcome)
    if stage == Stage.VERDICT and not outcomes:
        raise ValidationFailed("outcomes_required",
                               "A verdict needs the outcome for at least one defendant.",
                               "outcomes")
    return outcomes


def _clean_entry(gate: Gate, proceeding: Proceeding, data: Mapping[str, Any],
                 entries: Sequence[StageEntry]) -> StageEntry:
    stage = Stage(clean_choice(data.get("stage"), StageKind, "stage"))
    cid = proceeding.collection_id
    entry = StageEntry(proceeding=proceeding, key_id=proceeding.key_id, stage=stage,
                       recorded_by=gate.user if getattr(gate.user, "pk", None) else None,
                       seq=(entries[-1].seq if entries else 0) + 1)
    entry.date = clean_partial_date(data.get("date"), "date")
    entry.ground = clean_choice(data.get("ground"), ClosureGround, "ground", "")
    entry.result = clean_choice(data.get("result"), AppealOutcome, "result", "")
    if entry.ground and stage not in GROUND_STAGES:
        raise ValidationFailed("ground_not_allowed",
                               "Only a closure, refusal or suspension has a legal ground.",
                               "ground")
    if entry.result and stage != Stage.APPEAL_DECIDED:
        raise ValidationFailed("result_not_allowed", "Only an appeal decision has a result.",
                               "result")
    entry.authority = checks.reference(Organisation, data.get("authority"), "authority")
    entry.note = checks.sealed(data.get("note"), "note", NARRATIVE_MAX)
    entry.source = checks.visible(gate, Source, data.get("source"), "source", cid)
    corrects = data.get("corrects")
    if corrects:
        entry.corrects = next((e for e in entries if str(e.pk) == str(corrects)), None)
        if entry.corrects is None:
            raise ValidationFailed("unknown_entry", "The entry to correct is not in this case.",
                                   "corrects")
    return entry


def _articles_for(stage: Stage, data: Mapping[str, Any]) -> list[Any]:
    found = checks.articles(data.get("articles"))
    if found and stage not in ARTICLE_STAGES:
        raise ValidationFailed("articles_not_allowed",
                               "Articles change only with a re-qualification or indictment.",
                               "articles")
    if stage == Stage.REQUALIFIED and not found:
        raise ValidationFailed("articles_required",
                               "A re-qualification needs the new articles.", "articles")
    return found


@transaction.atomic
def record_stage(gate: Gate, proceeding: Proceeding, data: Mapping[str, Any]) -> StageEntry:
    """Append a dated, attributed step to a case, if it can follow the current status.

    A step that cannot follow (a verdict on a closed case that was not reopened) is refused
    with the current status and the allowed next steps; nothing is written. A correction
    (``corrects``: an earlier entry's id) replaces that entry in the derived status; the
    entry itself stays in the history.
    """
    checks.require_edit(gate, proceeding.collection_id)
    proceeding = Proceeding.objects.select_for_update().get(pk=proceeding.pk)
    entries = list(proceeding.stages.order_by("seq"))
    entry = _clean_entry(gate, proceeding, data, entries)
    # The state machine first: "this cannot follow" is the clearest thing to say.
    check_next(steps_of(entries), steps_of([entry])[0])
    article_list = _articles_for(Stage(entry.stage), data)
    outcomes = _clean_outcomes(proceeding, Stage(entry.stage), data.get("outcomes") or [])
    entry.save(force_insert=True)
    entry.articles.set(article_list)
    for outcome in outcomes:
        outcome.entry = entry
        outcome.save(force_insert=True)
    refresh_summary(proceeding)
    record_event(AuditAction.STATUS_CHANGE, actor=gate.user, obj=proceeding,
                 details={"stage": entry.stage, "seq": entry.seq, "entry": str(entry.pk),
                          "status": proceeding.status,
                          "corrects": str(entry.corrects_id or "")})
    return entry


def refresh_summary(proceeding: Proceeding) -> None:
    """Recompute the cached status and counts from the stage history (derived, never typed)."""
    entries = list(proceeding.stages.order_by("seq"))
    summary = replay(steps_of(entries))
    proceeding.status = summary.status.value
    proceeding.closure_ground = summary.closure_ground
    proceeding.was_investigated = summary.was_investigated
    proceeding.was_sent_to_court = summary.was_sent_to_court
    proceeding.started_on = summary.started_on
    counts = outcome_counts(entries)
    proceeding.convicted_count = counts[VerdictOutcome.CONVICTED]
    proceeding.acquitted_count = counts[VerdictOutcome.ACQUITTED]
    proceeding.dropped_count = counts[VerdictOutcome.CASE_DROPPED]
    proceeding.amnestied_count = counts["amnestied"]
    proceeding.save(update_fields=[
        "status", "closure_ground", "was_investigated", "was_sent_to_court", "started_on",
        "started_earliest", "started_latest", "convicted_count", "acquitted_count",
        "dropped_count", "amnestied_count", "updated_at"])


def outcome_counts(entries: Sequence[StageEntry]) -> dict[str, int]:
    """People per outcome: for each defendant, the latest verdict or appeal decision counts."""
    by_id = {str(entry.pk): entry for entry in entries}
    latest: dict[Any, list[DefendantOutcome]] = {}
    in_force = [by_id[step.key] for step in effective(steps_of(entries))]
    outcomes = DefendantOutcome.objects.filter(entry__in=in_force).order_by("entry__seq")
    for outcome in outcomes:
        kept = latest.setdefault(outcome.party_id, [])
        if kept and kept[0].entry_id != outcome.entry_id:
            kept.clear()
        kept.append(outcome)
    counts: dict[str, int] = defaultdict(int)
    for group in latest.values():
        for outcome in group:
            counts[outcome.outcome] += outcome.headcount
            counts["amnestied"] += outcome.headcount if outcome.is_amnestied else 0
    return counts


# --- remedies and deadlines -----------------------------------------------------------------------


@transaction.atomic
def record_remedy(gate: Gate, proceeding: Proceeding, data: Mapping[str, Any]) -> Remedy:
    """Record what a victim obtained: charges dropped, an apology, compensation… or nothing."""
    checks.require_edit(gate, proceeding.collection_id)
    party = None
    if data.get("party"):
        party = proceeding.parties.filter(pk=data["party"]).first() if _is_uuid(
            data["party"]) else None
        if party is None:
            raise ValidationFailed("unknown_party", "Choose a party of this case.", "party")
    remedy = Remedy(proceeding=proceeding, party=party,
                    key_id=party.key_id if party else proceeding.key_id,
                    kind=clean_choice(data.get("kind"), RemedyKind, "kind"),
                    amount=checks.amount(data.get("amount"), "amount"),
                    currency=clean_text(data.get("currency"), "currency", max_length=3).upper(),
                    date=clean_partial_date(data.get("date"), "date"),
                    granted_by=clean_text(data.get("granted_by"), "granted_by",
                                          max_length=300),
                    source=checks.visible(gate, Source, data.get("source"), "source",
                                          proceeding.collection_id),
                    recorded_by=gate.user if getattr(gate.user, "pk", None) else None)
    if remedy.kind == RemedyKind.COMPENSATION and remedy.amount is None:
        raise ValidationFailed("amount_required", "Give the amount of compensation.", "amount")
    if remedy.amount is not None and remedy.kind != RemedyKind.COMPENSATION:
        raise ValidationFailed("amount_not_allowed", "Only compensation has an amount.",
                               "amount")
    remedy.note = checks.sealed(data.get("note"), "note", NARRATIVE_MAX)
    remedy.save(force_insert=True)
    record_event(AuditAction.CREATE, actor=gate.user, obj=remedy,
                 collection_id=proceeding.collection_id,
                 details={"proceeding": str(proceeding.pk), "kind": remedy.kind})
    return remedy


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@transaction.atomic
def set_deadline(gate: Gate, proceeding: Proceeding, data: Mapping[str, Any]) -> Deadline:
    """Note a time limit or next hearing for a lawyer (by default the one recording it)."""
    checks.require_edit(gate, proceeding.collection_id)
    lawyer = _lawyer(gate, data.get("lawyer") or gate.user, proceeding.collection_id)
    deadline = Deadline(collection_id=proceeding.collection_id, key_id=proceeding.key_id,
                        proceeding=proceeding, lawyer=lawyer,
                        kind=clean_choice(data.get("kind"), DeadlineKind, "kind"),
                        due_on=checks.exact_date(data.get("due_on"), "due_on"))
    deadline.note = checks.sealed(data.get("note"), "note", 2000)
    deadline.save(force_insert=True)
    record_revision(deadline, AuditAction.CREATE, gate.user,
                    {"kind": (None, deadline.kind), "due_on": (None, str(deadline.due_on)),
                     "lawyer": (None, str(lawyer.pk))})
    return deadline


@transaction.atomic
def complete_deadline(gate: Gate, deadline: Deadline) -> Deadline:
    """Mark a deadline as met (kept, with who and when)."""
    checks.require_edit(gate, deadline.collection_id)
    if deadline.done_at is not None:
        raise Conflict("already_done", "This deadline is already marked as done.")
    deadline.done_at, deadline.done_by = timezone.now(), gate.user
    deadline.save(update_fields=["done_at", "done_by", "updated_at"])
    record_revision(deadline, AuditAction.STATUS_CHANGE, gate.user, {"done": (False, True)})
    return deadline
