"""Sanity checks: the two-list Chapman estimator and Chao's lower bound.

Chapman (1951), the bias-corrected Lincoln-Petersen estimator, for two lists of sizes
n1 and n2 sharing m people: N = (n1 + 1)(n2 + 1) / (m + 1) - 1, with Seber's (1970)
variance. Assumes the two lists are independent and every person equally likely to
be listed: positive dependence between lists (the usual case with human-rights
sources that share information) makes it too low.

Chao (1987, Biometrics 43:783) lower bound from f1 and f2, the numbers of people on
exactly one and exactly two of t lists: N >= n + ((t - 1) / t) f1^2 / (2 f2)
(f1 (f1 - 1) / 2 when f2 = 0). Valid under heterogeneous capture probabilities with
independent lists; a floor, not an estimate of the total.

Intervals are log-normal on the undocumented part (Chao 1987), so the lower limit is
never below the number observed. Deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

from scipy.stats import norm

from qantar.core.estimation.table import CaptureHistories


@dataclass(frozen=True)
class SimpleEstimate:
    """A closed-form estimate, its interval and what it was computed from."""

    estimate: float
    interval: tuple[float, float]
    detail: str


def chapman(n1: int, n2: int, both: int, level: float = 0.95) -> SimpleEstimate:
    """Chapman's estimate for two lists with ``both`` people in common."""
    estimate = (n1 + 1) * (n2 + 1) / (both + 1) - 1
    variance = ((n1 + 1) * (n2 + 1) * (n1 - both) * (n2 - both)
                / ((both + 1) ** 2 * (both + 2)))
    observed = n1 + n2 - both
    return SimpleEstimate(estimate, log_normal_interval(observed, estimate, variance, level),
                          f"n1={n1}, n2={n2}, both={both}")


def chapman_best_pair(table: CaptureHistories, level: float = 0.95) -> tuple[
        SimpleEstimate, tuple[int, int]]:
    """Chapman on the pair of lists with the largest overlap (the most precise pair)."""
    sizes = table.list_sizes()
    pairs = list(combinations(range(table.list_count), 2))
    a, b = max(pairs, key=lambda p: (table.count_on_all((1 << p[0]) | (1 << p[1])), -p[0]))
    both = table.count_on_all((1 << a) | (1 << b))
    return chapman(sizes[a], sizes[b], both, level), (a, b)


def chao_lower_bound(table: CaptureHistories, level: float = 0.95) -> SimpleEstimate:
    """Chao's (1987) lower bound from people seen on exactly one and exactly two lists."""
    f1, f2 = _frequency(table, 1), _frequency(table, 2)
    t = table.list_count
    shrink = (t - 1) / t
    if f2 > 0:
        ratio = f1 / f2
        dark = shrink * f1 * f1 / (2 * f2)
        variance = f2 * (shrink ** 2 * ratio ** 4 / 4 + shrink ** 2 * ratio ** 3
                         + shrink * ratio ** 2 / 2)
    else:
        dark = shrink * f1 * (f1 - 1) / 2
        variance = shrink * f1 * (f1 - 1) / 2 + shrink ** 2 * f1 * (2 * f1 - 1) ** 2 / 4
    estimate = table.observed + dark
    return SimpleEstimate(
        estimate, log_normal_interval(table.observed, estimate, variance, level),
        f"f1={f1}, f2={f2}")


def log_normal_interval(observed: int, estimate: float, variance: float,
                        level: float) -> tuple[float, float]:
    """Chao's (1987) log-normal interval: the undocumented part is log-normal."""
    dark = estimate - observed
    if dark <= 0 or variance <= 0:
        return float(observed), float(max(observed, estimate))
    z = norm.ppf(0.5 + level / 2)
    spread = math.exp(z * math.sqrt(math.log(1 + variance / dark ** 2)))
    return observed + dark / spread, observed + dark * spread


def _frequency(table: CaptureHistories, lists: int) -> int:
    return int(sum(count for cell, count in enumerate(table.cells)
                   if bin(cell).count("1") == lists))
