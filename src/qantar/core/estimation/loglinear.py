"""Poisson log-linear models fitted to the observed cells of a capture-history table.

Model (Fienberg 1972; Bishop, Fienberg and Holland 1975): each observable cell count
``y_c ~ Poisson(mu_c)`` with ``log mu_c = sum of alpha_theta over terms theta inside c``.
The intercept ``alpha_0`` is the log of the expected count in the unobservable
all-zero cell, so the estimated number never documented is ``exp(alpha_0)``.

Assumptions: a closed population (nobody enters or leaves during listing), people
matched correctly across lists, and list dependence captured by the chosen
interactions (the highest-order interaction among all lists is assumed zero).

Fitting is Newton-Raphson with step halving, vectorised over a batch of
(design, data) pairs so that thousands of models or bootstrap samples are fitted in
one pass. Cells can be masked out (an extended maximum-likelihood estimate with
some interactions at minus infinity, Chan, Silverman and Vincent 2021).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qantar.core.estimation.models import HierarchicalModel

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MAX_ITERATIONS = 60
SCORE_TOLERANCE = 1e-8
STEP_TOLERANCE = 1e-4


@dataclass(frozen=True)
class BatchFit:
    """Fits of a batch: one row per (design, data) pair."""

    coefficients: FloatArray  # (K, p)
    fitted: FloatArray  # (K, C) fitted means, 0 in masked cells
    loglik: FloatArray  # (K,) Poisson log-likelihood over unmasked cells
    certified: BoolArray  # (K,) converged to a true maximum (a proof the MLE exists)

    @property
    def dark_figure(self) -> FloatArray:
        """Estimated people on no list, ``exp(intercept)`` (inf for a diverging fit)."""
        with np.errstate(over="ignore"):
            result: FloatArray = np.exp(self.coefficients[:, 0])
        return result


def design_matrix(model: HierarchicalModel, include_zero_cell: bool = False) -> FloatArray:
    """Rows: cells (1 .. 2**t - 1, or 0 .. 2**t - 1); columns: intercept then terms."""
    first = 0 if include_zero_cell else 1
    cells = np.arange(first, 1 << model.list_count)
    columns = [np.ones(cells.size)]
    columns += [((cells & term) == term).astype(float) for term in model.terms]
    return np.column_stack(columns)


def fit_batch(design: FloatArray, counts: FloatArray, mask: BoolArray | None = None) -> BatchFit:
    """Fit Poisson log-linear models to a batch.

    Parameters: ``design`` (K, C, p) or (C, p) shared; ``counts`` (K, C); ``mask``
    (K, C), True for cells that take part (masked cells are fitted as zero).
    Columns that touch no unmasked cell are held at zero. Deterministic.
    """
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    k, c = counts.shape
    live = np.ones((k, c), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    x = np.broadcast_to(design, (k, c, design.shape[-1])) * live[:, :, None]
    inactive = ~(x.any(axis=1))
    beta = _starting_values(x, counts, live, inactive)
    loglik = _loglik(x, beta, counts, live)
    tolerance = SCORE_TOLERANCE * np.maximum(1.0, counts.sum(axis=1))
    pending = np.arange(k)
    for _ in range(MAX_ITERATIONS):
        # Only the fits that have not converged are worked on.
        rows = (x[pending], counts[pending], live[pending])
        step, score_size = _newton_step(*rows, beta[pending], inactive[pending])
        moving = score_size >= tolerance[pending]
        pending, step = pending[moving], step[moving]
        if pending.size == 0:
            break
        beta[pending], loglik[pending] = _halving_update(
            x[pending], beta[pending], step, counts[pending], live[pending], loglik[pending])
    step, score_size = _newton_step(x, counts, live, beta, inactive)
    fitted = np.exp(np.einsum("kcp,kp->kc", x, beta)) * live
    return BatchFit(beta, fitted, loglik, _is_certified(x, step, score_size < tolerance))


def _is_certified(x: FloatArray, step: FloatArray, converged: BoolArray) -> BoolArray:
    # At a true maximum Newton has converged quadratically and its next step is tiny.
    # When the estimate does not exist the likelihood keeps rising as some fitted
    # values go to zero: the score is tiny but each Newton step moves log-means by ~1.
    movement = np.abs(np.einsum("kcp,kp->kc", x, step)).max(axis=1)
    result: BoolArray = converged & (movement < STEP_TOLERANCE)
    return result


def _starting_values(x: FloatArray, y: FloatArray, live: BoolArray,
                     inactive: BoolArray) -> FloatArray:
    # One weighted least-squares step on log(y + 0.5), the usual IRLS start.
    weight = (y + 0.5) * live
    response = np.log(y + 0.5)
    xtw = np.swapaxes(x * weight[:, :, None], 1, 2)
    gram = xtw @ x + _ridge(inactive)
    rhs = np.einsum("kpc,kc->kp", xtw, response)
    # A design that is not identifiable on its live cells has a singular Gram matrix;
    # _solve falls back to the pseudo-inverse instead of failing the whole batch.
    return _solve(gram, rhs)


def _newton_step(x: FloatArray, y: FloatArray, live: BoolArray, beta: FloatArray,
                 inactive: BoolArray) -> tuple[FloatArray, FloatArray]:
    mu = np.exp(np.einsum("kcp,kp->kc", x, beta)) * live
    score = np.einsum("kcp,kc->kp", x, y - mu)
    information = np.swapaxes(x * mu[:, :, None], 1, 2) @ x + _ridge(inactive)
    step = _solve(information, score)
    return step, np.abs(score).max(axis=1)


def _solve(matrix: FloatArray, vector: FloatArray) -> FloatArray:
    try:
        result = np.asarray(np.linalg.solve(matrix, vector[:, :, None])[:, :, 0],
                            dtype=np.float64)
    except np.linalg.LinAlgError:
        result = np.asarray(np.einsum("kpq,kq->kp", np.linalg.pinv(matrix), vector),
                            dtype=np.float64)
    return result


def _halving_update(x: FloatArray, beta: FloatArray, step: FloatArray, y: FloatArray,
                    live: BoolArray, loglik: FloatArray) -> tuple[FloatArray, FloatArray]:
    # Newton on a concave likelihood: halve any step that lowers the likelihood.
    scale = np.ones(beta.shape[0])
    new_beta, new_loglik = beta, loglik
    for _ in range(30):
        new_beta = beta + scale[:, None] * step
        new_loglik = _loglik(x, new_beta, y, live)
        worse = (new_loglik < loglik - 1e-10) & (scale > 0)
        if not worse.any():
            break
        scale = np.where(worse, scale / 2, scale)
    return new_beta, new_loglik


def _loglik(x: FloatArray, beta: FloatArray, y: FloatArray, live: BoolArray) -> FloatArray:
    eta = np.clip(np.einsum("kcp,kp->kc", x, beta), -700, 700)
    terms = (y * eta - np.exp(eta) - _log_factorial(y)) * live
    result: FloatArray = terms.sum(axis=1)
    return result


def _log_factorial(y: FloatArray) -> FloatArray:
    from scipy.special import gammaln

    result: FloatArray = gammaln(y + 1.0)
    return result


def _ridge(inactive: BoolArray) -> FloatArray:
    # Identity on columns with no live cell keeps the system solvable; they stay at 0.
    eye = np.eye(inactive.shape[1])
    result: FloatArray = inactive[:, :, None] * eye[None, :, :]
    return result
