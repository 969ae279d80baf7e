"""Priors: how likely two records picked at random are one person, per pair of lists.

A pair's *kind* is its two lists (a list with itself included). The prior of a kind is the
number of matching pairs of that kind over all its pairs; EM finds the matches among the
blocked candidates, the final model then settles the priors against its own probabilities
(:func:`refine_priors`), and the priors give each list's *coverage* of the others (how
likely a person named on one list is named on another), which sharing between namesakes
needs (:mod:`qantar.core.linkage.exclusivity`). Deterministic.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qantar.core.linkage.prepare import IntArray

FloatArray = npt.NDArray[np.float64]
# Match weights beyond this many bits either way are counted as this many when priors are set.
_BITS_RANGE = 120.0
_PRIOR_CANDIDATES = 20.0
_DEFAULT_COVERAGE = 0.5
_DEFAULT_DUPLICATES = 0.05


def pair_kinds(list_id: IntArray, left: IntArray, right: IntArray) -> IntArray:
    """The kind of each pair: its two lists, in either order, as one number."""
    lists = int(list_id.max()) + 1 if len(list_id) else 1
    first = np.minimum(list_id[left], list_id[right])
    second = np.maximum(list_id[left], list_id[right])
    return first * lists + second


def pairs_per_kind(list_id: IntArray) -> FloatArray:
    """The number of record pairs of every kind (see :func:`pair_kinds`)."""
    counts = np.bincount(list_id).astype(float) if len(list_id) else np.ones(1)
    lists = len(counts)
    total = np.outer(counts, counts)
    total[np.diag_indices(lists)] = counts * (counts - 1) / 2
    return np.asarray(np.triu(total).ravel(), dtype=np.float64)


def default_priors(list_id: IntArray) -> FloatArray:
    """What each kind's prior is taken to be before the data say otherwise: a record of one
    list is on another with probability ``_DEFAULT_COVERAGE``, and has a duplicate in its
    own list with probability ``_DEFAULT_DUPLICATES``."""
    counts = np.bincount(list_id).astype(float) if len(list_id) else np.ones(1)
    larger = np.maximum.outer(counts, counts)
    priors = _DEFAULT_COVERAGE / np.maximum(larger, 1)
    priors[np.diag_indices(len(counts))] = _DEFAULT_DUPLICATES / np.maximum(counts - 1, 1)
    return np.asarray(np.triu(priors).ravel(), dtype=np.float64)


def random_pair_priors(shares: FloatArray, candidates: FloatArray, pairs: FloatArray,
                       defaults: FloatArray) -> FloatArray:
    """Each kind's prior among all its pairs: the matches among its candidates (``shares``
    times ``candidates``) over its number of pairs (``pairs``), at most the candidate share.
    A kind with few candidates stays near its default: the default counts as
    ``_PRIOR_CANDIDATES`` candidates against the kind's own.

    Assumption: blocking finds (nearly) all matches, so the matches among candidates are
    (nearly) all the matches.
    """
    found = np.minimum(shares * candidates / np.maximum(pairs, 1), shares)
    weight = _PRIOR_CANDIDATES / (_PRIOR_CANDIDATES + candidates)
    return np.asarray((1 - weight) * found + weight * defaults, dtype=np.float64)


def refine_priors(priors: FloatArray, evidence: FloatArray, kinds: IntArray,
                  pairs: FloatArray, iterations: int = 30) -> FloatArray:
    """Priors that agree with the final model: each kind's prior becomes the expected number
    of matches among its candidates (their probabilities under the prior) over its pairs,
    until it settles. ``evidence``: the bits of each candidate pair without the prior,
    counted in steps of 1/50 bit (which changes no probability by more than 1.4%).

    EM's estimate (``priors``) counts candidates that merely resemble each other (namesakes
    within one list); with the u of random pairs and name frequencies, such kinds settle near
    0. A kind with few candidates keeps much of EM's estimate: it counts as
    ``_PRIOR_CANDIDATES`` candidates against the kind's own.
    """
    steps = np.rint(np.clip(evidence, -_BITS_RANGE, _BITS_RANGE) * 50).astype(np.int64)
    width = 2 * int(_BITS_RANGE) * 50 + 1
    table = np.bincount(kinds * width + steps + width // 2,
                        minlength=len(priors) * width).reshape(len(priors), width)
    used = np.flatnonzero(table.sum(axis=1))
    candidates = table[used].sum(axis=1)
    weight = _PRIOR_CANDIDATES / (_PRIOR_CANDIDATES + candidates)
    bits = (np.arange(width) - width // 2) / 50.0
    result = priors.copy()
    for _ in range(iterations):
        odds = np.log2(np.clip(result[used], 1e-300, 1 - 1e-12) / (1 - result[used]))
        chance = 1 / (1 + np.exp2(-np.clip(odds[:, None] + bits[None, :], -200, 200)))
        found = (chance * table[used]).sum(axis=1) / np.maximum(pairs[used], 1)
        result[used] = np.clip((1 - weight) * found + weight * priors[used], 1e-300, 0.5)
    return result


def list_coverage(priors: FloatArray, list_id: IntArray) -> FloatArray:
    """``coverage[A, B]``: the probability that the person of a record of list A is on list B
    (the expected number of matches in B of one record of A, at most 0.99), from the
    priors of the pair kinds."""
    sizes = np.bincount(list_id).astype(float)
    lists = len(sizes)
    priors = priors.reshape(lists, lists)
    symmetric = np.triu(priors) + np.triu(priors, 1).T
    return np.asarray(np.clip(symmetric * sizes[None, :], 0.0, 0.99), dtype=np.float64)
