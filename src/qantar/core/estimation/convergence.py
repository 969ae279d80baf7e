"""Convergence diagnostics for Markov chains run side by side.

Rank-normalised split R-hat and bulk effective sample size of Vehtari, Gelman, Simpson,
Carpenter and Bürkner (2021, Bayesian Analysis 16:667), the diagnostics of Stan and
of the R package posterior. Each chain is split in half, so that a chain that drifts
shows up as disagreement between its halves; draws are replaced by the normal scores
of their ranks in the pooled sample, so that heavy tails cannot hide a problem.

R-hat near 1 (below 1.01 is the modern standard, above 1.1 is a clear failure) means
the chains agree; the effective sample size says how many independent draws the
autocorrelated ones are worth. Deterministic.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm, rankdata

from qantar.core.estimation.loglinear import FloatArray

RHAT_WARNING = 1.1


def convergence_diagnostics(draws: FloatArray) -> dict[str, float]:
    """R-hat and effective sample size of ``draws`` (chains, draws per chain)."""
    halves = split_chains(np.atleast_2d(draws))
    scores = rank_normal_scores(halves)
    return {
        "rhat": rhat(scores),
        "effective_sample_size": effective_sample_size(scores),
    }


def split_chains(draws: FloatArray) -> FloatArray:
    """Each chain cut into a first and a second half (an odd middle draw is dropped)."""
    half = draws.shape[1] // 2
    result: FloatArray = np.concatenate([draws[:, :half], draws[:, -half:]])
    return result


def rank_normal_scores(chains: FloatArray) -> FloatArray:
    """Normal scores of the pooled ranks (ties share their average rank)."""
    ranks = rankdata(chains, method="average").reshape(chains.shape)
    result: FloatArray = norm.ppf((ranks - 0.375) / (chains.size + 0.25))
    return result


def rhat(chains: FloatArray) -> float:
    """Gelman-Rubin potential scale reduction over the rows of ``chains``."""
    length = chains.shape[1]
    within = float(chains.var(axis=1, ddof=1).mean())
    between = length * float(chains.mean(axis=1).var(ddof=1))
    if within == 0:
        return 1.0 if between == 0 else float("inf")
    pooled = (length - 1) / length * within + between / length
    return float(np.sqrt(pooled / within))


def effective_sample_size(chains: FloatArray) -> float:
    """Multi-chain effective sample size (Geyer's initial monotone sequence)."""
    count, length = chains.shape
    within = float(chains.var(axis=1, ddof=1).mean())
    pooled = (length - 1) / length * within + float(chains.mean(axis=1).var(ddof=1))
    if within == 0 or pooled == 0:
        return float(count * length)
    rho = 1.0 - (within - _mean_autocovariance(chains)) / pooled
    total, previous = 0.0, np.inf
    for lag in range(0, length - 1, 2):
        pair = min(float(rho[lag] + rho[lag + 1]), previous)
        if pair <= 0:
            break
        total, previous = total + pair, pair
    return float(count * length / max(2.0 * total - 1.0, 1.0 / np.log10(count * length)))


def _mean_autocovariance(chains: FloatArray) -> FloatArray:
    # Autocovariance of each chain at every lag by FFT (divisor n, as in Stan),
    # averaged over chains.
    length = chains.shape[1]
    centred = chains - chains.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(centred, 2 * length, axis=1)
    autocovariance = np.fft.irfft(spectrum * np.conj(spectrum), axis=1)[:, :length] / length
    result: FloatArray = autocovariance.mean(axis=0)
    return result
