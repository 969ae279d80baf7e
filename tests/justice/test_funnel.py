"""The funnels and the monitoring aggregates equal counts computed here, independently, from
the same records (stage histories replayed by the state machine, not the cached columns)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from qantar.accounts.choices import Role
from qantar.common.access import Gate
from qantar.core.justice import Stage, Step, replay
from qantar.justice import queries
from qantar.justice import services as justice
from qantar.justice.models import (
    Complaint,
    DefendantOutcome,
    IndicatorAnswer,
    MonitoringReport,
    Proceeding,
    StageEntry,
)
from qantar.records import services as records
from qantar.records.models import Violation
from tests.fixtures.factories import make_user, member, person_data
from tests.justice.conftest import case_data, complaint_data

OFFICIAL_PATHS = [
    [],
    [{"stage": "registered"}],
    [{"stage": "refused"}],
    [{"stage": "investigation_opened"}],
    [{"stage": "investigation_opened"}, {"stage": "closed", "ground": "no_evidence"}],
    [{"stage": "investigation_opened"}, {"stage": "closed", "ground": "amnesty"}],
    [{"stage": "investigation_opened"}, {"stage": "closed", "ground": "no_evidence"},
     {"stage": "reopened"}],
    [{"stage": "investigation_opened"}, {"stage": "sent_to_court"}],
    [{"stage": "investigation_opened"}, {"stage": "sent_to_court"}, "convict"],
    [{"stage": "investigation_opened"}, {"stage": "sent_to_court"}, "acquit"],
]


@pytest.fixture
def world(gate, lawyer_gate, collection):
    """A small random world: places, agencies, violations, complaints, cases, hearings."""
    rng = random.Random(2022)
    country = records.create_place(gate, {"name": "Kazakhstan", "kind": "country"})
    regions = [records.create_place(gate, {"name": name, "kind": "region",
                                           "parent": country.pk})
               for name in ("Almaty region", "Atyrau region")]
    cities = [records.create_place(gate, {"name": f"City {i}", "kind": "city",
                                          "parent": regions[i % 2].pk}) for i in range(4)]
    agencies = [records.create_organisation(gate, {"name": code.upper(), "kind": "agency",
                                                   "agency": code})
                for code in ("knb", "police")]
    people = [records.record_person(gate, collection, person_data(
        names=[{"value": f"Victim {i}"}])) for i in range(8)]
    violations = []
    for i in range(36):
        violations.append(records.record_violation(gate, {
            "victim": rng.choice(people).pk,
            "type": rng.choice(["torture", "killing", "arbitrary_detention"]),
            "date": rng.choice(["2022-01-05", "2022-01-08/2022-01-12", "2022-02", "2022"]),
            "place": rng.choice(cities).pk,
            "involvements": [{"organisation": rng.choice(agencies).pk, "degree": "direct"}]
            if i % 5 else []}))
    for _ in range(14):
        victim = rng.choice(people)
        own = [v.pk for v in violations if v.victim_id == victim.pk]
        justice.record_complaint(lawyer_gate, collection, complaint_data(
            person=victim.pk, violations=rng.sample(own, min(len(own), rng.randint(0, 2)))))
    cases = []
    for i in range(24):
        path = OFFICIAL_PATHS[i % len(OFFICIAL_PATHS)]
        against = "officials" if i % 3 else rng.choice(["victim", "activist", "journalist"])
        case = justice.open_proceeding(lawyer_gate, collection, case_data(
            against=against, place=rng.choice(cities + [None]) and rng.choice(cities).pk,
            authority=rng.choice(agencies).pk,
            violations=rng.sample([v.pk for v in violations], rng.randint(0, 3))))
        _walk(lawyer_gate, case, path, rng)
        cases.append(case)
    _monitor(lawyer_gate, cases, rng)
    return {"regions": regions, "cities": cities, "cases": cases}


def _walk(gate, case, path, rng):
    group = case.parties.get()
    for step in path:
        if step == "convict":
            step = {"stage": "verdict", "outcomes": [
                {"party": group.pk, "outcome": "convicted", "headcount": rng.randint(1, 2),
                 "is_amnestied": rng.random() < 0.5}]}
        elif step == "acquit":
            step = {"stage": "verdict", "outcomes": [{"party": group.pk,
                                                      "outcome": "acquitted", "headcount": 3}]}
        justice.record_stage(gate, case, step)


def _monitor(gate, cases, rng):
    codes = [i.code for i in queries.indicators()]
    for case in cases[:6]:
        for day in range(rng.randint(1, 3)):
            justice.record_hearing_report(gate, case, {
                "held_on": f"2022-03-{day + 1:02d}", "judge": "Judge X",
                "openness": rng.choice(["public", "closed", "partly"]),
                "answers": {code: rng.choice(["yes", "no", "unclear", "not_applicable", ""])
                            for code in codes}})


# --- independent counting ------------------------------------------------------------------------


def _summary(case: Proceeding):
    entries = list(StageEntry.objects.filter(proceeding=case).order_by("seq"))
    return replay([Step(Stage(e.stage), e.date, str(e.pk), e.ground, None,
                        str(e.corrects_id or "")) for e in entries])


def _people(case: Proceeding, outcome: str, amnestied: bool = False) -> int:
    return sum(o.headcount for o in DefendantOutcome.objects.filter(
        entry__proceeding=case, outcome=outcome)
        if o.is_amnestied or not amnestied)


def _matches(violation: Violation, filters: dict[str, Any]) -> bool:
    if filters.get("type") and violation.type.code != filters["type"]:
        return False
    if filters.get("place"):
        lineage = {p.pk for p in violation.place.lineage()} if violation.place else set()
        if filters["place"] not in lineage:
            return False
    if filters.get("agency") and filters["agency"] not in {
            i.organisation.agency.code for i in violation.involvements.all() if i.organisation}:
        return False
    if filters.get("date_from") and str(violation.date_latest) < filters["date_from"]:
        return False
    return True


def _expected_officials(filters: dict[str, Any]) -> dict[str, Any]:
    chosen = [v for v in Violation.objects.all() if _matches(v, filters)]
    ids = {v.pk for v in chosen}
    filtered = bool(filters)
    complaints = [c for c in Complaint.objects.all()
                  if not filtered or ids & {v.pk for v in c.violations.all()}]
    cases = [p for p in Proceeding.objects.filter(against="officials")
             if not filtered or ids & {v.pk for v in p.violations.all()}]
    summaries = {p.pk: _summary(p) for p in cases}
    convicted = {p.pk: _people(p, "convicted") for p in cases}
    count = {
        "documented": len(chosen), "complaints": len(complaints),
        "investigations": sum(s.was_investigated for s in summaries.values()),
        "closed": sum(s.status == "closed" for s in summaries.values()),
        "sent_to_court": sum(s.was_sent_to_court for s in summaries.values()),
        "convictions": sum(n > 0 for n in convicted.values()),
    }
    all_cases = {p.pk: (p, _summary(p), _people(p, "convicted"))
                 for p in Proceeding.objects.filter(against="officials")}

    def reached(violation, test):
        return any(test(*all_cases[p.pk]) for p in violation.proceedings.all()
                   if p.pk in all_cases)

    reach = {
        "documented": len(chosen),
        "complaints": sum(v.complaints.exists() for v in chosen),
        "investigations": sum(reached(v, lambda p, s, n: s.was_investigated) for v in chosen),
        "closed": sum(reached(v, lambda p, s, n: s.status == "closed") for v in chosen),
        "sent_to_court": sum(reached(v, lambda p, s, n: s.was_sent_to_court) for v in chosen),
        "convictions": sum(reached(v, lambda p, s, n: n > 0) for v in chosen),
    }
    grounds = Counter(s.closure_ground for s in summaries.values() if s.status == "closed")
    return {"count": count, "reach": reach, "people": sum(convicted.values()),
            "grounds": grounds}


FILTERS = [{}, {"type": "torture"}, {"agency": "knb"}, {"date_from": "2022-02-01"},
           {"type": "killing", "agency": "police"}]


@pytest.mark.parametrize("filters", FILTERS)
def test_officials_funnel_equals_independent_counts(world, lawyer_gate, filters):
    result = queries.officials_funnel(lawyer_gate, filters)
    expected = _expected_officials(filters)

    assert {row.stage: row.count for row in result.rows} == expected["count"]
    assert {row.stage: row.violations for row in result.rows} == expected["reach"]
    assert result.row("convictions").people == expected["people"]
    assert sorted(n for _label, n in result.row("closed").breakdown) == sorted(
        expected["grounds"].values())
    if not filters:  # the world is rich enough for every row to mean something
        assert all(value > 0 for value in expected["count"].values()), expected
        assert all(value > 0 for value in expected["reach"].values()), expected
    assert result.row("complaints").of_documented == (
        expected["reach"]["complaints"] / expected["reach"]["documented"]
        if expected["reach"]["documented"] else None)


def test_region_filter_includes_places_inside_the_region(world, lawyer_gate):
    region = world["regions"][0]
    result = queries.officials_funnel(lawyer_gate, {"place": region.pk})
    expected = _expected_officials({"place": region.pk})
    assert result.row("documented").count == expected["count"]["documented"] > 0
    assert {row.stage: row.count for row in result.rows} == expected["count"]


def test_unlinked_records_are_reported_when_nothing_is_filtered(world, lawyer_gate):
    result = queries.officials_funnel(lawyer_gate, {})
    assert result.unlinked_complaints == sum(
        not c.violations.exists() for c in Complaint.objects.all())
    assert result.unlinked_proceedings == sum(
        not p.violations.exists() for p in Proceeding.objects.filter(against="officials"))


@pytest.mark.parametrize("filters", [{}, {"type": "torture"}])
def test_prosecutions_funnel_equals_independent_counts(world, lawyer_gate, filters):
    cases = [p for p in Proceeding.objects.exclude(against="officials")
             if not filters or p.violations.filter(type__code=filters["type"]).exists()]
    summaries = [_summary(p) for p in cases]
    result = queries.prosecutions_funnel(lawyer_gate, filters)

    assert {row.stage: row.count for row in result.rows} == {
        "documented": len(cases),
        "investigations": sum(s.was_investigated for s in summaries),
        "closed": sum(s.status == "closed" for s in summaries),
        "sent_to_court": sum(s.was_sent_to_court for s in summaries),
        "convictions": sum(_people(p, "convicted") for p in cases),
        "acquittals": sum(_people(p, "acquitted") for p in cases),
        "charges_dropped": sum(_people(p, "case_dropped") for p in cases),
        "amnestied": sum(_people(p, "convicted", amnestied=True) for p in cases),
    }


def test_funnel_shows_official_figures_beside_never_mixed(world, lawyer_gate, collection):
    justice.record_figure(lawyer_gate, collection, {
        "indicator": "complaints_unlawful_treatment", "value": 363,
        "as_of": "~2022-02-15", "publisher": "Prosecutor General's Office",
        "funnel": "officials", "stage": "complaints"})
    justice.record_figure(lawyer_gate, collection, {
        "indicator": "investigations_opened", "value": 178, "as_of": "~2022-02-15",
        "publisher": "Prosecutor General's Office", "funnel": "officials",
        "stage": "investigations"})
    before = _expected_officials({})
    result = queries.officials_funnel(lawyer_gate, {})
    assert [str(f.value) for f in result.row("complaints").figures] == ["363.00"]
    assert [str(f.value) for f in result.row("investigations").figures] == ["178.00"]
    assert result.row("complaints").count == before["count"]["complaints"]


def test_bad_figures_are_refused(lawyer_gate, collection):
    for data, field, code in [
        ({"value": ""}, "value", "required"),
        ({"value": "many"}, "value", "invalid_number"),
        ({"value": 120, "unit": "percent"}, "value", "invalid_number"),
        ({"as_of": ""}, "as_of", "required"),
        ({"funnel": "officials"}, "stage", "stage_needs_funnel"),
        ({"indicator": "Complaints received"}, "indicator", "invalid_code"),
    ]:
        with pytest.raises(Exception) as raised:
            justice.record_figure(lawyer_gate, collection, {
                "indicator": "x", "value": 1, "as_of": "2022", "publisher": "GPO"} | data)
        assert (raised.value.field, raised.value.code) == (field, code)
    assert queries.figures(lawyer_gate).count() == 0


def test_monitoring_summary_equals_independent_counts(world, lawyer_gate):
    summary = queries.monitoring_summary(lawyer_gate)
    reports = list(MonitoringReport.objects.all())

    assert summary.trials == len({r.proceeding_id for r in reports})
    assert summary.hearings == len(reports)
    assert summary.openness == dict(Counter(r.openness for r in reports))
    for row in summary.rows:
        answers = list(IndicatorAnswer.objects.filter(indicator=row.indicator))
        bad = [a for a in answers if row.indicator.violation_answer
               and a.answer == row.indicator.violation_answer]
        assert row.answered == sum(a.answer in {"yes", "no"} for a in answers)
        assert row.violations == len(bad)
        assert row.trials == len({a.report.proceeding_id for a in bad})
    informational = next(r for r in summary.rows if r.indicator.code == "torture_raised")
    assert informational.violations == 0


def test_statistics_need_the_statistics_capability(world, collection):
    viewer = member(make_user("viewer"), collection, Role.VIEWER)
    result = queries.officials_funnel(Gate.for_user(viewer), {})
    assert [row.count for row in result.rows] == [0, 0, 0, 0, 0, 0]
    assert queries.monitoring_summary(Gate.for_user(viewer)).hearings == 0
