"""Bayesian latent-class capture-recapture with a Dirichlet-process prior (LCMCR).

Manrique-Vallier (2016), "Bayesian population size estimation using Dirichlet process
mixtures", Biometrics 72:1246; the method of the R package LCMCR used by HRDAG.

Model: each person belongs to one of K latent classes (truncated stick-breaking
Dirichlet process, K = 10 by default); within a class, lists catch people
independently with class-specific probabilities lambda[j, k]. Mixing over classes
lets capture probabilities differ between people (heterogeneity) and induces
dependence between lists. Priors as in the reference implementation: lambda ~ Beta(1, 1),
concentration alpha ~ Gamma(0.25, 0.25), p(N) proportional to 1/N.

Assumptions: a closed population, correct matching, and that the people never listed
resemble some class of people who were listed (no class is invisible to every list).
When a group is rarely listed (capture probabilities around 0.1 on four lists) the
table says little about how large it is and the posterior leans on the prior: in our
simulations the posterior median was then about 10% low (see docs/estimation.md).

Gibbs sampler working on the distinct capture patterns and their counts, never on
individuals, in the reference implementation's order: class memberships of the
listed people (multinomial per pattern); lambda and the stick-breaking weights given
everyone's class, the never-listed included; the number never listed from its
negative-binomial full conditional, NegBin(n, 1 - p0) with p0 = sum_k pi_k
prod_j (1 - lambda[j, k]), redrawn above 20 n as the reference does; their classes
(one multinomial draw); alpha. Several chains (2 by default) from dispersed random
starting points run side by side in one vectorised loop; R-hat across them and the
effective sample size are reported. Randomness: a ``numpy.random.Generator`` seeded
by the caller; the same table, settings and seed give the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qantar.core.estimation.convergence import convergence_diagnostics
from qantar.core.estimation.loglinear import FloatArray
from qantar.core.estimation.table import CaptureHistories, IntArray

PRIOR_ALPHA_SHAPE = 0.25
PRIOR_ALPHA_RATE = 0.25
MAX_MISSING_RATIO = 20  # the reference implementation redraws n0 above 20 n


@dataclass(frozen=True)
class SamplerSettings:
    """Length and shape of the Markov chains (``samples`` draws kept per chain)."""

    classes: int = 10
    burn_in: int = 10_000
    samples: int = 1_000
    thinning: int = 10
    chains: int = 2


@dataclass(frozen=True)
class LcmcrResult:
    """Posterior draws of the total and a summary."""

    draws: IntArray  # total population, (chains, samples)
    median: float
    interval: tuple[float, float]
    diagnostics: dict[str, float]


@dataclass
class _State:
    # One row per chain.
    weights: FloatArray  # pi, (C, K)
    capture: FloatArray  # lambda, (C, J, K)
    concentration: FloatArray  # alpha, (C,)
    missing_by_class: IntArray  # (C, K)


def sample_posterior(table: CaptureHistories, settings: SamplerSettings,
                     rng: np.random.Generator, level: float = 0.95) -> LcmcrResult:
    """Run the Gibbs sampler and summarise the posterior of the total population."""
    patterns, counts = table.patterns()
    bits = ((patterns[:, None] >> np.arange(table.list_count)[None, :]) & 1).astype(float)
    state = _initial_state(settings.chains, table.list_count, settings.classes, rng)
    draws = np.empty((settings.chains, settings.samples), dtype=np.int64)
    for iteration in range(settings.burn_in + settings.samples * settings.thinning):
        _gibbs_step(state, bits, counts, table.observed, rng)
        kept = iteration - settings.burn_in
        if kept >= 0 and kept % settings.thinning == 0:
            draws[:, kept // settings.thinning] = (table.observed
                                                   + state.missing_by_class.sum(axis=1))
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    diagnostics = convergence_diagnostics(draws.astype(float))
    diagnostics["chains"] = float(settings.chains)
    return LcmcrResult(draws, float(np.median(draws)), (float(low), float(high)), diagnostics)


def _initial_state(chains: int, lists: int, classes: int,
                   rng: np.random.Generator) -> _State:
    # Dispersed starting points (random weights and capture probabilities), so that
    # chains that have not forgotten where they started disagree and R-hat shows it.
    sticks = rng.beta(1.0, 1.0, size=(chains, classes))
    sticks[:, -1] = 1.0
    capture = rng.beta(1.0, 1.0, size=(chains, lists, classes))
    return _State(_stick_weights(sticks), capture, np.ones(chains),
                  np.zeros((chains, classes), dtype=np.int64))


def _gibbs_step(state: _State, bits: FloatArray, counts: IntArray, observed: int,
                rng: np.random.Generator) -> None:
    seen = _allocate_observed(state, bits, counts, rng)
    in_class = seen.sum(axis=1) + state.missing_by_class
    _update_capture(state, bits, seen, in_class, rng)
    sticks = _update_weights(state, in_class, rng)
    _augment_missing(state, observed, rng)
    _update_concentration(state, sticks, rng)


def _allocate_observed(state: _State, bits: FloatArray, counts: IntArray,
                       rng: np.random.Generator) -> IntArray:
    # (C, P, K): people with each pattern falling in each class, computed in logs:
    # pi_k prod_j lambda^x (1 - lambda)^(1 - x).
    log_escape = np.log(np.maximum(1.0 - state.capture, 1e-300))
    log_odds = np.log(np.maximum(state.capture, 1e-300)) - log_escape
    log_like = bits @ log_odds + (log_escape.sum(axis=1)
                                  + np.log(np.maximum(state.weights, 1e-300)))[:, None, :]
    probabilities = np.exp(log_like - log_like.max(axis=2, keepdims=True))
    probabilities /= probabilities.sum(axis=2, keepdims=True)
    result: IntArray = rng.multinomial(np.broadcast_to(counts, probabilities.shape[:2]),
                                       probabilities)
    return result


def _update_capture(state: _State, bits: FloatArray, seen: IntArray, in_class: IntArray,
                    rng: np.random.Generator) -> None:
    # The never-listed people in class k count as "not on list j" for every j.
    on_list = bits.T @ seen  # (C, J, K)
    state.capture = rng.beta(1.0 + on_list, 1.0 + in_class[:, None, :] - on_list)


def _update_weights(state: _State, in_class: IntArray, rng: np.random.Generator) -> FloatArray:
    later = np.cumsum(in_class[:, ::-1], axis=1)[:, ::-1] - in_class
    sticks = rng.beta(1.0 + in_class, state.concentration[:, None] + later)
    sticks = np.clip(sticks, 1e-12, 1.0 - 1e-12)
    sticks[:, -1] = 1.0
    state.weights = _stick_weights(sticks)
    return sticks


def _augment_missing(state: _State, observed: int, rng: np.random.Generator) -> None:
    # p(n0 | rest) is proportional to Gamma(n + n0) / n0! p0^n0 under p(N) ~ 1/N:
    # NegBin(n, 1 - p0) failures before n successes. Then the n0 people are placed in
    # classes in proportion to pi_k prod_j (1 - lambda[j, k]).
    unseen = state.weights * np.prod(1.0 - state.capture, axis=1)  # (C, K)
    never = np.clip(unseen.sum(axis=1), 1e-300, 1.0 - 1e-12)
    missing = rng.negative_binomial(observed, 1.0 - never)
    for _ in range(100):
        too_many = missing > MAX_MISSING_RATIO * observed
        if not too_many.any():
            break
        missing[too_many] = rng.negative_binomial(observed, 1.0 - never[too_many])
    missing = np.minimum(missing, MAX_MISSING_RATIO * observed)
    shares = unseen / unseen.sum(axis=1, keepdims=True)
    state.missing_by_class = rng.multinomial(missing, shares)


def _update_concentration(state: _State, sticks: FloatArray, rng: np.random.Generator) -> None:
    shape = PRIOR_ALPHA_SHAPE + sticks.shape[1] - 1
    rate = PRIOR_ALPHA_RATE - np.log(1.0 - sticks[:, :-1]).sum(axis=1)
    state.concentration = rng.gamma(shape, 1.0 / rate)


def _stick_weights(sticks: FloatArray) -> FloatArray:
    remaining = np.cumprod(1.0 - sticks[:, :-1], axis=1)
    result: FloatArray = sticks * np.concatenate(
        [np.ones((sticks.shape[0], 1)), remaining], axis=1)
    return result
