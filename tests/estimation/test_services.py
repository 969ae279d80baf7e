"""Runs are stored with their input hash, parameters, seed and result, and reproduce exactly."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from qantar.audit.models import AuditEntry
from qantar.core.errors import IntegrityFailure, NotFound, PermissionDenied, ValidationFailed
from qantar.core.estimation import METHODS, Method, Options, from_csv_text, strata_from_csv_text
from qantar.estimation import explain, io, services
from qantar.estimation.choices import MethodChoice
from qantar.estimation.models import EstimationRun, Reproduction
from tests.estimation.conftest import DOCS_CSV, DOCS_ROWS

FAST = Options(bootstrap_replicates=100)


def docs_digest() -> str:
    canonical = json.dumps({"strata": {}, "table": {"lists": ["Volunteers", "Hospital",
                                                             "Prosecutor"],
                                                   "rows": DOCS_ROWS, "warnings": []}},
                           sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_a_run_is_stored_with_hash_seed_parameters_and_result(analyst_gate, collection):
    run = services.run_estimation(analyst_gate, collection, from_csv_text(DOCS_CSV),
                                  "loglinear-bic", seed=7, title="Deaths, January 2022")
    run = EstimationRun.objects.get(pk=run.pk)
    assert run.input_table == {"lists": ["Volunteers", "Hospital", "Prosecutor"],
                               "rows": DOCS_ROWS, "warnings": []}
    assert run.input_sha256 == docs_digest()
    assert run.seed == 7
    assert run.level == 0.95
    assert run.method == "loglinear-bic"
    assert run.parameters == json.loads(json.dumps(dataclasses.asdict(Options())))
    assert run.strata == {}
    assert run.origin == "pasted"
    assert run.created_by == analyst_gate.user
    assert run.code_version.startswith("qantar ")
    assert run.result["observed"] == 119
    assert round(run.result["estimate"], 1) == 214.9
    assert run.result["model"] == "[Volunteers, Hospital, Prosecutor]"
    assert run.result["draws"] == len(run.draws) == 500
    assert run.result["interval"][0] < run.result["estimate"] < run.result["interval"][1]
    entry = AuditEntry.objects.filter(object_id=str(run.pk)).get()
    assert (entry.action, entry.details["input_sha256"], entry.details["seed"]) == (
        "create", docs_digest(), 7)


def test_reproduce_gives_the_identical_result(analyst_gate, collection):
    run = services.run_estimation(analyst_gate, collection, from_csv_text(DOCS_CSV),
                                  "stepwise", seed=3, options=FAST)
    stored = EstimationRun.objects.get(pk=run.pk)
    reproduction = services.reproduce(analyst_gate, stored)
    assert (reproduction.is_identical, reproduction.differences) == (True, [])
    assert reproduction.code_version == stored.code_version
    again = services.compute(io.table_from_json(stored.input_table), {}, Method.STEPWISE, 3,
                             0.95, services.options_from(stored.parameters))
    assert again.result == stored.result
    assert again.draws == stored.draws


def test_the_same_counts_in_another_order_have_the_same_hash(analyst_gate, collection):
    lines = DOCS_CSV.strip().split("\n")
    shuffled = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    first = services.run_estimation(analyst_gate, collection, from_csv_text(DOCS_CSV),
                                    "chapman")
    second = services.run_estimation(analyst_gate, collection, from_csv_text(shuffled),
                                     "chapman")
    assert first.input_sha256 == second.input_sha256 == docs_digest()


def test_a_changed_result_is_not_reproduced_and_the_attempt_is_kept(analyst_gate, collection):
    run = services.run_estimation(analyst_gate, collection, from_csv_text(DOCS_CSV),
                                  "loglinear-bic", seed=1, options=FAST)
    altered = dict(run.result) | {"estimate": 180.0}
    EstimationRun.objects.filter(pk=run.pk).update(result=altered)
    with pytest.raises(IntegrityFailure) as caught:
        services.reproduce(analyst_gate, EstimationRun.objects.get(pk=run.pk))
    assert caught.value.code == "not_reproduced"
    assert "different: estimate." in caught.value.message
    kept = Reproduction.objects.get(run=run)
    assert (kept.is_identical, kept.differences) == (False, ["estimate"])


GUARD_RAILS = [
    ("too_few_lists", "dga", "A,B,count\n1,0,40\n0,1,30\n1,1,10\n"),
    ("too_few_overlaps", "loglinear-bic",
     "A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,2\n"),
    ("list_contains_everyone", "loglinear-bic",
     "A,B,C,count\n1,0,0,40\n1,1,0,30\n1,0,1,20\n1,1,1,5\n"),
    ("empty_list", "loglinear-bic", "A,B,C,count\n1,0,0,40\n0,1,0,30\n1,1,0,20\n"),
]


@pytest.mark.parametrize(("code", "method", "text"), GUARD_RAILS)
def test_a_guard_rail_refuses_with_the_reason_and_stores_nothing(analyst_gate, collection, code,
                                                                 method, text):
    runs, entries = EstimationRun.objects.count(), AuditEntry.objects.count()
    with pytest.raises(services.EstimateRefused) as caught:
        services.run_estimation(analyst_gate, collection, from_csv_text(text), method)
    assert caught.value.code == code
    assert caught.value.observed == from_csv_text(text).observed
    assert (EstimationRun.objects.count(), AuditEntry.objects.count()) == (runs, entries)


def test_a_stratum_that_cannot_be_estimated_is_named(analyst_gate, collection):
    text = ("A,B,C,region,count\n1,0,0,north,40\n0,1,0,north,30\n1,1,0,north,12\n"
            "0,0,1,north,20\n1,0,1,north,8\n0,1,1,north,6\n1,1,1,north,3\n"
            "1,0,0,south,5\n1,1,0,south,1\n")
    with pytest.raises(services.EstimateRefused) as caught:
        services.run_estimation(analyst_gate, collection, strata_from_csv_text(text, "region"))
    assert caught.value.message.startswith("Stratum 'south':")
    assert EstimationRun.objects.count() == 0


def test_strata_are_stored_and_add_up(analyst_gate, collection):
    text = "".join(
        f"{line.rsplit(',', 1)[0]},{region},{line.rsplit(',', 1)[1]}\n"
        for region in ("north", "south") for line in DOCS_CSV.strip().split("\n")[1:])
    strata = strata_from_csv_text("Volunteers,Hospital,Prosecutor,region,count\n" + text,
                                  "region")
    run = services.run_estimation(analyst_gate, collection, strata, "loglinear-bic", seed=2,
                                  stratum_field="region", options=FAST)
    assert sorted(run.strata) == ["north", "south"]
    assert run.strata["north"]["rows"] == DOCS_ROWS
    assert run.input_table["rows"] == [[*row[:-1], 2 * row[-1]] for row in DOCS_ROWS]
    parts = run.result["strata"]
    assert run.result["observed"] == 238
    assert run.result["estimate"] == pytest.approx(parts["north"]["estimate"]
                                                   + parts["south"]["estimate"])
    assert services.reproduce(analyst_gate, EstimationRun.objects.get(pk=run.pk)).is_identical
    assert io.input_as_csv(run.input_table, run.strata, run.stratum_field).split("\n")[:3] == [
        "Volunteers,Hospital,Prosecutor,region,count", "1,0,0,north,40", "0,1,0,north,30"]


def test_viewers_and_outsiders_cannot_run(viewer, outsider, collection):
    from qantar.common.access import Gate

    table = from_csv_text(DOCS_CSV)
    with pytest.raises(PermissionDenied):
        services.run_estimation(Gate.for_user(viewer), collection, table, "chapman")
    with pytest.raises(NotFound):
        services.run_estimation(Gate.for_user(outsider), collection, table, "chapman")
    assert EstimationRun.objects.count() == 0


@pytest.mark.parametrize("seed", [-1, 2**31, "7", True])
def test_a_bad_seed_is_refused(analyst_gate, collection, seed):
    with pytest.raises(ValidationFailed) as caught:
        services.run_estimation(analyst_gate, collection, from_csv_text(DOCS_CSV), "chapman",
                                seed=seed)
    assert (caught.value.code, caught.value.field) == ("bad_seed", "seed")


def test_run_again_keeps_the_input_and_seed_with_another_method(analyst_gate, collection):
    run = services.run_estimation(analyst_gate, collection, from_csv_text(DOCS_CSV),
                                  "loglinear-bic", seed=9, options=FAST)
    again = services.run_again(analyst_gate, run, "dga")
    assert (again.method, again.seed, again.input_sha256, again.parameters) == (
        "dga", 9, run.input_sha256, run.parameters)


def test_every_method_has_a_label_and_an_expected_time():
    assert set(MethodChoice.values) == {m.value for m in Method}
    assert set(explain.EXPECTED_TIME) == set(Method) == set(METHODS)


def test_the_explanation_names_the_floor_the_interval_and_the_assumptions(analyst_gate,
                                                                           collection):
    run = services.run_estimation(analyst_gate, collection, from_csv_text(DOCS_CSV),
                                  "loglinear-bic", seed=7)
    low, high = run.result["interval"]
    text = explain.explain(run.result, Method.LOGLINEAR_BIC, 3)
    assert text.summary == (
        "We documented 119 people on at least one of 3 lists. Using multiple systems "
        "estimation (Log-linear models chosen by BIC) we estimate the total at 215 "
        f"(95% interval {low:,.0f} to {high:,.0f}).")
    assert text.interval.startswith("The interval comes from repeating the whole procedure, "
                                    "including the choice of model, on 500 resampled tables.")
    assert [a.split(":")[0] for a in text.assumptions[:2]] == ["Matching", "One population"]
    assert len(text.assumptions) == 4
