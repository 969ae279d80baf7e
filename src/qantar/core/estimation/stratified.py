"""Stratified estimation (by region, by period) with totals that add up.

Each stratum is estimated on its own with the same method and a seed derived from the
caller's seed, so strata are independent. The overall estimate is the sum of the
stratum estimates. Its interval sums the strata's draws (bootstrap replicates or
posterior draws) index by index, which for independent strata is a draw from the
distribution of the sum; for methods without draws (Chapman, Chao) the interval is the
sum of the limits, which is conservative (too wide).

Assumption: the strata are disjoint (each person counted in one stratum only) and
each stratum is itself a closed population. Estimating by strata also reduces bias
when capture probabilities differ between strata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from qantar.core.errors import ValidationFailed
from qantar.core.estimation.api import Estimate, Method, Options, estimate
from qantar.core.estimation.table import CaptureHistories


@dataclass(frozen=True)
class StratifiedEstimate:
    """Estimates per stratum and their sum."""

    strata: dict[str, Estimate]
    total: Estimate


def estimate_stratified(tables: Mapping[str, CaptureHistories], method: Method | str,
                        seed: int = 0, level: float = 0.95,
                        options: Options | None = None) -> StratifiedEstimate:
    """Estimate each stratum and the total; a failing stratum fails the whole call."""
    if not tables:
        raise ValidationFailed("no_strata", "No strata were given.")
    strata = {
        name: _estimate_stratum(name, table, method, seed + index, level, options)
        for index, (name, table) in enumerate(sorted(tables.items()))
    }
    return StratifiedEstimate(strata, _sum_of(list(strata.values()), level))


def _estimate_stratum(name: str, table: CaptureHistories, method: Method | str, seed: int,
                      level: float, options: Options | None) -> Estimate:
    try:
        return estimate(table, method, seed, level, options)
    except ValidationFailed as error:
        raise ValidationFailed(error.code, f"Stratum '{name}': {error.message}",
                               error.field) from error


def _sum_of(parts: list[Estimate], level: float) -> Estimate:
    point = sum(part.estimate for part in parts)
    length = min(len(part.draws) for part in parts)
    if length >= 100:
        summed = np.sum([np.asarray(part.draws[:length]) for part in parts], axis=0)
        tail = (1 - level) / 2
        low, high = np.quantile(summed, [tail, 1 - tail])
        interval = (float(low), float(high))
        draws = tuple(float(v) for v in summed)
    else:
        interval = (sum(p.interval[0] for p in parts), sum(p.interval[1] for p in parts))
        draws = ()
    warnings = [w for part in parts for w in part.warnings]
    return Estimate(sum(p.observed for p in parts), point, interval, level, parts[0].method,
                    "stratified: " + "; ".join(p.model for p in parts),
                    {"strata": len(parts)}, warnings, draws)
