"""Estimators against published figures for the tables in shared/mse-benchmarks.

Tolerances: deterministic maximum-likelihood results are compared at the precision
they were published (R output printed to 4-7 significant figures), so a mismatch
means a different model or a different fit, not rounding. Monte Carlo results
(bootstrap, Gibbs sampler) get tolerances stated next to each assertion.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import gammaln

from qantar.core.estimation import dga
from qantar.core.estimation.existence import ModelStatus, check_model
from qantar.core.estimation.intervals import profile_interval
from qantar.core.estimation.models import all_models, from_code
from qantar.core.estimation.selection import Criterion, fit_models, search
from qantar.core.estimation.stepwise import stepwise
from tests.core.estimation.shared_tables import load

# Silverman, Chan and Vincent (2024), via MultipleSystemsEstimation::estimate_population
# (Korea, method = "bic"): the full BIC ranking of the three-list models.
KOREA_BIC = [
    ("[12,23]", 157.1667, 57.14081),
    ("[12,3]", 268.7778, 58.96860),
    ("[13,23]", 123.4630, 91.89711),
    ("[23,1]", 126.1944, 138.06368),
    ("[13,2]", 126.9394, 155.16018),
    ("[1,2,3]", 141.9926, 184.14431),
]


def test_korea_bic_ranking_matches_silverman_chan_vincent_2024():
    ranked = search(load("korea_palembang_comfort_women_3lists.csv"), Criterion.BIC)
    got = [(f.model.code(), round(f.estimate, 4), round(f.criterion(Criterion.BIC), 5))
           for f in ranked]
    assert got[:6] == KOREA_BIC


def test_kosovo_bic_model_reproduces_ball_et_al_2002():
    # Ball et al. (2002, report to the ICTY): 10,356 killings, 95% CI 9,002 to 12,122.
    table = load("kosovo_1999_4lists.csv")
    best = search(table, Criterion.BIC)[0]
    assert best.model.code() == "[123,14,34]"
    assert abs(best.estimate - 10356) < 1  # published without decimals
    low, high = profile_interval(table, best.model, best.dark_figure, 0.95)
    # The published interval was not computed by profile likelihood; within 0.2%.
    assert abs(low - 9002) / 9002 < 0.002
    assert abs(high - 12122) / 12122 < 0.002


def test_kosovo_has_113_hierarchical_models_all_estimable():
    fits = fit_models(load("kosovo_1999_4lists.csv"), all_models(4, 3))
    assert len(fits) == 113
    assert {f.status for f in fits} == {ModelStatus.OK}


def test_artificial_table_existence_matches_chan_silverman_vincent_2021_table_3():
    cells = load("artificial_3lists_nonexistence.csv").cells.astype(float)
    assert check_model(from_code(3, "[12,13,23]"), cells) is ModelStatus.NOT_IDENTIFIABLE
    assert check_model(from_code(3, "[12,3]"), cells) is ModelStatus.NO_ESTIMATE
    assert check_model(from_code(3, "[12,13]"), cells) is ModelStatus.NO_ESTIMATE
    assert check_model(from_code(3, "[12,23]"), cells) is ModelStatus.NO_ESTIMATE
    assert check_model(from_code(3, "[13,23]"), cells) is ModelStatus.OK
    assert check_model(from_code(3, "[1,2,3]"), cells) is ModelStatus.OK


def test_artificial_table_extended_estimate_is_200_missing():
    # With AC and BC at minus infinity the four live cells fit exactly: 40 * 30 / 6.
    table = load("artificial_3lists_nonexistence.csv")
    fit = fit_models(table, [from_code(3, "[13,23]")])[0]
    assert fit.dark_figure == pytest.approx(200.0, rel=1e-9)


@pytest.mark.parametrize(
    ("name", "model", "published"),
    [
        # MultipleSystemsEstimation vignette "Reproducing Chan, Silverman and Vincent
        # (2021)", stepwise with p = 0.02.
        ("korea_palembang_comfort_women_3lists.csv", "[12,3]", 268.7778),
        ("western_us_sex_trafficking_5lists.csv", "[15,2,3,4]", 2483.384),
        ("new_orleans_trafficking_8lists.csv", "[45,1,2,3,6,7,8]", 1110.488),
        ("new_orleans_trafficking_5lists.csv", "[1,2,3,4,5]", 981.4314),
    ],
)
def test_stepwise_matches_published_fits(name, model, published):
    fit = stepwise(load(name))
    assert fit.model.code() == model
    assert fit.estimate == pytest.approx(published, abs=5e-4)


def test_stepwise_new_orleans_185_cases_matches_chan_2021_paper():
    # Chan, Silverman and Vincent (2021), section 4.1: point estimate 1034.
    assert round(stepwise(load(
        "new_orleans_trafficking_5lists_sparsemse2019_185cases.csv")).estimate) == 1034


def test_stepwise_uk_matches_silverman_2014_home_office_estimate():
    # Silverman (2014), Modern Slavery: an application of MSE: 11,313.
    assert round(stepwise(load("uk_modern_slavery_2013_5lists.csv")).estimate) == 11313


def test_dga_spina_bifida_matches_madigan_york_1997():
    # Madigan and York (1997), as checked in the dga package tests: delta = 1,
    # negative-binomial prior (a = 13.14, b = 55.17), 1 to 300 missing.
    table = load("spina_bifida_madigan_york_3lists_dga.csv")
    a, b = 13.14, 55.17

    def prior(n):
        return n * np.log(b) - (n + a) * np.log(1 + b) + gammaln(n + a) - gammaln(n + 1) \
            - gammaln(a)

    result = dga.posterior(table, delta=1.0, log_prior=prior, max_missing=300)
    totals, joint = result.totals[1:], result.model_by_total[:, 1:]
    joint = joint / joint.sum()
    weights = joint.sum(axis=1)
    top = joint[np.argmax(weights)]
    average = joint.sum(axis=0)
    assert round(weights.max(), 2) == 0.37
    assert round(np.sum(top / totals) / np.sum(top / totals ** 2)) == 731
    assert totals[np.argmax(top)] == 729
    assert round(np.sum(average / totals) / np.sum(average / totals ** 2)) == 731
    assert totals[np.argmax(average)] == 728


def test_decomposable_graph_counts():
    assert [len(dga.decomposable_graphs(p)) for p in (3, 4, 5)] == [8, 61, 822]
