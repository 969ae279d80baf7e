"""The justice state machine: every stage from every status, corrections, dates, summaries."""

from __future__ import annotations

import pytest

from qantar.core.errors import Conflict, ValidationFailed
from qantar.core.justice import (
    TRANSITIONS,
    AppealResult,
    Stage,
    Status,
    Step,
    allowed_next,
    check_next,
    derive_status,
    effective,
    replay,
)

R = Stage
UPHELD, CHANGED, OVERTURNED = AppealResult.UPHELD, AppealResult.CHANGED, AppealResult.OVERTURNED

# One shortest history that reaches each status.
PATHS: dict[Status, list[Step]] = {
    Status.NOT_STARTED: [],
    Status.REGISTERED: [Step(R.REGISTERED)],
    Status.REFUSED: [Step(R.REFUSED)],
    Status.INVESTIGATING: [Step(R.INVESTIGATION_OPENED)],
    Status.SUSPENDED: [Step(R.INVESTIGATION_OPENED), Step(R.SUSPENDED)],
    Status.CLOSED: [Step(R.INVESTIGATION_OPENED), Step(R.CLOSED, ground="no_crime")],
    Status.INDICTED: [Step(R.INVESTIGATION_OPENED), Step(R.INDICTMENT)],
    Status.AT_TRIAL: [Step(R.SENT_TO_COURT)],
    Status.DECIDED: [Step(R.SENT_TO_COURT), Step(R.VERDICT)],
    Status.ON_APPEAL: [Step(R.SENT_TO_COURT), Step(R.VERDICT), Step(R.APPEAL)],
    Status.FINAL: [Step(R.SENT_TO_COURT), Step(R.VERDICT), Step(R.FINAL)],
}


def _complete(stage: Stage) -> Step:
    """A step with whatever its stage needs (a ground, a result)."""
    return Step(stage, ground="no_crime" if stage == R.CLOSED else "",
                result=UPHELD if stage == R.APPEAL_DECIDED else None)


def test_every_status_has_a_path_and_a_transition_row():
    assert set(PATHS) == set(Status)
    assert set(TRANSITIONS) == set(Status)
    for status, path in PATHS.items():
        assert derive_status(path) == status


@pytest.mark.parametrize("status", list(Status))
def test_every_stage_from_every_status_is_allowed_or_refused_with_the_allowed_list(status):
    path = PATHS[status]
    for stage in Stage:
        if stage == R.RETRACTED:
            continue
        if stage in TRANSITIONS[status]:
            check_next(path, _complete(stage))
            continue
        with pytest.raises(Conflict) as raised:
            check_next(path, _complete(stage))
        message = raised.value.message
        assert raised.value.code == "stage_not_allowed"
        assert f"current status “{status.value.replace('_', ' ')}”" in message
        for allowed in TRANSITIONS[status]:
            assert allowed.value.replace("_", " ") in message


def test_verdict_on_a_closed_case_is_refused_until_it_is_reopened():
    closed = [Step(R.REGISTERED), Step(R.INVESTIGATION_OPENED),
              Step(R.CLOSED, ground="no_crime")]
    with pytest.raises(Conflict) as raised:
        check_next(closed, Step(R.VERDICT))
    assert raised.value.message == (
        "“verdict” cannot follow the current status “closed”. Allowed next: reopened, appeal."
    )
    reopened = [*closed, Step(R.REOPENED), Step(R.SENT_TO_COURT)]
    assert check_next(reopened, Step(R.VERDICT)).status == Status.DECIDED


def test_statuses_along_a_full_criminal_case():
    history = [
        Step(R.REGISTERED, "2022-01-20"),
        Step(R.INVESTIGATION_OPENED, "2022-01-21"),
        Step(R.REQUALIFIED, "2022-03"),
        Step(R.SUSPENDED, "2022-05"),
        Step(R.REOPENED, "2022-06"),
        Step(R.INDICTMENT, "2022-09"),
        Step(R.SENT_TO_COURT, "2022-10"),
        Step(R.HEARING, "2022-11-01"),
        Step(R.HEARING, "2022-11-15"),
        Step(R.VERDICT, "2022-12-20"),
        Step(R.APPEAL, "2023-01-05"),
        Step(R.APPEAL_DECIDED, "2023-02", result=CHANGED),
        Step(R.FINAL, "2023-02"),
    ]
    statuses = [derive_status(history[: i + 1]) for i in range(len(history))]
    assert statuses == [
        Status.REGISTERED, Status.INVESTIGATING, Status.INVESTIGATING, Status.SUSPENDED,
        Status.INVESTIGATING, Status.INDICTED, Status.AT_TRIAL, Status.AT_TRIAL, Status.AT_TRIAL,
        Status.DECIDED, Status.ON_APPEAL, Status.DECIDED, Status.FINAL,
    ]
    summary = replay(history)
    assert (summary.was_investigated, summary.was_sent_to_court) == (True, True)
    assert (summary.started_on, summary.status_on, summary.closure_ground) == (
        "2022-01-20", "2023-02", "")


def test_appeal_results_depend_on_what_was_appealed():
    decided = PATHS[Status.DECIDED]
    closed = PATHS[Status.CLOSED]
    refused = PATHS[Status.REFUSED]

    def after(path, result):
        return derive_status([*path, Step(R.APPEAL), Step(R.APPEAL_DECIDED, result=result)])

    assert [after(decided, r) for r in (UPHELD, CHANGED, OVERTURNED)] == [
        Status.DECIDED, Status.DECIDED, Status.AT_TRIAL]
    assert [after(closed, r) for r in (UPHELD, OVERTURNED)] == [
        Status.CLOSED, Status.INVESTIGATING]
    assert [after(refused, r) for r in (UPHELD, OVERTURNED)] == [
        Status.REFUSED, Status.INVESTIGATING]
    with pytest.raises(ValidationFailed) as raised:
        after(closed, CHANGED)
    assert (raised.value.code, raised.value.field) == ("result_not_possible", "result")


def test_a_closure_needs_a_ground_and_an_appeal_decision_a_result():
    with pytest.raises(ValidationFailed) as raised:
        check_next(PATHS[Status.INVESTIGATING], Step(R.CLOSED))
    assert (raised.value.code, raised.value.field) == ("ground_required", "ground")
    with pytest.raises(ValidationFailed) as raised:
        check_next(PATHS[Status.ON_APPEAL], Step(R.APPEAL_DECIDED))
    assert (raised.value.code, raised.value.field) == ("result_required", "result")


def test_a_hearing_on_detention_during_investigation_is_not_a_trial():
    history = [Step(R.INVESTIGATION_OPENED, "2022-01-12"), Step(R.HEARING, "2022-01-14")]
    summary = replay(history)
    assert (summary.status, summary.was_investigated, summary.was_sent_to_court) == (
        Status.INVESTIGATING, True, False)
    assert replay([*history, Step(R.SENT_TO_COURT)]).was_sent_to_court is True


def test_closure_ground_is_reported_only_while_closed():
    closed = [Step(R.INVESTIGATION_OPENED), Step(R.CLOSED, ground="no_crime")]
    assert replay(closed).closure_ground == "no_crime"
    assert replay([*closed, Step(R.REOPENED)]).closure_ground == ""
    assert replay([*closed, Step(R.REOPENED), Step(R.CLOSED, ground="amnesty")]
                  ).closure_ground == "amnesty"


def test_a_stage_dated_before_the_one_it_follows_is_refused():
    history = [Step(R.INVESTIGATION_OPENED, "2022-02-10")]
    with pytest.raises(ValidationFailed) as raised:
        check_next(history, Step(R.CLOSED, "2022-01", ground="no_crime"))
    assert raised.value.code == "date_before_previous"
    assert raised.value.message == (
        "This stage (2022-01) is dated before the stage it follows "
        "(investigation opened, 2022-02-10)."
    )
    # Overlapping partial dates and unknown dates are accepted.
    check_next(history, Step(R.CLOSED, "2022-02", ground="no_crime"))
    check_next(history, Step(R.CLOSED, "", ground="no_crime"))


def test_a_correction_takes_the_place_of_the_entry_it_corrects():
    history = [
        Step(R.INVESTIGATION_OPENED, "2022-02", key="a"),
        Step(R.CLOSED, "2022-11", key="b", ground="amnesty"),
    ]
    fix = Step(R.CLOSED, "2022-11", key="c", ground="no_crime", corrects="b")
    summary = check_next(history, fix)
    assert summary.closure_ground == "no_crime"
    assert [s.key for s in effective([*history, fix])] == ["a", "c"]


def test_a_retraction_removes_an_entry_and_the_rest_must_still_make_sense():
    history = [
        Step(R.INVESTIGATION_OPENED, key="a"),
        Step(R.CLOSED, key="b", ground="no_crime"),
        Step(R.REOPENED, key="c"),
    ]
    # Retracting the closure would leave "reopened" after "investigation opened": refused.
    with pytest.raises(Conflict) as raised:
        check_next(history, Step(R.RETRACTED, key="d", corrects="b"))
    assert "“reopened” cannot follow the current status “investigating”" in raised.value.message
    # Retracting the reopening is fine: the case is closed again.
    assert check_next(history, Step(R.RETRACTED, key="d", corrects="c")).status == Status.CLOSED


def test_corrections_of_corrections_and_unknown_targets():
    history = [Step(R.REFUSED, key="a"), Step(R.REGISTERED, key="b", corrects="a")]
    assert derive_status(history) == Status.REGISTERED
    history.append(Step(R.INVESTIGATION_OPENED, key="c", corrects="b"))
    assert derive_status(history) == Status.INVESTIGATING
    with pytest.raises(ValidationFailed) as raised:
        check_next(history, Step(R.CLOSED, key="d", corrects="zzz", ground="no_crime"))
    assert raised.value.code == "unknown_entry"
    with pytest.raises(ValidationFailed) as raised:
        check_next(history, Step(R.RETRACTED, key="d"))
    assert raised.value.code == "retraction_without_target"


def test_allowed_next_names_what_the_form_offers():
    assert allowed_next([]) == (
        R.REGISTERED, R.REFUSED, R.INVESTIGATION_OPENED, R.SENT_TO_COURT)
    assert allowed_next(PATHS[Status.CLOSED]) == (R.REOPENED, R.APPEAL)
    assert allowed_next(PATHS[Status.ON_APPEAL]) == (R.HEARING, R.APPEAL_DECIDED)
