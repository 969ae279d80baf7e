"""The justice process as a state machine: which step may follow which, and the status it gives.

A proceeding (a criminal or administrative case) moves through dated *stages* — registered,
investigation opened, closed, reopened, sent to court, verdict, appeal… — kept as an
append-only history. Its status is never typed: :func:`derive_status` computes it from the
history, and :func:`check_next` refuses a stage that cannot follow the current status, naming
the status and the steps that are allowed.

History is never rewritten. A mistaken entry is *corrected* by a later entry that names it
(``corrects``): the correction takes the mistaken entry's place in the sequence, or, when its
stage is :attr:`Stage.RETRACTED`, removes it. :func:`effective` applies the corrections.

The model follows Kazakhstan's procedure closely enough for the January 2022 cases and stays
generic: registration (ERDR) and the opening of an investigation are separate steps because
the sources report them separately; an administrative case (a protocol) may go straight to
court; a court of appeal that quashes a verdict sends the case back to trial, one that quashes
a closure or a refusal re-opens the investigation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from qantar.core.dates import parse_optional
from qantar.core.errors import Conflict, ValidationFailed


class Stage(StrEnum):
    """One step of a proceeding. Stable strings: deprecate, never delete."""

    REGISTERED = "registered"
    REFUSED = "refused"
    INVESTIGATION_OPENED = "investigation_opened"
    REQUALIFIED = "requalified"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    REOPENED = "reopened"
    INDICTMENT = "indictment"
    SENT_TO_COURT = "sent_to_court"
    HEARING = "hearing"
    VERDICT = "verdict"
    APPEAL = "appeal"
    APPEAL_DECIDED = "appeal_decided"
    FINAL = "final"
    RETRACTED = "retracted"  # only in a correction: the corrected entry was a mistake


class Status(StrEnum):
    """Where a proceeding stands, derived from its stages."""

    NOT_STARTED = "not_started"
    REGISTERED = "registered"
    REFUSED = "refused"
    INVESTIGATING = "investigating"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    INDICTED = "indicted"
    AT_TRIAL = "at_trial"
    DECIDED = "decided"
    ON_APPEAL = "on_appeal"
    FINAL = "final"


class AppealResult(StrEnum):
    """What a higher court or prosecutor decided on an appeal."""

    UPHELD = "upheld"  # the decision stands
    CHANGED = "changed"  # a verdict changed (e.g. a shorter sentence), still a verdict
    OVERTURNED = "overturned"  # quashed: back to trial, or the investigation re-opens


# The stages that may follow each status. The first stage of a history must follow NOT_STARTED.
TRANSITIONS: dict[Status, tuple[Stage, ...]] = {
    Status.NOT_STARTED: (
        Stage.REGISTERED,
        Stage.REFUSED,
        Stage.INVESTIGATION_OPENED,
        Stage.SENT_TO_COURT,
    ),
    Status.REGISTERED: (
        Stage.INVESTIGATION_OPENED,
        Stage.REFUSED,
        Stage.CLOSED,
        Stage.SENT_TO_COURT,
    ),
    Status.REFUSED: (Stage.APPEAL, Stage.INVESTIGATION_OPENED),
    Status.INVESTIGATING: (
        Stage.HEARING,  # a court hearing on detention or on a complaint to the investigating judge
        Stage.REQUALIFIED,
        Stage.SUSPENDED,
        Stage.CLOSED,
        Stage.INDICTMENT,
        Stage.SENT_TO_COURT,
    ),
    Status.SUSPENDED: (Stage.REOPENED, Stage.CLOSED),
    Status.CLOSED: (Stage.REOPENED, Stage.APPEAL),
    Status.INDICTED: (Stage.SENT_TO_COURT, Stage.HEARING, Stage.REQUALIFIED, Stage.CLOSED),
    Status.AT_TRIAL: (Stage.HEARING, Stage.REQUALIFIED, Stage.VERDICT, Stage.CLOSED),
    Status.DECIDED: (Stage.APPEAL, Stage.FINAL),
    Status.ON_APPEAL: (Stage.HEARING, Stage.APPEAL_DECIDED),
    Status.FINAL: (Stage.REOPENED,),  # new circumstances; review of a final judgment
}

# The status a stage leads to (stages not listed keep the current status).
LEADS_TO: dict[Stage, Status] = {
    Stage.REGISTERED: Status.REGISTERED,
    Stage.REFUSED: Status.REFUSED,
    Stage.INVESTIGATION_OPENED: Status.INVESTIGATING,
    Stage.SUSPENDED: Status.SUSPENDED,
    Stage.CLOSED: Status.CLOSED,
    Stage.REOPENED: Status.INVESTIGATING,
    Stage.INDICTMENT: Status.INDICTED,
    Stage.SENT_TO_COURT: Status.AT_TRIAL,
    Stage.VERDICT: Status.DECIDED,
    Stage.APPEAL: Status.ON_APPEAL,
    Stage.FINAL: Status.FINAL,
}

# A closure needs its legal ground ("no evidence of a crime", amnesty…).
NEEDS_GROUND = frozenset({Stage.CLOSED})
# An appeal decision needs its result.
NEEDS_RESULT = frozenset({Stage.APPEAL_DECIDED})
# Stages reached "ever" that the impunity funnel counts.
INVESTIGATION_STAGES = frozenset({Stage.INVESTIGATION_OPENED, Stage.REOPENED, Stage.INDICTMENT})
COURT_STAGES = frozenset({Stage.SENT_TO_COURT})


@dataclass(frozen=True)
class Step:
    """One entry of a stage history as the state machine sees it.

    ``date`` is a partial date in canonical text form (may be blank when unknown);
    ``corrects`` names an earlier entry (its ``key``) that this entry replaces.
    """

    stage: Stage
    date: str = ""
    key: str = ""
    ground: str = ""
    result: AppealResult | None = None
    corrects: str = ""


@dataclass(frozen=True)
class Summary:
    """What a stage history amounts to (the funnel reads these)."""

    status: Status
    was_investigated: bool
    was_sent_to_court: bool
    closure_ground: str
    started_on: str
    status_on: str


def _status_label(status: Status) -> str:
    return status.value.replace("_", " ")


def _stage_list(stages: Iterable[Stage]) -> str:
    return ", ".join(stage.value.replace("_", " ") for stage in stages) or "none"


def allowed_next(steps: Sequence[Step]) -> tuple[Stage, ...]:
    """The stages that may be recorded next, given the (uncorrected) history."""
    return TRANSITIONS[derive_status(steps)]


def effective(steps: Sequence[Step]) -> list[Step]:
    """The history with corrections applied: a correction replaces (or retracts) its target.

    The correction takes the place of the entry it corrects, so the order of events stays the
    order in which they happened, not the order in which they were typed.
    """
    corrections: dict[str, Step] = {}
    for step in steps:
        if step.corrects:
            corrections[step.corrects] = step  # the latest correction of an entry wins
    result: list[Step] = []
    for step in steps:
        if step.corrects:
            continue
        final = _follow(step, corrections)
        if final is not None:
            result.append(final)
    return result


def _follow(step: Step, corrections: dict[str, Step]) -> Step | None:
    """The last correction of ``step`` (corrections may themselves be corrected)."""
    seen: set[str] = set()
    current = step
    while current.key and current.key in corrections and current.key not in seen:
        seen.add(current.key)
        current = corrections[current.key]
    if current.stage == Stage.RETRACTED:
        return None
    return current


def _status_after(
    status: Status, step: Step, appealed_from: Status | None
) -> tuple[Status, Status | None]:
    """The status after one step, and what an appeal in progress was brought against."""
    if step.stage == Stage.APPEAL:
        return Status.ON_APPEAL, status
    if step.stage == Stage.APPEAL_DECIDED:
        return _after_appeal(appealed_from or Status.DECIDED, step.result), None
    return LEADS_TO.get(step.stage, status), appealed_from


def _after_appeal(appealed_from: Status, result: AppealResult | None) -> Status:
    if appealed_from == Status.DECIDED:
        return Status.AT_TRIAL if result == AppealResult.OVERTURNED else Status.DECIDED
    # An appeal against a closure or a refusal: quashing it re-opens the investigation.
    return Status.INVESTIGATING if result == AppealResult.OVERTURNED else appealed_from


def _check_step(status: Status, appealed_from: Status | None, step: Step) -> None:
    allowed = TRANSITIONS[status]
    if step.stage not in allowed:
        raise Conflict(
            "stage_not_allowed",
            f"“{step.stage.value.replace('_', ' ')}” cannot follow the current status "
            f"“{_status_label(status)}”. Allowed next: {_stage_list(allowed)}.",
            "stage",
        )
    if step.stage in NEEDS_GROUND and not step.ground:
        raise ValidationFailed(
            "ground_required", "A closure needs its legal ground (e.g. no evidence of a crime).",
            "ground",
        )
    if step.stage in NEEDS_RESULT and step.result is None:
        raise ValidationFailed(
            "result_required", "An appeal decision needs its result (upheld, changed, overturned).",
            "result",
        )
    if (
        step.stage == Stage.APPEAL_DECIDED
        and step.result == AppealResult.CHANGED
        and appealed_from != Status.DECIDED
    ):
        raise ValidationFailed(
            "result_not_possible",
            "Only a verdict can be changed on appeal; a closure or refusal is upheld or "
            "overturned.",
            "result",
        )


def _check_order(previous: Step | None, step: Step) -> None:
    """A stage cannot be dated before the stage it follows (partial dates compared safely)."""
    if previous is None:
        return
    before = parse_optional(previous.date, "date")
    after = parse_optional(step.date, "date")
    if before is None or after is None:
        return
    if after.latest() < before.earliest():
        raise ValidationFailed(
            "date_before_previous",
            f"This stage ({after}) is dated before the stage it follows "
            f"({previous.stage.value.replace('_', ' ')}, {before}).",
            "date",
        )


def replay(steps: Sequence[Step]) -> Summary:
    """Check a whole history (after corrections) and summarise it; raise on the first bad step."""
    status, appealed_from = Status.NOT_STARTED, None
    was_investigated = was_sent_to_court = False
    ground, started_on, status_on = "", "", ""
    previous: Step | None = None
    for step in effective(steps):
        _check_step(status, appealed_from, step)
        _check_order(previous, step)
        status, appealed_from = _status_after(status, step, appealed_from)
        was_investigated = was_investigated or step.stage in INVESTIGATION_STAGES
        was_sent_to_court = was_sent_to_court or step.stage in COURT_STAGES
        if step.stage == Stage.CLOSED:
            ground = step.ground
        started_on = started_on or step.date
        if step.stage in LEADS_TO or step.stage == Stage.APPEAL_DECIDED:
            status_on = step.date
        previous = step
    return Summary(
        status=status,
        was_investigated=was_investigated,
        was_sent_to_court=was_sent_to_court,
        closure_ground=ground if status == Status.CLOSED else "",
        started_on=started_on,
        status_on=status_on,
    )


def derive_status(steps: Sequence[Step]) -> Status:
    """The current status of a proceeding, from its stage history."""
    return replay(steps).status


def check_next(steps: Sequence[Step], step: Step) -> Summary:
    """Refuse a new entry that cannot follow the history; return the summary it would give.

    A correction is checked by replaying the whole corrected history, so a correction that
    would leave an impossible sequence (a verdict after a closure, say) is refused too.
    """
    if step.stage == Stage.RETRACTED and not step.corrects:
        raise ValidationFailed(
            "retraction_without_target", "A retraction must name the entry it retracts.", "stage"
        )
    if step.corrects:
        keys = {existing.key for existing in steps}
        if step.corrects not in keys:
            raise ValidationFailed(
                "unknown_entry", "The entry to correct is not in this history.", "corrects"
            )
    return replay([*steps, step])

