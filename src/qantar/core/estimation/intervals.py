"""Intervals: bootstrap (percentile and BCa) that repeat model choice, and profile likelihood.

Bootstrap (Efron and Tibshirani 1993; for MSE, Chan, Silverman and Vincent 2021 and
Silverman, Chan and Vincent 2024): the observed people are resampled with replacement
(a multinomial draw of the same total over the observed capture patterns) and the whole
estimation procedure, model choice included, is repeated on each sample. The BCa
interval corrects the percentile interval for bias (z0) and skewness (acceleration a,
from a delete-one jackknife over people, computed once per distinct pattern).

Profile likelihood (Cormack 1992, Biometrics 48:567): for a fixed model, the set of
totals N whose likelihood is within chi-square(1) / 2 of the best, with the unobserved
cell treated as N - n. It does not account for model choice.

Randomness: bootstrap samples come from ``numpy.random.Generator`` seeded by the
caller; the same seed gives the same interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import chi2, norm

from qantar.core.estimation.loglinear import BoolArray, FloatArray, fit_batch
from qantar.core.estimation.models import HierarchicalModel
from qantar.core.estimation.table import CaptureHistories

BatchEstimator = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap estimates and the interval drawn from them."""

    interval: tuple[float, float]
    replicates: FloatArray  # finite bootstrap estimates, in draw order
    failed: int  # samples on which no estimate could be made
    bias_correction: float
    acceleration: float


def resample(table: CaptureHistories, replicates: int,
             rng: np.random.Generator) -> FloatArray:
    """(B, 2**t) multinomial resamples of the observed people over the cells."""
    n = table.observed
    draws = rng.multinomial(n, table.cells / n, size=replicates)
    result: FloatArray = draws.astype(float)
    return result


def jackknife(table: CaptureHistories) -> tuple[FloatArray, FloatArray]:
    """Delete-one tables, one per observed pattern, and each pattern's count (weight)."""
    observed = np.flatnonzero(table.cells > 0)
    tables = np.repeat(table.cells[None, :].astype(float), observed.size, axis=0)
    tables[np.arange(observed.size), observed] -= 1
    return tables, table.cells[observed].astype(float)


def bootstrap_bca(table: CaptureHistories, estimate: float, estimator: BatchEstimator,
                  replicates: int, level: float, rng: np.random.Generator) -> BootstrapResult:
    """BCa bootstrap interval for an estimator that works on a batch of tables."""
    boot = estimator(resample(table, replicates, rng))
    finite = boot[np.isfinite(boot)]
    tables, weights = jackknife(table)
    jack = estimator(tables)
    z0 = _bias_correction(finite, estimate)
    a = _acceleration(jack[np.isfinite(jack)], weights[np.isfinite(jack)])
    interval = bca_limits(finite, z0, a, level)
    return BootstrapResult(interval, finite, int(boot.size - finite.size), z0, a)


def bca_limits(replicates: FloatArray, z0: float, a: float,
               level: float) -> tuple[float, float]:
    """The BCa interval from bootstrap replicates, bias correction and acceleration."""
    tail = (1.0 - level) / 2.0
    limits = []
    for z in (norm.ppf(tail), norm.ppf(1.0 - tail)):
        adjusted = norm.cdf(z0 + (z0 + z) / (1.0 - a * (z0 + z)))
        limits.append(float(np.quantile(replicates, adjusted)))
    return limits[0], limits[1]


def _bias_correction(replicates: FloatArray, estimate: float) -> float:
    below = (np.sum(replicates < estimate) + 0.5 * np.sum(replicates == estimate))
    share = float(np.clip(below / replicates.size, 0.5 / replicates.size,
                          1 - 0.5 / replicates.size))
    return float(norm.ppf(share))


def _acceleration(values: FloatArray, weights: FloatArray) -> float:
    centre = np.sum(weights * values) / np.sum(weights)
    spread = np.sum(weights * (centre - values) ** 2)
    if spread <= 0:
        return 0.0
    return float(np.sum(weights * (centre - values) ** 3) / (6.0 * spread ** 1.5))


def profile_interval(table: CaptureHistories, model: HierarchicalModel, dark_figure: float,
                     level: float) -> tuple[float, float]:
    """Profile-likelihood interval for the total under a fixed model (Cormack 1992)."""
    from qantar.core.estimation.existence import reduce

    reduction = reduce(model, table.cells.astype(float))
    design = np.vstack([np.eye(1, reduction.design.shape[1]), reduction.design])
    live = np.concatenate([[True], reduction.live])

    def profile(dark: float) -> float:
        return _profile_loglik(table, design, live, dark)

    best = _maximise(profile, dark_figure)
    drop = chi2.ppf(level, 1) / 2.0
    top = profile(best)

    def gap(dark: float) -> float:
        return float(top - profile(dark) - drop)

    lower = 0.0 if gap(0.0) <= 0 else float(brentq(gap, 0.0, best, xtol=1e-6))
    upper = _upper_root(gap, best)
    return table.observed + lower, table.observed + upper


def _profile_loglik(table: CaptureHistories, design: FloatArray, live: BoolArray,
                    dark: float) -> float:
    y = table.cells.astype(float)
    y[0] = dark
    total = float(y.sum())
    fit = fit_batch(design, y[None, :], live[None, :])
    mu = fit.fitted[0]
    used = live & (y > 0)
    return float(gammaln(total + 1) - gammaln(dark + 1)
                 + np.sum(y[used] * np.log(mu[used] / total)))


def _maximise(function: Callable[[float], float], start: float) -> float:
    from scipy.optimize import minimize_scalar

    high = max(10.0, 4.0 * start)
    result = minimize_scalar(lambda d: -function(d), bounds=(0.0, high), method="bounded",
                             options={"xatol": 1e-4})
    return float(result.x)


def _upper_root(gap: Callable[[float], float], best: float) -> float:
    high = max(10.0, 2.0 * best)
    for _ in range(60):
        if gap(high) > 0:
            return float(brentq(gap, best, high, xtol=1e-6))
        high *= 2.0
    return math.inf
