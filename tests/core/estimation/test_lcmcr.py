"""The LCMCR Gibbs sampler against exact posteriors, and its convergence diagnostics.

With one latent class the model is the independence model with Beta(1, 1) capture
probabilities and p(N) proportional to 1/N, whose posterior for N has a closed form up
to a sum over N; the sampler must reproduce it. This checks the negative-binomial
draw of the never-listed and the capture-probability update exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import betaln, gammaln

from qantar.core.estimation import Options, SamplerSettings, estimate, from_rows
from qantar.core.estimation.convergence import (
    convergence_diagnostics,
    effective_sample_size,
    rhat,
)
from qantar.core.estimation.lcmcr import sample_posterior

ROWS = [((1, 0, 0), 40), ((0, 1, 0), 30), ((1, 1, 0), 12), ((0, 0, 1), 20),
        ((1, 0, 1), 8), ((0, 1, 1), 6), ((1, 1, 1), 3)]


def exact_one_class_quantiles(observed: int, list_sizes: tuple[int, ...],
                              quantiles: list[float]) -> list[int]:
    totals = np.arange(observed, 30 * observed)
    log_post = (-np.log(totals) + gammaln(totals + 1) - gammaln(totals - observed + 1)
                + sum(betaln(1 + size, 1 + totals - size) for size in list_sizes))
    cumulative = np.cumsum(np.exp(log_post - log_post.max()))
    cumulative /= cumulative[-1]
    return [int(totals[np.searchsorted(cumulative, q)]) for q in quantiles]


def test_one_class_sampler_matches_the_exact_posterior():
    table = from_rows(["A", "B", "C"], ROWS)
    quantiles = [0.025, 0.5, 0.975]
    exact = exact_one_class_quantiles(table.observed, table.list_sizes(), quantiles)
    assert exact == [170, 208, 270]
    settings = SamplerSettings(classes=1, burn_in=300, samples=3000, thinning=1, chains=2)
    result = sample_posterior(table, settings, np.random.default_rng(1))
    low, median, high = np.quantile(result.draws, quantiles)
    # 6,000 draws (a few thousand effective): the median within ~2, the tails within 2-3%.
    assert abs(median - 208) <= 2
    assert low == pytest.approx(170, rel=0.02)
    assert high == pytest.approx(270, rel=0.03)


def test_draws_come_in_chains_and_diagnostics_are_reported():
    table = from_rows(["A", "B", "C"], ROWS)
    options = Options(sampler=SamplerSettings(burn_in=300, samples=200, thinning=2, chains=3))
    result = estimate(table, "lcmcr", seed=4, options=options)
    assert len(result.draws) == 600
    assert result.diagnostics["chains"] == 3
    assert {"rhat", "effective_sample_size"} <= set(result.diagnostics)


def test_chains_that_have_not_converged_are_flagged():
    # No burn-in and 30 iterations: the chains still remember their random starts.
    table = from_rows(["A", "B", "C"], ROWS)
    options = Options(sampler=SamplerSettings(burn_in=0, samples=30, thinning=1))
    result = estimate(table, "lcmcr", seed=0, options=options)
    assert float(result.diagnostics["rhat"]) > 1.1  # type: ignore[arg-type]
    assert any("R-hat" in warning for warning in result.warnings)


def test_rhat_is_one_for_agreeing_chains_and_large_for_disagreeing_ones():
    rng = np.random.default_rng(0)
    agreeing = rng.normal(size=(4, 2000))
    assert rhat(agreeing) == pytest.approx(1.0, abs=0.01)
    shifted = agreeing + np.array([[0.0], [0.0], [1.0], [1.0]])
    assert rhat(shifted) > 1.1
    assert convergence_diagnostics(shifted)["rhat"] > 1.1


def test_effective_sample_size_of_independent_and_autocorrelated_draws():
    rng = np.random.default_rng(0)
    assert effective_sample_size(rng.normal(size=(2, 5000))) == pytest.approx(10_000, rel=0.1)
    # AR(1) with coefficient 0.9: n (1 - 0.9) / (1 + 0.9), about 526 of 10,000.
    noise = rng.normal(size=(2, 5000))
    chains = np.zeros_like(noise)
    for i in range(1, noise.shape[1]):
        chains[:, i] = 0.9 * chains[:, i - 1] + noise[:, i]
    assert effective_sample_size(chains) == pytest.approx(526, rel=0.25)
