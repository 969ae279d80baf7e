"""Complaints, proceedings, stages, remedies and deadlines through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry, Revision
from qantar.common.access import Gate
from qantar.core.errors import (
    Conflict,
    IntegrityFailure,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from qantar.justice import queries
from qantar.justice import services as justice
from qantar.justice.models import (
    Complaint,
    Deadline,
    DefendantOutcome,
    Party,
    Proceeding,
    Remedy,
    StageEntry,
)
from qantar.records import services as records
from tests.fixtures.factories import make_collection, make_user, member, person_data
from tests.justice.conftest import case_data, complaint_data


def _stages(gate, case, *steps):
    for step in steps:
        justice.record_stage(gate, case, step)
    case.refresh_from_db()
    return case


def test_lawyer_records_a_complaint_sealed_and_audited(lawyer_gate, collection, person,
                                                       violation):
    complaint = justice.record_complaint(lawyer_gate, collection, complaint_data(
        person=person.pk, violations=[violation.pk]))

    assert complaint.key_id == person.key_id
    assert (complaint.filed_on, str(complaint.filed_earliest)) == ("2022-01-20", "2022-01-20")
    assert [v.pk for v in complaint.violations.all()] == [violation.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT filer_name, reference FROM justice_complaint")
        stored = b"".join(bytes(value) for value in cursor.fetchone())
    assert b"Aidarkhanova" not in stored and b"ZH-2022" not in stored
    assert [e.action for e in AuditEntry.objects.filter(object_id=str(complaint.pk))] == [
        "create"]


def test_recording_the_answer_keeps_the_old_values(lawyer_gate, collection, person):
    complaint = justice.record_complaint(lawyer_gate, collection,
                                         complaint_data(person=person.pk))
    justice.update_complaint(lawyer_gate, complaint, complaint_data(
        response="refused", response_on="2022-03-02", response_text="No grounds."),
        reason="Answer received")

    revisions = list(Revision.objects.filter(object_id=complaint.pk).order_by("at"))
    assert [r.action for r in revisions] == ["create", "update"]
    assert revisions[1].reason == "Answer received"
    assert '"response": ["awaiting", "refused"]' in revisions[1].changes


def test_bad_complaints_are_refused_and_save_nothing(lawyer_gate, gate, collection, person,
                                                     violation):
    other = records.record_person(gate, collection, person_data(names=[{"value": "Sayat"}]))
    cases = [
        ({"filed_on": ""}, "filed_on", "required"),
        ({"filed_on": "2022-02-30"}, "filed_on", "impossible_date"),
        ({"filed_by": "cousin"}, "filed_by", "invalid_choice"),
        ({"authority_kind": "king"}, "authority_kind", "invalid_choice"),
        ({"response_on": "2022-03"}, "response", "response_required"),
        ({"person": other.pk, "violations": [violation.pk]}, "violations", "other_victim"),
        ({"violations": ["not-a-uuid"]}, "violations", "unknown_reference"),
    ]
    for override, field, code in cases:
        with pytest.raises(ValidationFailed) as raised:
            justice.record_complaint(lawyer_gate, collection, complaint_data(**override))
        assert (raised.value.field, raised.value.code) == (field, code)
    assert Complaint.all_objects.count() == 0


def test_open_a_case_on_a_complaint(lawyer_gate, collection, person, violation):
    complaint = justice.record_complaint(lawyer_gate, collection,
                                         complaint_data(person=person.pk))
    case = justice.open_proceeding(lawyer_gate, collection, case_data(
        person=person.pk, violations=[violation.pk], complaints=[complaint.pk]))

    complaint.refresh_from_db()
    assert complaint.proceeding_id == case.pk
    assert case.status == "not_started"
    assert [a.short_code for a in case.articles.all()] == ["CC 146"]
    party = case.parties.get()
    assert (party.name, party.headcount, party.is_official) == (
        "Unidentified KNB officers", 3, True)
    assert queries.allowed_stages(case) == ("registered", "refused", "investigation_opened",
                                            "sent_to_court")


def test_stage_history_derives_the_status_and_refuses_a_verdict_on_a_closed_case(
        lawyer_gate, collection, person, violation):
    case = justice.open_proceeding(lawyer_gate, collection, case_data(person=person.pk))
    _stages(lawyer_gate, case,
            {"stage": "registered", "date": "2022-01-21"},
            {"stage": "investigation_opened", "date": "2022-01-25", "note": "By the GPO."},
            {"stage": "closed", "date": "2022-11", "ground": "no_evidence"})
    assert (case.status, case.closure_ground, case.was_investigated) == (
        "closed", "no_evidence", True)
    assert case.started_on == "2022-01-21"

    defendant = case.parties.get()
    with pytest.raises(Conflict) as raised:
        justice.record_stage(lawyer_gate, case, {
            "stage": "verdict", "date": "2023-01",
            "outcomes": [{"party": defendant.pk, "outcome": "convicted"}]})
    assert raised.value.message == (
        "“verdict” cannot follow the current status “closed”. Allowed next: reopened, appeal.")
    assert StageEntry.objects.filter(proceeding=case).count() == 3
    assert DefendantOutcome.objects.count() == 0
    case.refresh_from_db()
    assert case.status == "closed"


def test_a_full_trial_with_appeal_counts_people_by_their_latest_outcome(
        lawyer_gate, collection, person):
    case = justice.open_proceeding(lawyer_gate, collection, case_data(person=person.pk))
    group = case.parties.get()
    _stages(lawyer_gate, case,
            {"stage": "investigation_opened", "date": "2022-02"},
            {"stage": "requalified", "date": "2022-05", "articles": ["kz-cc-362"]},
            {"stage": "sent_to_court", "date": "2022-10"},
            {"stage": "hearing", "date": "2022-11-02"},
            {"stage": "verdict", "date": "2022-12-20", "outcomes": [
                {"party": group.pk, "outcome": "convicted", "headcount": 2,
                 "sentence_kind": "imprisonment", "sentence_days": 1825},
                {"party": group.pk, "outcome": "acquitted", "headcount": 1}]},
            {"stage": "appeal", "date": "2023-01-05"},
            {"stage": "appeal_decided", "date": "2023-02", "result": "changed", "outcomes": [
                {"party": group.pk, "outcome": "convicted", "headcount": 1,
                 "sentence_kind": "suspended", "is_amnestied": True},
                {"party": group.pk, "outcome": "acquitted", "headcount": 2}]},
            {"stage": "final", "date": "2023-02"})

    assert (case.status, case.was_sent_to_court) == ("final", True)
    assert (case.convicted_count, case.acquitted_count, case.amnestied_count) == (1, 2, 1)
    assert [a.short_code for a in queries.current_articles(case)] == ["CC 362"]
    assert [e.entry.seq for e in queries.stage_history(case)] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_verdict_outcomes_are_checked(lawyer_gate, collection, person):
    case = justice.open_proceeding(lawyer_gate, collection, case_data(
        person=person.pk, procedure="administrative", against="journalist",
        articles=["kz-cao-488"], parties=[{"role": "defendant", "person": person.pk},
                                          {"role": "victim", "name": "Someone"}]))
    defendant, victim = case.parties.order_by("role")
    _stages(lawyer_gate, case, {"stage": "sent_to_court", "date": "2022-01-07"})
    cases = [
        ({"stage": "verdict", "outcomes": []}, "outcomes", "outcomes_required"),
        ({"stage": "verdict", "outcomes": [{"party": victim.pk, "outcome": "convicted"}]},
         "outcomes", "unknown_defendant"),
        ({"stage": "verdict", "outcomes": [{"party": defendant.pk, "outcome": "convicted",
                                            "headcount": 2}]}, "outcomes", "too_many_people"),
        ({"stage": "hearing", "outcomes": [{"party": defendant.pk, "outcome": "convicted"}]},
         "outcomes", "outcomes_not_allowed"),
        ({"stage": "hearing", "ground": "amnesty"}, "ground", "ground_not_allowed"),
        ({"stage": "requalified"}, "articles", "articles_required"),
        ({"stage": "hearing", "articles": ["kz-cc-999"]}, "articles", "unknown_article"),
        ({"stage": "hearing", "date": "2021-12-31"}, "date", "date_before_previous"),
        ({"stage": "teleported"}, "stage", "invalid_choice"),
    ]
    for data, field, code in cases:
        with pytest.raises(ValidationFailed) as raised:
            justice.record_stage(lawyer_gate, case, data)
        assert (raised.value.field, raised.value.code) == (field, code), data
    assert StageEntry.objects.filter(proceeding=case).count() == 1
    justice.record_stage(lawyer_gate, case, {"stage": "verdict", "date": "2022-01-07",
                                             "outcomes": [{"party": defendant.pk,
                                                           "outcome": "convicted",
                                                           "sentence_kind":
                                                           "administrative_detention",
                                                           "sentence_days": 10}]})
    case.refresh_from_db()
    assert (case.status, case.convicted_count) == ("decided", 1)


def test_corrections_are_new_entries_and_history_is_never_rewritten(lawyer_gate, collection,
                                                                    person):
    case = justice.open_proceeding(lawyer_gate, collection, case_data(person=person.pk))
    opened = justice.record_stage(lawyer_gate, case, {"stage": "investigation_opened"})
    wrong = justice.record_stage(lawyer_gate, case, {"stage": "closed", "ground": "amnesty"})
    fix = justice.record_stage(lawyer_gate, case, {"stage": "closed", "ground": "no_evidence",
                                                   "corrects": wrong.pk,
                                                   "note": "The decision says no evidence."})
    case.refresh_from_db()
    assert (case.status, case.closure_ground) == ("closed", "no_evidence")
    history = queries.stage_history(case)
    assert [(h.entry.seq, h.is_in_force, h.corrected_by) for h in history] == [
        (1, True, []), (2, False, [3]), (3, True, [])]

    with pytest.raises(IntegrityFailure):
        wrong.note = "rewritten"
        wrong.save()
    with pytest.raises(IntegrityFailure):
        opened.delete()
    # Retracting the opening would leave a closure with nothing before it that allows it.
    with pytest.raises(Conflict):
        justice.record_stage(lawyer_gate, case, {"stage": "retracted", "corrects": opened.pk})
    assert StageEntry.objects.filter(proceeding=case).count() == 3
    assert fix.recorded_by.username == "ainara"


def test_every_stage_is_audited_with_status_and_no_text(lawyer_gate, collection, person):
    case = justice.open_proceeding(lawyer_gate, collection, case_data(person=person.pk))
    justice.record_stage(lawyer_gate, case, {"stage": "registered",
                                             "note": "secret-NOTE-4431"})

    entry = AuditEntry.objects.filter(object_id=str(case.pk), action="status_change").get()
    assert (entry.details["stage"], entry.details["status"], entry.actor_label) == (
        "registered", "registered", "ainara")
    assert "secret-NOTE" not in str([e.details for e in AuditEntry.objects.all()])


def test_remedies_and_their_checks(lawyer_gate, collection, person):
    case = justice.open_proceeding(lawyer_gate, collection, case_data(
        person=person.pk, against="victim",
        parties=[{"role": "defendant", "person": person.pk}]))
    party = case.parties.get()
    for data, field, code in [
        ({"kind": "compensation"}, "amount", "amount_required"),
        ({"kind": "apology", "amount": "100"}, "amount", "amount_not_allowed"),
        ({"kind": "bribe"}, "kind", "invalid_choice"),
        ({"kind": "apology", "party": "nope"}, "party", "unknown_party"),
    ]:
        with pytest.raises(ValidationFailed) as raised:
            justice.record_remedy(lawyer_gate, case, data)
        assert (raised.value.field, raised.value.code) == (field, code)
    assert Remedy.objects.count() == 0

    justice.record_remedy(lawyer_gate, case, {"kind": "charges_dropped", "party": party.pk})
    apology = justice.record_remedy(lawyer_gate, case, {
        "kind": "apology", "party": party.pk, "date": "~2023-06",
        "granted_by": "Almaty prosecutor's office"})
    paid = justice.record_remedy(lawyer_gate, case, {"kind": "compensation",
                                                     "amount": "1 500 000", "currency": "kzt"})
    assert (apology.key_id, apology.date) == (person.key_id, "~2023-06")
    assert (str(paid.amount), paid.currency) == ("1500000.00", "KZT")


def test_deadlines_per_lawyer_and_the_overdue_list(lawyer, lawyer_gate, collection, person,
                                                   documenter):
    case = justice.open_proceeding(lawyer_gate, collection, case_data(person=person.pk))
    today = date(2024, 3, 10)
    late = justice.set_deadline(lawyer_gate, case, {"kind": "appeal_window",
                                                    "due_on": "2024-03-01",
                                                    "note": "Appeal the closure."})
    justice.set_deadline(lawyer_gate, case, {"kind": "hearing", "due_on": "2024-03-20"})
    theirs = justice.set_deadline(lawyer_gate, case, {"kind": "response_due",
                                                      "due_on": "2024-02-01",
                                                      "lawyer": documenter.pk})

    mine = queries.deadlines(lawyer_gate, lawyer=lawyer, overdue_only=True, today=today)
    assert [d.pk for d in mine] == [late.pk]
    everyone = queries.deadlines(lawyer_gate, overdue_only=True, today=today)
    assert [d.pk for d in everyone] == [theirs.pk, late.pk]

    justice.complete_deadline(lawyer_gate, late)
    assert list(queries.deadlines(lawyer_gate, lawyer=lawyer, overdue_only=True,
                                  today=today)) == []
    with pytest.raises(Conflict):
        justice.complete_deadline(lawyer_gate, late)
    outsider = make_user("outsider")
    for data, field, code in [
        ({"kind": "hearing", "due_on": "2024-13-01"}, "due_on", "invalid_date"),
        ({"kind": "hearing", "due_on": "2024-03"}, "due_on", "invalid_date"),
        ({"kind": "hearing", "due_on": "2024-03-05", "lawyer": outsider.pk}, "lawyer",
         "not_a_lawyer"),
    ]:
        with pytest.raises(ValidationFailed) as raised:
            justice.set_deadline(lawyer_gate, case, data)
        assert (raised.value.field, raised.value.code) == (field, code)
    assert Deadline.objects.count() == 3
    assert today - timedelta(days=9) == late.due_on


def test_who_may_write_and_who_may_see(lawyer_gate, collection, person):
    case = justice.open_proceeding(lawyer_gate, collection, case_data(person=person.pk))

    viewer = member(make_user("viewer"), collection, Role.VIEWER)
    with pytest.raises(PermissionDenied):
        justice.record_stage(Gate.for_user(viewer), case, {"stage": "registered"})
    with pytest.raises(PermissionDenied):
        justice.record_complaint(Gate.for_user(viewer), collection, complaint_data())
    outsider = make_user("outsider")
    make_collection("Elsewhere", admin=outsider)
    outsider_gate = Gate.for_user(outsider)
    with pytest.raises(NotFound):
        queries.proceeding(outsider_gate, case.pk)
    with pytest.raises(NotFound):
        justice.record_stage(outsider_gate, case, {"stage": "registered"})
    with pytest.raises(ValidationFailed) as raised:
        justice.open_proceeding(outsider_gate, outsider_gate.collections()[0],
                                case_data(person=person.pk))
    assert raised.value.code == "unknown_reference"
    assert list(queries.proceedings(outsider_gate)) == []
    assert StageEntry.objects.count() == 0
    assert Proceeding.objects.count() == 1
    assert Party.objects.count() == 1


def test_lawyers_cannot_edit_victim_records_but_can_follow_their_cases(lawyer_gate, collection):
    with pytest.raises(PermissionDenied):
        records.record_person(lawyer_gate, collection, person_data())
