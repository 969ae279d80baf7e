"""Does a log-linear model have a maximum-likelihood estimate on this table?

Sparse tables break models. Following Chan, Silverman and Vincent (2021, JASA 116:1297),
themselves following Fienberg and Rinaldo (2012, Annals of Statistics 40:996):

1. An interaction between lists that share nobody (``N*_theta = 0``) has an extended
   estimate of minus infinity: every cell containing it is fitted as zero and dropped.
2. On the cells left, the remaining parameters must be identifiable (the design has
   full column rank).
3. The estimate exists only if the observed margins can be reproduced by a table with
   every remaining cell strictly positive (a linear programme; Fienberg and Rinaldo).

A model failing 2 or 3 gives no estimate at all, and is never used or printed.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

from qantar.core.estimation.loglinear import BoolArray, FloatArray, fit_batch
from qantar.core.estimation.models import HierarchicalModel, bit_count

LP_TOLERANCE = 1e-7

IntArray = npt.NDArray[np.int64]


class ModelStatus(enum.Enum):
    """Whether a model can be estimated on a table."""

    OK = "ok"
    NO_ESTIMATE = "no_estimate"  # the (extended) MLE does not exist
    NOT_IDENTIFIABLE = "not_identifiable"


@dataclass(frozen=True)
class Reduction:
    """A model on a table after setting interactions of non-overlapping lists to -inf."""

    design: FloatArray  # (C, p) over observable cells
    live: BoolArray  # (C,) cells that are not forced to zero
    infinite_terms: tuple[int, ...]
    identifiable: bool

    @property
    def free_parameters(self) -> int:
        """Parameters not at minus infinity (the ones AIC and BIC count)."""
        return int((self.design[self.live].any(axis=0)).sum())


def term_columns(list_count: int) -> FloatArray:
    """(2**t - 1, 2**t): column ``theta`` is 1 on the observable cells containing ``theta``.

    Column 0 (the empty term) is the intercept.
    """
    cells = np.arange(1, 1 << list_count)[:, None]
    terms = np.arange(1 << list_count)[None, :]
    result: FloatArray = ((cells & terms) == terms).astype(float)
    return result


def infinite_terms(model: HierarchicalModel, cells: FloatArray) -> tuple[int, ...]:
    """Interactions whose lists share nobody: their extended estimate is minus infinity."""
    index = np.arange(cells.size)
    return tuple(
        term for term in model.terms
        if bit_count(term) >= 2 and cells[(index & term) == term].sum() == 0
    )


def reduce(model: HierarchicalModel, cells: FloatArray,
           columns: FloatArray | None = None) -> Reduction:
    """Drop the cells forced to zero and check identifiability of what remains.

    ``columns`` may pass a precomputed :func:`term_columns` to save time in bulk.
    """
    full = term_columns(model.list_count) if columns is None else columns
    design = full[:, (0, *model.terms)]
    nstar = cells[1:] @ design
    infinite = tuple(t for t, n in zip(model.terms, nstar[1:], strict=True)
                     if n == 0 and bit_count(t) >= 2)
    if not infinite:
        # On the full set of observable cells a hierarchical design without the
        # t-way term always has full rank.
        return Reduction(design, np.ones(design.shape[0], dtype=bool), (), True)
    live = (design[:, [1 + model.terms.index(t) for t in infinite]] == 0).all(axis=1)
    reduced = design[live][:, design[live].any(axis=0)]
    identifiable = bool(np.linalg.matrix_rank(reduced) == reduced.shape[1])
    return Reduction(design, live, infinite, identifiable)


@dataclass(frozen=True)
class ReducedModels:
    """Many models reduced on one table at once (as :func:`reduce`, over all 2**t terms).

    Two models with the same live cells and the same active terms have the same fit,
    the same free parameters and the same identifiability.
    """

    live: BoolArray  # (M, C) observable cells not forced to zero
    active: BoolArray  # (M, 2**t) terms with a finite parameter on a live cell; 0 = intercept

    @property
    def free_parameters(self) -> IntArray:
        """Parameters not at minus infinity, per model."""
        result: IntArray = self.active.sum(axis=1).astype(np.int64)
        return result


def reduce_many(models: Sequence[HierarchicalModel], cells: FloatArray,
                columns: FloatArray) -> ReducedModels:
    """:func:`reduce` for many models, vectorised; ``columns`` is :func:`term_columns`."""
    included = np.zeros((len(models), columns.shape[1]), dtype=bool)
    included[:, 0] = True
    for row, model in zip(included, models, strict=True):
        row[list(model.terms)] = True
    sizes = np.array([bit_count(t) for t in range(columns.shape[1])])
    infinite = included & ((cells[1:] @ columns) == 0) & (sizes >= 2)
    live = infinite.astype(float) @ columns.T == 0
    active = included & (live.astype(float) @ columns > 0)
    return ReducedModels(live, active)


def identifiable_many(reduced: ReducedModels, columns: FloatArray) -> BoolArray:
    """Full column rank of each reduced design (models with every cell live always are)."""
    result = np.ones(reduced.live.shape[0], dtype=bool)
    for rows, design in same_width_designs(reduced, columns,
                                           np.flatnonzero(~reduced.live.all(axis=1))):
        masked = design * reduced.live[rows][:, :, None]
        result[rows] = np.linalg.matrix_rank(masked) == design.shape[2]
    return result


def same_width_designs(reduced: ReducedModels, columns: FloatArray,
                       rows: IntArray) -> list[tuple[IntArray, FloatArray]]:
    """The given rows grouped by number of active terms, with their (G, C, p) designs."""
    widths = reduced.active[rows].sum(axis=1)
    groups = []
    for width in np.unique(widths):
        chosen = rows[widths == width]
        terms = np.nonzero(reduced.active[chosen])[1].reshape(chosen.size, int(width))
        groups.append((chosen, np.ascontiguousarray(np.moveaxis(columns[:, terms], 0, 1))))
    return groups


def check_model(model: HierarchicalModel, cells: FloatArray) -> ModelStatus:
    """The status of ``model`` on the table whose canonical cell counts are ``cells``."""
    reduction = reduce(model, cells)
    if not reduction.identifiable:
        return ModelStatus.NOT_IDENTIFIABLE
    y = np.asarray(cells[1:], dtype=float)
    if (y[reduction.live] > 0).all():
        return ModelStatus.OK
    fit = fit_batch(reduction.design, y[None, :], reduction.live[None, :])
    if fit.certified[0] or margins_have_positive_table(reduction, y):
        return ModelStatus.OK
    return ModelStatus.NO_ESTIMATE


def margins_have_positive_table(reduction: Reduction, y: FloatArray) -> bool:
    """Fienberg-Rinaldo linear programme: a strictly positive table with y's margins?"""
    a = reduction.design[reduction.live][:, reduction.design[reduction.live].any(axis=0)]
    target = a.T @ y[reduction.live]
    cells = a.shape[0]
    # Variables: the cell values z, then the slack s; maximise s with z >= s.
    objective = np.zeros(cells + 1)
    objective[-1] = -1.0
    equality = np.hstack([a.T, np.zeros((a.shape[1], 1))])
    inequality = np.hstack([-np.eye(cells), np.ones((cells, 1))])
    result = linprog(
        objective, A_ub=inequality, b_ub=np.zeros(cells), A_eq=equality, b_eq=target,
        bounds=[(0, None)] * cells + [(0, 1)], method="highs",
    )
    return bool(result.status == 0 and -result.fun > LP_TOLERANCE)
