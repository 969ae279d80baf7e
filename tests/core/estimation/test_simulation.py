"""Validation by simulation: populations of known size, known dependence and heterogeneity.

Each test draws independent populations, estimates each, and checks that estimates
centre on the truth and that nominal 95% intervals cover it about 95% of the time.
With R replicates the observed coverage of a true 95% interval is Binomial(R, 0.95):
for R = 40 it falls below 0.85 with probability under 1%, hence that bound.
"""

from __future__ import annotations

import numpy as np
import pytest

from qantar.core.estimation import Options, SamplerSettings, estimate
from tests.core.estimation.populations import HETEROGENEOUS, Scenario, simulate

DEPENDENT_LISTS = Scenario(size=2000, group_shares=(1.0,),
                           capture=((0.3, 0.2, 0.25, 0.15),), referral=1.8)
LATENT_GROUPS = Scenario(size=2000, group_shares=(0.3, 0.7),
                         capture=((0.5, 0.45, 0.4, 0.35), (0.15, 0.1, 0.2, 0.12)))


def run(scenario: Scenario, method: str, options: Options, replicates: int):
    estimates, covered = [], []
    for i in range(replicates):
        table = simulate(scenario, np.random.default_rng(1000 + i))
        result = estimate(table, method, seed=i, options=options)
        estimates.append(result.estimate)
        covered.append(result.interval[0] <= scenario.size <= result.interval[1])
    return np.array(estimates) / scenario.size, float(np.mean(covered))


def test_loglinear_bic_centres_on_truth_with_dependent_lists():
    ratios, coverage = run(DEPENDENT_LISTS, "loglinear-bic",
                           Options(bootstrap_replicates=200), 40)
    assert abs(np.median(ratios) - 1) < 0.03
    assert coverage >= 0.85


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason=(
    "Known open problem: on this two-group population LCMCR's posterior median is about "
    "11% below the truth (median ratio 0.89 over 40 populations). Not yet explained; "
    "until it is, LCMCR is not the default method."))
def test_lcmcr_centres_on_truth_with_heterogeneous_capture():
    options = Options(sampler=SamplerSettings(burn_in=2000, samples=1000, thinning=4))
    ratios, coverage = run(LATENT_GROUPS, "lcmcr", options, 40)
    assert abs(np.median(ratios) - 1) < 0.05
    assert coverage >= 0.85


@pytest.mark.slow
def test_loglinear_aic_with_heterogeneity_and_dependence():
    ratios, coverage = run(HETEROGENEOUS, "loglinear-aic",
                           Options(bootstrap_replicates=200), 30)
    assert abs(np.median(ratios) - 1) < 0.05
    assert coverage >= 0.8
