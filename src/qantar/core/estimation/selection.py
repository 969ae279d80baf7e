"""Fit many hierarchical log-linear models at once and choose one by AIC or BIC.

Every candidate is first checked (extended MLE, identifiability, Fienberg-Rinaldo
existence); models without an estimate are excluded, never ranked.

AIC = -2 log L + 2k (Akaike 1974); BIC = -2 log L + k log(n), with n the number of
people observed and k the number of finite parameters including the intercept, as in
Silverman, Chan and Vincent (2024, Statistics and Computing 34:44) and the R package
MultipleSystemsEstimation. Selection is deterministic.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np

from qantar.core.estimation.existence import (
    ModelStatus,
    ReducedModels,
    check_model,
    identifiable_many,
    reduce,
    reduce_many,
    same_width_designs,
    term_columns,
)
from qantar.core.estimation.loglinear import BoolArray, FloatArray, fit_batch
from qantar.core.estimation.models import HierarchicalModel, all_models
from qantar.core.estimation.table import CaptureHistories

CHUNK = 1024


class Criterion(enum.Enum):
    """Information criteria for choosing a model."""

    AIC = "aic"
    BIC = "bic"


@dataclass(frozen=True)
class ModelFit:
    """One model fitted to one table."""

    model: HierarchicalModel
    status: ModelStatus
    dark_figure: float  # people on no list; nan without an estimate
    loglik: float
    free_parameters: int
    observed: int

    @property
    def estimate(self) -> float:
        """Estimated total: observed plus dark figure."""
        return self.observed + self.dark_figure

    def criterion(self, which: Criterion) -> float:
        """AIC or BIC; infinite for a model without an estimate."""
        if self.status is not ModelStatus.OK:
            return math.inf
        penalty = 2.0 if which is Criterion.AIC else math.log(self.observed)
        return -2.0 * self.loglik + penalty * self.free_parameters


def default_max_order(list_count: int) -> int:
    """All hierarchical models up to five lists; two-list interactions beyond that."""
    return list_count - 1 if list_count <= 5 else 2


def fit_models(table: CaptureHistories, models: Sequence[HierarchicalModel]) -> list[ModelFit]:
    """Check and fit every model on the table, in the order given.

    Vectorised: the existence checks run over all models at once; models that reduce
    to the same design on this table (same live cells, same finite terms, common on
    sparse tables) are fitted once; the distinct designs are fitted in batches of
    equal width, so no system is padded. Same results as fitting one at a time.
    """
    cells = table.cells.astype(float)
    columns = term_columns(table.list_count)
    reduced = reduce_many(models, cells, columns)
    keys = np.packbits(np.hstack([reduced.live, reduced.active]), axis=1)
    rows = np.ascontiguousarray(keys).view(np.dtype((np.void, keys.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    distinct = ReducedModels(reduced.live[first], reduced.active[first])
    identifiable = identifiable_many(distinct, columns)
    dark, loglik, certified = _fit_distinct(distinct, cells, columns, identifiable)
    free = reduced.free_parameters
    return [
        _model_fit(table, model, _status(bool(identifiable[k]), bool(certified[k])),
                   float(dark[k]), float(loglik[k]), int(free[i]))
        for i, (model, k) in enumerate(zip(models, inverse.ravel().tolist(), strict=True))
    ]


def rank_models(fits: Sequence[ModelFit], which: Criterion) -> list[ModelFit]:
    """Models with an estimate, best first (ties: fewer parameters, then notation)."""
    usable = [fit for fit in fits if fit.status is ModelStatus.OK]
    ranked = sorted(usable, key=lambda f: (round(f.criterion(which), 9), f.free_parameters))
    # Notation breaks the remaining ties (common on sparse tables, where models differing
    # only by terms at minus infinity fit alike); it is computed only inside tied groups.
    return [fit for _, tied in groupby(ranked, key=lambda f: (
        round(f.criterion(which), 9), f.free_parameters))
        for fit in sorted(tied, key=lambda f: f.model.code())]


def search(table: CaptureHistories, which: Criterion,
           max_order: int | None = None) -> list[ModelFit]:
    """Rank all hierarchical models (up to ``max_order``-list interactions)."""
    order = default_max_order(table.list_count) if max_order is None else max_order
    return rank_models(fit_models(table, all_models(table.list_count, order)), which)


def _fit_distinct(reduced: ReducedModels, cells: FloatArray, columns: FloatArray,
                  identifiable: BoolArray) -> tuple[FloatArray, FloatArray, BoolArray]:
    # Designs that are not identifiable are never used, so they are not fitted.
    count = reduced.live.shape[0]
    dark, loglik = np.full(count, np.nan), np.full(count, -np.inf)
    certified = np.zeros(count, dtype=bool)
    for rows, design in same_width_designs(reduced, columns, np.flatnonzero(identifiable)):
        for start in range(0, rows.size, CHUNK):
            part = slice(start, start + CHUNK)
            live = reduced.live[rows[part]]
            batch = fit_batch(design[part], np.broadcast_to(cells[1:], live.shape), live)
            dark[rows[part]], loglik[rows[part]] = batch.dark_figure, batch.loglik
            certified[rows[part]] = batch.certified
    return dark, loglik, certified


def _model_fit(table: CaptureHistories, model: HierarchicalModel, status: ModelStatus,
               dark: float, loglik: float, free_parameters: int) -> ModelFit:
    if status is not ModelStatus.OK:
        dark, loglik = math.nan, -math.inf
    return ModelFit(model, status, dark, loglik, free_parameters, table.observed)


def _status(identifiable: bool, certified: bool) -> ModelStatus:
    # A converged Newton fit with a vanishing next step proves the MLE exists. Without
    # that proof the model is excluded: either the Fienberg-Rinaldo condition fails
    # (checked exactly by ``existence.check_model``; the test suite shows the two agree
    # on the benchmark tables) or the fit is too close to the boundary to trust.
    if not identifiable:
        return ModelStatus.NOT_IDENTIFIABLE
    return ModelStatus.OK if certified else ModelStatus.NO_ESTIMATE


def fit_model(table: CaptureHistories, model: HierarchicalModel) -> ModelFit:
    """Fit one model, with the exact Fienberg-Rinaldo check when Newton cannot prove it."""
    cells = table.cells.astype(float)
    reduction = reduce(model, cells)
    batch = fit_batch(reduction.design, cells[None, 1:], reduction.live[None, :])
    if batch.certified[0]:
        status = _status(reduction.identifiable, True)
    else:
        status = check_model(model, cells)
    return _model_fit(table, model, status, float(batch.dark_figure[0]),
                      float(batch.loglik[0]), reduction.free_parameters)


def select_in_batch(cells: FloatArray, models: Sequence[HierarchicalModel],
                    which: Criterion) -> FloatArray:
    """For each row of ``cells`` (B, 2**t), the estimate of the best model in ``models``.

    Used to repeat model selection inside bootstrap and jackknife samples, so that
    intervals carry the uncertainty of choosing a model (Silverman, Chan and Vincent
    2024). A model counts for a sample only if Newton proves its estimate exists there.
    Rows where no model qualifies get ``nan``.
    """
    observed = cells[:, 1:].sum(axis=1)
    best = np.full(cells.shape[0], np.inf)
    estimate = np.full(cells.shape[0], np.nan)
    columns = term_columns(models[0].list_count)
    for model in models:
        value, dark = _criterion_in_batch(cells, model, which, columns)
        better = value < best - 1e-9
        best = np.where(better, value, best)
        estimate = np.where(better, observed + dark, estimate)
    return estimate


def _criterion_in_batch(cells: FloatArray, model: HierarchicalModel, which: Criterion,
                        columns: FloatArray) -> tuple[FloatArray, FloatArray]:
    design = columns[:, (0, *model.terms)]
    y = cells[:, 1:]
    nstar = y @ design[:, 1:]
    orders = np.array([bin(t).count("1") for t in model.terms])
    infinite = (nstar == 0) & (orders >= 2)
    live = ~((design[:, 1:] > 0).astype(float) @ infinite.T.astype(float) > 0).T
    x = design[None, :, :] * live[:, :, None]
    active = x.any(axis=1)
    identifiable = np.ones(y.shape[0], dtype=bool)
    if infinite.any():
        rows = infinite.any(axis=1)
        identifiable[rows] = np.linalg.matrix_rank(x[rows]) == active[rows].sum(axis=1)
    fit = fit_batch(design, y, live)
    observed = y.sum(axis=1)
    penalty = 2.0 if which is Criterion.AIC else np.log(observed)
    value = -2.0 * fit.loglik + penalty * active.sum(axis=1)
    admissible = identifiable & fit.certified
    return np.where(admissible, value, np.inf), fit.dark_figure
