"""The public API: methods, reproducibility, guard rails, stratification."""

from __future__ import annotations

import pytest

from qantar.core.errors import ValidationFailed
from qantar.core.estimation import (
    DEFAULT_METHOD,
    METHODS,
    Method,
    Options,
    SamplerSettings,
    compare_methods,
    estimate,
    estimate_stratified,
    from_csv_text,
    from_rows,
)
from qantar.core.estimation.existence import ModelStatus, check_model, reduce
from qantar.core.estimation.loglinear import fit_batch
from qantar.core.estimation.models import all_models
from qantar.core.estimation.selection import fit_models
from tests.core.estimation.shared_tables import load

QUICK = Options(bootstrap_replicates=50,
                sampler=SamplerSettings(burn_in=500, samples=200, thinning=2))


def refusal(text: str, method: str = "loglinear-bic") -> str:
    with pytest.raises(ValidationFailed) as caught:
        estimate(from_csv_text(text), method, options=QUICK)
    return caught.value.code


def test_every_method_has_a_description_and_citation():
    assert set(METHODS) == set(Method)
    assert all(info.description and info.citation for info in METHODS.values())
    assert DEFAULT_METHOD is Method.LOGLINEAR_BIC


@pytest.mark.parametrize("method", list(Method))
def test_every_method_gives_an_ordered_interval_above_the_floor(method):
    result = estimate(load("hepatitis_a_taiwan_1995_3lists.csv"), method, options=QUICK)
    assert result.observed == 271
    assert result.interval[0] <= result.estimate <= result.interval[1]
    assert result.interval[0] >= 271
    assert result.method == method.value
    assert result.model


@pytest.mark.parametrize("method", ["loglinear-bic", "stepwise", "lcmcr"])
def test_same_seed_gives_the_same_result(method):
    table = load("korea_palembang_comfort_women_3lists.csv")
    first = estimate(table, method, seed=11, options=QUICK)
    again = estimate(table, method, seed=11, options=QUICK)
    assert first == again


def test_unknown_method_is_refused():
    assert refusal("A,B,C,count\n1,0,0,1\n", "magic") == "unknown_method"


def test_two_lists_are_too_few_for_dependence_models():
    assert refusal("A,B,count\n1,0,40\n0,1,30\n1,1,10\n", "lcmcr") == "too_few_lists"


def test_two_lists_allow_chapman():
    result = estimate(from_csv_text("A,B,count\n1,0,40\n0,1,30\n1,1,10\n"), "chapman")
    assert result.estimate == pytest.approx(51 * 41 / 11 - 1)


def test_lists_that_barely_overlap_give_no_estimate():
    assert refusal("A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,2\n") == \
        "too_few_overlaps"


def test_a_list_containing_everyone_gives_no_estimate():
    code = refusal("A,B,C,count\n1,0,0,40\n1,1,0,30\n1,0,1,20\n1,1,1,5\n")
    assert code == "list_contains_everyone"


def test_an_empty_list_gives_no_estimate():
    assert refusal("A,B,C,count\n1,0,0,40\n0,1,0,30\n1,1,0,20\n") == "empty_list"


def test_a_table_where_no_model_exists_gives_no_estimate():
    # Every pair of lists shares nobody except through the 3-list cell: the pairwise
    # overlaps all equal the triple overlap, so every interaction model breaks.
    table = from_rows(["A", "B", "C"], [((1, 0, 0), 5), ((0, 1, 0), 5), ((0, 0, 1), 5),
                                        ((1, 1, 1), 4)])
    fits = fit_models(table, all_models(3, 2))
    usable = {f.model.code() for f in fits if f.status is ModelStatus.OK}
    assert "[12,13,23]" not in usable


def test_compare_methods_reports_refusals_as_errors():
    table = from_csv_text("A,B,count\n1,0,40\n0,1,30\n1,1,10\n")
    results = compare_methods(table, [Method.CHAPMAN, Method.DGA], options=QUICK)
    assert results[Method.CHAPMAN].estimate == pytest.approx(51 * 41 / 11 - 1)
    assert isinstance(results[Method.DGA], ValidationFailed)


def test_stratified_totals_add_up():
    strata = {
        "north": load("korea_palembang_comfort_women_3lists.csv"),
        "south": load("hepatitis_a_taiwan_1995_3lists.csv"),
    }
    result = estimate_stratified(strata, "loglinear-bic", seed=5, options=QUICK)
    parts = result.strata.values()
    assert result.total.estimate == pytest.approx(sum(p.estimate for p in parts))
    assert result.total.observed == 123 + 271
    assert result.total.interval[0] < result.total.estimate < result.total.interval[1]


def test_stratified_names_the_stratum_that_fails():
    tiny = from_csv_text("A,B,C,count\n1,0,0,1\n1,0,1,1\n")
    with pytest.raises(ValidationFailed) as caught:
        estimate_stratified({"other": tiny}, "chapman")
    assert caught.value.message.startswith("Stratum 'other':")


def test_newton_certificate_agrees_with_fienberg_rinaldo_programme():
    # The bulk search proves existence by Newton convergence; the exact check is the
    # linear programme. They must agree on every model of these sparse tables.
    for name in ["korea_palembang_comfort_women_3lists.csv", "hiv_rome_4lists.csv",
                 "artificial_3lists_nonexistence.csv"]:
        table = load(name)
        models = all_models(table.list_count, table.list_count - 1)
        bulk = {f.model: f.status for f in fit_models(table, models)}
        cells = table.cells.astype(float)
        assert bulk == {m: check_model(m, cells) for m in models}


def test_newton_certificate_agrees_on_a_sparse_five_list_table():
    table = load("new_orleans_trafficking_5lists.csv")
    models = all_models(5, 2)
    bulk = {f.model: f.status for f in fit_models(table, models)}
    cells = table.cells.astype(float)
    assert bulk == {m: check_model(m, cells) for m in models}


def test_batched_search_gives_the_same_fits_as_one_model_at_a_time():
    # The bulk search fits each distinct reduced design once, in batches of equal
    # width; a sample of models refitted alone must agree to rounding.
    table = load("uk_modern_slavery_2013_5lists.csv")
    models = all_models(5, 4)
    bulk = fit_models(table, models)
    cells = table.cells.astype(float)
    for model, fit in list(zip(models, bulk, strict=True))[::25]:
        reduction = reduce(model, cells)
        alone = fit_batch(reduction.design, cells[None, 1:], reduction.live[None, :])
        assert fit.free_parameters == reduction.free_parameters
        if fit.status is ModelStatus.OK:
            assert fit.dark_figure == pytest.approx(float(alone.dark_figure[0]), rel=1e-8)
            assert fit.loglik == pytest.approx(float(alone.loglik[0]), abs=1e-6)
