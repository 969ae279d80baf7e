"""Namesakes share the evidence: a record matches at most one person on another list.

Fellegi–Sunter scores each pair on its own. When a press report names ``Abai Orazkhanov,
41, Almaty`` and the official list holds two such men, each pair scores high, though at most
one can be right. Assuming that a list names a person once (records of one list that match
each other directly are counted as one), the probability that record *a* is record *b* of
list *B* is

    P(a ~ b) = o(a, b) / (1 + o(a, b) + sum of o(a, b') over the other people b' of B)

where o are the pair odds from the model. This is applied from both ends of the pair and the
smaller value kept. Pairs inside one list (deduplication) are left as they are.

Deterministic; no parameters besides the threshold that decides which records of one list
are the same person.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from qantar.core.linkage.prepare import IntArray

FloatArray = npt.NDArray[np.float64]
_EDGE = 1e-12


def _same_list_groups(size: int, left: IntArray, right: IntArray,
                      strong: npt.NDArray[np.bool_]) -> IntArray:
    """Each record's group: records of one list joined by strong direct matches."""
    graph = coo_matrix((np.ones(int(strong.sum())), (left[strong], right[strong])),
                       shape=(size, size))
    return np.asarray(connected_components(graph, directed=False)[1], dtype=np.int64)


def _competitors(owner: IntArray, other_list: IntArray, other_group: IntArray,
                 odds: FloatArray, lists: int) -> FloatArray:
    """For each pair, the summed odds of the owner's *other* candidates on the same list.

    Candidates in one group (one person) count once, with their best odds.
    """
    slot = owner * np.int64(lists) + other_list
    group_key = np.stack([slot, other_group])
    groups, group_of_pair = np.unique(group_key, axis=1, return_inverse=True)
    group_of_pair = group_of_pair.ravel()
    best = np.zeros(groups.shape[1])
    np.maximum.at(best, group_of_pair, odds)
    slots, slot_of_group = np.unique(groups[0], return_inverse=True)
    total = np.bincount(slot_of_group.ravel(), weights=best, minlength=len(slots))
    return total[slot_of_group.ravel()[group_of_pair]] - best[group_of_pair]


def share_between_namesakes(
    size: int,
    left: IntArray,
    right: IntArray,
    probability: FloatArray,
    list_ids: IntArray,
    *,
    threshold: float,
) -> FloatArray:
    """Pair probabilities with each cross-list pair's odds shared with its rivals.

    ``list_ids``: the list of each record. Probabilities of exactly 0 or 1 (reviewers'
    decisions) and of pairs inside one list are returned unchanged.
    """
    same_list = list_ids[left] == list_ids[right]
    cross = ~same_list
    if not cross.any():
        return probability
    groups = _same_list_groups(size, left, right, same_list & (probability >= threshold))
    clipped = np.clip(probability, _EDGE, 1 - _EDGE)
    odds = (clipped / (1 - clipped))[cross]
    a, b = left[cross], right[cross]
    lists = int(list_ids.max()) + 1
    from_a = odds / (1 + odds + _competitors(a, list_ids[b], groups[b], odds, lists))
    from_b = odds / (1 + odds + _competitors(b, list_ids[a], groups[a], odds, lists))
    result = probability.copy()
    decided = (probability == 0) | (probability == 1)
    result[cross] = np.where(decided[cross], probability[cross], np.minimum(from_a, from_b))
    return result
