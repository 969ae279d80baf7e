"""The demo data: every proceeding, outcome and figure of the seed reports, loaded twice."""

from __future__ import annotations

import pytest

from qantar.accounts.services import create_collection
from qantar.common.access import Gate
from qantar.justice import queries
from qantar.justice.demo import load_justice_demo
from qantar.justice.models import Complaint, DefendantOutcome, Proceeding, Remedy, ReportedFigure
from qantar.records import io
from qantar.records.demo.loader import read_seed_data
from qantar.records.io import key_to_id
from tests.fixtures.factories import make_user


@pytest.fixture
def demo(db):
    admin = make_user("demo-admin")
    bundle = read_seed_data()
    collection = create_collection(admin, bundle["collection"]["name"])
    gate = Gate.for_user(admin)
    io.import_bundle(gate, collection, bundle)
    first = load_justice_demo(gate, collection, bundle)
    return gate, collection, bundle, first


def _case(key):
    return Proceeding.objects.get(pk=key_to_id(key))


def _sentences(key):
    return [(o.outcome, o.sentence_kind, o.sentence_days, o.headcount)
            for o in DefendantOutcome.objects.filter(entry__proceeding=_case(key))
            .order_by("entry__seq")]


def test_demo_loads_every_proceeding_and_figure_once(demo):
    gate, collection, bundle, first = demo
    again = load_justice_demo(gate, collection, bundle)

    assert first == "Justice demo: 18 new cases, 1 new complaints, 34 new reported figures."
    assert again == "Justice demo: 0 new cases, 0 new complaints, 0 new reported figures."
    assert (Proceeding.objects.count(), Complaint.objects.count(),
            ReportedFigure.objects.count()) == (18, 1, 34)


def test_demo_outcomes_match_the_reports(demo):
    makhanbayev = _case("pr-makhanbayev-torture")
    assert (makhanbayev.status, makhanbayev.closure_ground) == ("closed", "not_stated")
    assert makhanbayev.violations.count() == 3
    for key in ("pr-abdrashev-charges", "pr-adilbekuly-charges"):
        case = _case(key)
        assert (case.status, case.closure_ground) == ("closed", "charges_dropped")
    assert sorted(Remedy.objects.filter(proceeding=_case("pr-abdrashev-charges"))
                  .values_list("kind", flat=True)) == ["apology", "charges_dropped"]
    assert _sentences("pr-akhmedyarov") == [("convicted", "administrative_detention", 10, 1)]
    assert _sentences("pr-nursapar") == [("convicted", "administrative_detention", 15, 1),
                                         ("convicted", "administrative_detention", 7, 1)]
    assert _case("pr-nursapar").status == "decided"
    assert _sentences("pr-shutov-admin") == [("convicted", "administrative_detention", 2, 1)]
    assert _sentences("pr-officials-two-trials") == [("convicted", "", None, 2)]
    assert _case("pr-officials-two-trials").parties.get().headcount == 8
    assert [a.short_code for a in _case("pr-sadyrbayeva").articles.all()] == ["CC 269",
                                                                                "CC 272"]
    assert [a.short_code for a in _case("pr-khaidarbekova").articles.all()] == [
        "CC 202", "CC 269", "CC 293", "CC 380"]
    assert [a.short_code for a in _case("pr-shamuratov").articles.all()] == ["CC 272"]
    assert _case("pr-sadyrbayeva").status == "investigating"
    implied = [h.entry.stage for h in queries.stage_history(_case("pr-akhmedyarov"))]
    assert implied == ["sent_to_court", "verdict"]


def test_demo_funnels(demo):
    gate = demo[0]
    officials = queries.officials_funnel(gate, {})
    prosecutions = queries.prosecutions_funnel(gate, {})
    assert {row.stage: row.count for row in officials.rows} == {
        "documented": 88, "complaints": 1, "investigations": 2, "closed": 1,
        "sent_to_court": 2, "convictions": 1}
    assert officials.row("convictions").people == 2
    assert [str(f.value) for f in officials.row("complaints").figures] == ["363.00"]
    assert {row.stage: row.count for row in prosecutions.rows} == {
        "documented": 14, "investigations": 8, "closed": 2, "sent_to_court": 5,
        "convictions": 5, "acquittals": 0, "charges_dropped": 0, "amnestied": 0}
