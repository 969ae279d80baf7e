"""The record_sources provider: the capture-history table of people cited by chosen sources."""

from __future__ import annotations

import pytest

from qantar.core.errors import NotFound, PermissionDenied, ValidationFailed
from qantar.estimation import services, sources
from qantar.estimation.models import EstimationRun
from qantar.records import services as records
from tests.fixtures.factories import make_collection, person_data


def source(gate, collection, title):
    return records.record_source(gate, collection, {"title": title, "source_type": "report",
                                                    "reliability": "B"})


def dead(gate, collection, sex, age=30, status="dead"):
    return records.record_person(gate, collection, person_data(sex=sex, age=age, status=status))


@pytest.fixture
def documented(gate, collection):
    """Three lists of the dead; who is on which is written next to each person."""
    volunteers = source(gate, collection, "Volunteers' list")
    hospital = source(gate, collection, "Hospital records")
    prosecutor = source(gate, collection, "Prosecutor's list")
    p1 = dead(gate, collection, "male")  # volunteers (person, twice), hospital (violation)
    records.cite(gate, volunteers, p1)
    records.cite(gate, volunteers, p1, field="age")
    shot = records.record_violation(gate, {"victim": p1.pk, "type": "killing"})
    records.cite(gate, hospital, shot)
    p2 = dead(gate, collection, "female", age=16)  # volunteers
    records.cite(gate, volunteers, p2)
    p3 = dead(gate, collection, "male", age=None)  # hospital, prosecutor (testimony)
    records.cite(gate, hospital, p3)
    account = records.record_testimony(gate, {"person": p3.pk, "text": "My brother was shot."})
    records.cite(gate, prosecutor, account)
    p4 = dead(gate, collection, "female")  # all three
    for each in (volunteers, hospital, prosecutor):
        records.cite(gate, each, p4)
    dead(gate, collection, "male")  # p5: documented, cited by none of the three
    alive = dead(gate, collection, "male", status="alive")  # filtered out by status
    records.cite(gate, volunteers, alive)
    refused = dead(gate, collection, "male")  # refused statistics: left out
    records.cite(gate, volunteers, refused)
    records.record_consent(gate, refused, "statistics", "refused", "written", "2022-03-01")
    deleted = dead(gate, collection, "female")  # deleted: does not count
    records.cite(gate, volunteers, deleted)
    records.delete_record(gate, deleted, "Entered twice")
    other = source(gate, collection, "Deleted source")
    records.cite(gate, other, p2)
    records.delete_record(gate, other, "Not a list")
    return {"volunteers": volunteers, "hospital": hospital, "prosecutor": prosecutor,
            "other": other}


def params(collection, documented, **extra):
    ids = [str(documented[name].pk) for name in ("volunteers", "hospital", "prosecutor")]
    return {"collection": str(collection.pk), "sources": ids, "status": "dead"} | extra


def test_the_table_counts_people_by_the_sources_that_cite_them(analyst_gate, collection,
                                                                documented):
    table = sources.provide("record_sources", analyst_gate, params(collection, documented))
    assert table.list_names == ("Volunteers' list", "Hospital records", "Prosecutor's list")
    assert table.rows == (((0, 1, 1), 1), ((1, 0, 0), 1), ((1, 1, 0), 1), ((1, 1, 1), 1))
    assert table.strata == {}
    assert table.summary == {"documented": 5, "on_a_chosen_list": 4, "on_no_chosen_list": 1,
                             "left_out_by_consent": 1}
    assert [(pattern, count) for pattern, count in table.tables().rows() if count] == [
        ((1, 0, 0), 1), ((1, 1, 0), 1), ((0, 1, 1), 1), ((1, 1, 1), 1)]


def test_without_a_status_filter_the_living_count_too(analyst_gate, collection, documented):
    table = sources.provide("record_sources", analyst_gate,
                            params(collection, documented, status=""))
    assert table.rows == (((0, 1, 1), 1), ((1, 0, 0), 2), ((1, 1, 0), 1), ((1, 1, 1), 1))


def test_only_victims_of_a_violation_type(analyst_gate, collection, documented):
    table = sources.provide("record_sources", analyst_gate,
                            params(collection, documented, violation_type="killing"))
    assert table.rows == (((1, 1, 0), 1),)
    assert table.summary["documented"] == 1


def test_strata_by_sex_and_by_age_group(analyst_gate, collection, documented):
    by_sex = sources.provide("record_sources", analyst_gate,
                             params(collection, documented, stratify_by="sex"))
    assert by_sex.stratum_field == "sex"
    assert by_sex.strata == {"female": (((1, 0, 0), 1), ((1, 1, 1), 1)),
                             "male": (((0, 1, 1), 1), ((1, 1, 0), 1))}
    by_age = sources.provide("record_sources", analyst_gate,
                             params(collection, documented, stratify_by="age_group"))
    assert by_age.strata == {"18_and_over": (((1, 1, 0), 1), ((1, 1, 1), 1)),
                             "under_18": (((1, 0, 0), 1),), "unknown": (((0, 1, 1), 1),)}


def test_sources_must_be_two_or_more_from_the_collection(analyst_gate, gate, collection,
                                                         documented):
    def refusal(**extra):
        with pytest.raises(ValidationFailed) as caught:
            sources.provide("record_sources", analyst_gate,
                            params(collection, documented, **extra))
        return caught.value.code, caught.value.field

    one = [str(documented["volunteers"].pk)]
    assert refusal(sources=one) == ("too_few_lists", "sources")
    assert refusal(sources=one * 3) == ("too_few_lists", "sources")
    deleted = one + [str(documented["other"].pk)]
    assert refusal(sources=deleted) == ("unknown_source", "sources")
    elsewhere = make_collection("Other NGO")
    foreign = source_in(elsewhere)
    assert refusal(sources=one + [str(foreign.pk)]) == ("unknown_source", "sources")
    assert refusal(sources=["not-an-id", *one]) == ("bad_id", "sources")
    assert refusal(stratify_by="region") == ("bad_choice", "stratify_by")


def source_in(collection):
    from qantar.accounts.choices import Role
    from qantar.common.access import Gate
    from tests.fixtures.factories import make_user, member

    editor = Gate.for_user(member(make_user(), collection, Role.DOCUMENTER))
    return source(editor, collection, "Another organisation's list")


def test_viewers_and_outsiders_get_no_table(viewer, outsider, collection, documented):
    from qantar.common.access import Gate

    with pytest.raises(PermissionDenied):
        sources.provide("record_sources", Gate.for_user(viewer), params(collection, documented))
    with pytest.raises(NotFound):
        sources.provide("record_sources", Gate.for_user(outsider),
                        params(collection, documented))


def test_too_little_overlap_in_records_gives_no_estimate_and_no_run(analyst_gate, collection,
                                                                     documented):
    two = [str(documented["volunteers"].pk), str(documented["prosecutor"].pk)]
    with pytest.raises(services.EstimateRefused) as caught:
        services.run_from_provider(analyst_gate, "record_sources",
                                   params(collection, documented, sources=two))
    assert (caught.value.code, caught.value.observed) == ("too_few_overlaps", 4)
    assert EstimationRun.objects.count() == 0


def test_a_run_from_records_keeps_the_provider_and_its_summary(analyst_gate, gate, collection,
                                                               documented):
    # Enough people for an estimate: 40 on volunteers only, 20 on both, 30 on hospital only...
    lists = [documented[name] for name in ("volunteers", "hospital", "prosecutor")]
    for pattern, count in (((1, 0, 0), 8), ((0, 1, 0), 6), ((1, 1, 0), 4), ((0, 0, 1), 5),
                           ((1, 0, 1), 3), ((0, 1, 1), 2)):
        for _ in range(count):
            person = dead(gate, collection, "male")
            for listed, on in zip(lists, pattern, strict=True):
                if on:
                    records.cite(gate, listed, person)
    run = services.run_from_provider(analyst_gate, "record_sources",
                                     params(collection, documented), "chapman", seed=4)
    assert run.origin == "provider" and run.provider == "record_sources"
    assert run.input_table["rows"] == [[1, 0, 0, 9], [0, 1, 0, 6], [1, 1, 0, 5], [0, 0, 1, 5],
                                       [1, 0, 1, 3], [0, 1, 1, 3], [1, 1, 1, 1]]
    assert run.provider_params["summary"] == {"documented": 33, "on_a_chosen_list": 32,
                                              "on_no_chosen_list": 1, "left_out_by_consent": 1}
    assert run.provider_params["sources"] == params(collection, documented)["sources"]
    assert run.result["observed"] == 32


def test_providers_can_be_registered():
    def fixed(gate, given):
        return sources.ProvidedTable(("A", "B"), (((1, 0), 3), ((0, 1), 2), ((1, 1), 1)))

    sources.register("test_fixed", "Fixed", fixed)
    try:
        assert [p.name for p in sources.providers()][-1] == "test_fixed"
        assert sources.provide("test_fixed", None, {}).tables().observed == 6
    finally:
        sources._PROVIDERS.pop("test_fixed")
    with pytest.raises(ValidationFailed) as caught:
        sources.provide("test_fixed", None, {})
    assert caught.value.code == "unknown_provider"
