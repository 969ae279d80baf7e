"""Validation by simulation: populations of known size, known dependence and heterogeneity.

Each test draws independent populations, estimates each, and checks that estimates
centre on the truth and that nominal 95% intervals cover it about 95% of the time.
With R replicates the observed coverage of a true 95% interval is Binomial(R, 0.95):
for R = 40 it falls below 0.85 with probability under 1%, hence that bound (for R = 20,
about 1.6%).
"""

from __future__ import annotations

import numpy as np
import pytest

from qantar.core.estimation import Options, SamplerSettings, estimate
from tests.core.estimation.populations import HETEROGENEOUS, Scenario, simulate

DEPENDENT_LISTS = Scenario(size=2000, group_shares=(1.0,),
                           capture=((0.3, 0.2, 0.25, 0.15),), referral=1.8)
INDEPENDENT_LISTS = Scenario(size=2000, group_shares=(1.0,),
                             capture=((0.3, 0.2, 0.25, 0.15),))
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


LCMCR_OPTIONS = Options(sampler=SamplerSettings(burn_in=1500, samples=400, thinning=3))


@pytest.mark.slow
def test_lcmcr_centres_on_truth_when_capture_is_identifiable():
    # Four independent lists, everyone alike: the latent-class model must find one
    # class and centre. (Measured with longer chains: median ratio 1.000, coverage 20/20.)
    # One class mixes fast: short chains suffice.
    options = Options(sampler=SamplerSettings(burn_in=800, samples=300, thinning=2))
    ratios, coverage = run(INDEPENDENT_LISTS, "lcmcr", options, 20)
    assert abs(np.median(ratios) - 1) < 0.03
    assert coverage >= 0.85


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "A property of the LCMCR model, not of our sampler: on this two-group population "
    "the posterior median is about 11% low (median ratio 0.89, coverage 0.75 over 20 "
    "populations). The sampler reproduces exact posteriors (one class in closed form, "
    "two classes by numerical integration over the prior), and an independent "
    "re-implementation in the reference package's update order and initialisation "
    "gives the same posterior (1,760 [1,626, 1,985] against our 1,763 [1,621, 2,015] "
    "on population 0, true 2,000). The rarely listed group (capture 0.1-0.2 on each "
    "list) is weakly identified (Link 2003): the maximum-likelihood estimate of the "
    "true two-class model ranges from 1,800 to 3,900 across these populations, and "
    "the posterior leans towards the smaller totals. strict: an unexpected pass fails."))
def test_lcmcr_centres_on_truth_with_heterogeneous_capture():
    ratios, coverage = run(LATENT_GROUPS, "lcmcr", LCMCR_OPTIONS, 20)
    assert abs(np.median(ratios) - 1) < 0.05
    assert coverage >= 0.85


@pytest.mark.slow
def test_loglinear_aic_with_heterogeneity_and_dependence():
    ratios, coverage = run(HETEROGENEOUS, "loglinear-aic",
                           Options(bootstrap_replicates=200), 30)
    assert abs(np.median(ratios) - 1) < 0.05
    assert coverage >= 0.8
