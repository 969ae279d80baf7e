"""Grouping equal integers by sorting.

``numpy.unique`` on tens of millions of int64 codes (record pairs, blocking keys) takes many
times as long as a plain sort in the numpy versions Qantar supports, so the linkage code
groups its codes with these sort-based helpers instead. All results are deterministic.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def distinct(values: IntArray) -> IntArray:
    """The distinct values, sorted."""
    ordered = np.sort(values)
    if not len(ordered):
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def distinct_inverse(values: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct values (sorted) and, for each value, its index among them."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    is_new = np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else np.zeros(0, bool)
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(is_new) - 1
    return ordered[is_new], inverse


def distinct_counts(values: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """The distinct values (sorted), the first position of each, and how often each occurs."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    if not len(ordered):
        return ordered, order.astype(np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, len(ordered)])
    return ordered[starts], order[starts].astype(np.int64), counts.astype(np.int64)
