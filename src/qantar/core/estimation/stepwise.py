"""The forward stepwise method of Chan, Silverman and Vincent (2021, JASA 116:1297).

Start from the independence (main-effects) model. At each step, for every two-list
interaction not yet in the model, compare the number of people observed on both lists
with the number the current model expects: a two-sided Poisson tail probability. The
interaction with the smallest probability is added if that probability is below the
threshold (0.02, chosen by the authors' simulation study) and if the enlarged model
still has an estimate (extended MLE, identifiability, Fienberg-Rinaldo existence);
otherwise the next smallest is tried. Stop when nothing qualifies.

Assumptions: as for every log-linear model (closed population, correct matching),
with dependence limited to pairs of lists. Deterministic.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from scipy.stats import poisson

from qantar.core.estimation.existence import ModelStatus, check_model, reduce
from qantar.core.estimation.loglinear import fit_batch
from qantar.core.estimation.models import HierarchicalModel, independence
from qantar.core.estimation.selection import ModelFit, fit_model
from qantar.core.estimation.table import CaptureHistories

DEFAULT_THRESHOLD = 0.02


def stepwise(table: CaptureHistories, threshold: float = DEFAULT_THRESHOLD) -> ModelFit:
    """Select a model with two-list interactions by the stepwise method; return its fit."""
    model = independence(table.list_count)
    while True:
        chosen = _next_term(table, model, threshold)
        if chosen is None:
            return fit_model(table, model)
        model = model.with_term(chosen)


def pair_p_values(table: CaptureHistories, model: HierarchicalModel) -> dict[int, float]:
    """Two-sided Poisson p-value of each absent pair's observed overlap under ``model``."""
    cells = table.cells.astype(float)
    reduction = reduce(model, cells)
    fit = fit_batch(reduction.design, cells[None, 1:], reduction.live[None, :])
    fitted = fit.fitted[0]
    index = np.arange(1, cells.size)
    result = {}
    for pair in _absent_pairs(model):
        expected = float(fitted[(index & pair) == pair].sum())
        observed = table.count_on_all(pair)
        result[pair] = min(float(poisson.cdf(observed, expected)),
                           float(poisson.sf(observed - 1, expected)))
    return result


def _next_term(table: CaptureHistories, model: HierarchicalModel,
               threshold: float) -> int | None:
    p_values = pair_p_values(table, model)
    # Smallest p-value first; ties go to the pair with the lower bitmask, as in the
    # reference implementation (R package MultipleSystemsEstimation).
    for pair in sorted(p_values, key=lambda term: (p_values[term], term)):
        if p_values[pair] >= threshold:
            return None
        if check_model(model.with_term(pair), table.cells.astype(float)) is ModelStatus.OK:
            return pair
    return None


def _absent_pairs(model: HierarchicalModel) -> list[int]:
    pairs = ((1 << a) | (1 << b) for a, b in combinations(range(model.list_count), 2))
    return sorted(pair for pair in pairs if pair not in model.interactions)
