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

Gibbs sampler working on the distinct capture patterns and their counts, never on
individuals: class memberships are multinomial draws per pattern; the number never
listed is a negative-binomial draw, and those people are allocated to classes by one
multinomial draw (data augmentation of the unobserved cell, Manrique-Vallier 2016,
section 3). Randomness: a ``numpy.random.Generator`` seeded by the caller; the same
table, settings and seed give the same draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qantar.core.estimation.loglinear import FloatArray
from qantar.core.estimation.table import CaptureHistories, IntArray

PRIOR_ALPHA_SHAPE = 0.25
PRIOR_ALPHA_RATE = 0.25


@dataclass(frozen=True)
class SamplerSettings:
    """Length and shape of the Markov chain."""

    classes: int = 10
    burn_in: int = 10_000
    samples: int = 2_000
    thinning: int = 10


@dataclass(frozen=True)
class LcmcrResult:
    """Posterior draws of the total and a summary."""

    draws: IntArray  # total population, one per kept iteration
    median: float
    interval: tuple[float, float]
    diagnostics: dict[str, float]


@dataclass
class _State:
    weights: FloatArray  # pi, (K,)
    sticks: FloatArray  # V, (K,)
    capture: FloatArray  # lambda, (J, K)
    concentration: float
    missing: int


def sample_posterior(table: CaptureHistories, settings: SamplerSettings,
                     rng: np.random.Generator, level: float = 0.95) -> LcmcrResult:
    """Run the Gibbs sampler and summarise the posterior of the total population."""
    patterns, counts = table.patterns()
    bits = ((patterns[:, None] >> np.arange(table.list_count)[None, :]) & 1).astype(float)
    state = _initial_state(table.list_count, settings.classes, table.observed, rng)
    total_iterations = settings.burn_in + settings.samples * settings.thinning
    draws = np.empty(settings.samples, dtype=np.int64)
    for iteration in range(total_iterations):
        _gibbs_step(state, bits, counts, table.observed, rng)
        kept = iteration - settings.burn_in
        if kept >= 0 and kept % settings.thinning == 0:
            draws[kept // settings.thinning] = table.observed + state.missing
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return LcmcrResult(draws, float(np.median(draws)), (float(low), float(high)),
                       convergence_diagnostics(draws.astype(float)))


def _initial_state(lists: int, classes: int, observed: int,
                   rng: np.random.Generator) -> _State:
    sticks = rng.beta(1.0, 1.0, size=classes)
    sticks[-1] = 1.0
    capture = rng.beta(1.0, 1.0, size=(lists, classes))
    return _State(_stick_weights(sticks), sticks, capture, 1.0, observed)


def _gibbs_step(state: _State, bits: FloatArray, counts: IntArray, observed: int,
                rng: np.random.Generator) -> None:
    seen = _allocate_observed(state, bits, counts, rng)
    missing_by_class = _augment_missing(state, observed, rng)
    _update_capture(state, bits, seen, missing_by_class, rng)
    _update_weights(state, seen.sum(axis=0) + missing_by_class, rng)


def _allocate_observed(state: _State, bits: FloatArray, counts: IntArray,
                       rng: np.random.Generator) -> IntArray:
    # (P, K): people with each pattern falling in each class.
    # Class probabilities per pattern, computed in logs: pi_k prod_j lambda^x (1-lambda)^(1-x).
    log_escape = np.log(np.maximum(1.0 - state.capture, 1e-300))
    log_odds = np.log(np.maximum(state.capture, 1e-300)) - log_escape
    log_like = bits @ log_odds + (log_escape.sum(axis=0)
                                  + np.log(np.maximum(state.weights, 1e-300)))
    probabilities = np.exp(log_like - log_like.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    result: IntArray = rng.multinomial(counts, probabilities)
    return result


def _augment_missing(state: _State, observed: int, rng: np.random.Generator) -> IntArray:
    # Under p(N) ~ 1/N the number never listed is negative binomial given the rest.
    unseen = state.weights * np.prod(1.0 - state.capture, axis=0)
    never = min(max(float(unseen.sum()), 1e-300), 1 - 1e-12)
    state.missing = int(rng.negative_binomial(observed, 1.0 - never))
    result: IntArray = rng.multinomial(state.missing, unseen / unseen.sum())
    return result


def _update_capture(state: _State, bits: FloatArray, seen: IntArray,
                    missing_by_class: IntArray, rng: np.random.Generator) -> None:
    on_list = bits.T @ seen  # (J, K)
    in_class = seen.sum(axis=0) + missing_by_class
    state.capture = rng.beta(1.0 + on_list, 1.0 + in_class[None, :] - on_list)


def _update_weights(state: _State, in_class: IntArray, rng: np.random.Generator) -> None:
    later = np.cumsum(in_class[::-1])[::-1] - in_class
    sticks = rng.beta(1.0 + in_class, state.concentration + later)
    sticks = np.minimum(np.maximum(sticks, 1e-12), 1.0 - 1e-12)
    sticks[-1] = 1.0
    state.sticks = sticks
    state.weights = _stick_weights(sticks)
    shape = PRIOR_ALPHA_SHAPE + sticks.size - 1
    rate = PRIOR_ALPHA_RATE - np.log(1.0 - sticks[:-1]).sum()
    state.concentration = float(rng.gamma(shape, 1.0 / rate))


def _stick_weights(sticks: FloatArray) -> FloatArray:
    remaining = np.concatenate([[1.0], np.cumprod(1.0 - sticks[:-1])])
    result: FloatArray = sticks * remaining
    return result


def convergence_diagnostics(draws: FloatArray) -> dict[str, float]:
    """Effective sample size, split R-hat (4 segments) and Geweke's z for one chain."""
    return {
        "effective_sample_size": effective_sample_size(draws),
        "split_rhat": split_rhat(draws),
        "geweke_z": geweke_z(draws),
    }


def effective_sample_size(draws: FloatArray) -> float:
    """Geyer's initial positive sequence estimate of the effective sample size."""
    n = draws.size
    centred = draws - draws.mean()
    variance = float(centred @ centred) / n
    if variance == 0:
        return float(n)
    spectrum = np.fft.rfft(centred, 2 * n)
    autocorrelation = np.fft.irfft(spectrum * np.conj(spectrum))[:n] / (n * variance)
    total = 0.0
    for lag in range(0, n - 1, 2):
        pair = autocorrelation[lag] + autocorrelation[lag + 1]
        if pair <= 0:
            break
        total += pair
    return float(n / max(2 * total - 1, 1e-12))


def split_rhat(draws: FloatArray, segments: int = 4) -> float:
    """Gelman-Rubin potential scale reduction over equal segments of one chain."""
    parts = np.array_split(draws, segments)
    length = min(part.size for part in parts)
    chains = np.stack([part[:length] for part in parts])
    within = chains.var(axis=1, ddof=1).mean()
    between = length * chains.mean(axis=1).var(ddof=1)
    if within == 0:
        return 1.0
    pooled = (length - 1) / length * within + between / length
    return float(np.sqrt(pooled / within))


def geweke_z(draws: FloatArray) -> float:
    """Geweke's z: first 10% against last 50% of the chain (spectral variances ~ ESS)."""
    first, last = draws[: draws.size // 10], draws[draws.size // 2:]
    spread = (first.var() / max(effective_sample_size(first), 1.0)
              + last.var() / max(effective_sample_size(last), 1.0))
    if spread == 0:
        return 0.0
    return float((first.mean() - last.mean()) / np.sqrt(spread))
