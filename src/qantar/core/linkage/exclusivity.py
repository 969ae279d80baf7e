"""Namesakes share the evidence: a record matches at most one person on a list.

Fellegi–Sunter scores each pair on its own. When a press report names ``Abai Orazkhanov,
41, Almaty`` and the official list holds two such men, each pair scores high, though at most
one can be right. Assuming that a list names a person once (records of one list that match
each other directly are counted as one), the probability that record *a* is record *b* of
list *B* is

    P(a ~ b) = o(a, b) / (1 - c + o(a, b) + sum of o(a, b') over the other people b' of B)

where o are the pair odds from the model (prior odds of a random pair of the two lists times
the evidence) and c the probability that a's person is on list B at all (``coverage``; with
c = 0 the 1 stands for "not on the list"). This is applied from both ends of the pair and the
smaller value kept. A list against itself works the same way: a record has at most one
duplicate in its own list.

Rivals are then weighed by how free they are: a rival b' already likely to be another record
of a's list (``taken``) cannot also be a, so in each further round its odds count times the
chance that it is not taken (``rounds`` rounds, each result averaged with the previous one so
that the rounds settle rather than swing).

Deterministic; no parameters besides the threshold that decides which records of one list
are the same person and the number of rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from qantar.core.linkage.grouping import distinct_inverse
from qantar.core.linkage.prepare import IntArray

FloatArray = npt.NDArray[np.float64]
_EDGE = 1e-12
NEGLIGIBLE = 1e-4
"""Pairs less likely than this neither change their rivals' odds nor need changing."""
ROUNDS = 4


def _same_list_groups(size: int, left: IntArray, right: IntArray,
                      strong: npt.NDArray[np.bool_]) -> IntArray:
    """Each record's group: records of one list joined by strong direct matches."""
    graph = coo_matrix((np.ones(int(strong.sum())), (left[strong], right[strong])),
                       shape=(size, size))
    return np.asarray(connected_components(graph, directed=False)[1], dtype=np.int64)


@dataclass
class _Side:
    """One end of every pair: the record, the other record's list and group, the share of
    that end's list that does not contain the other record's person."""

    owner: IntArray
    owner_list: IntArray
    other: IntArray
    other_list: IntArray
    other_group: IntArray
    absent: FloatArray


def _competitors(side: _Side, odds: FloatArray, lists: int, size: int) -> FloatArray:
    """For each pair, the summed odds of the owner's *other* candidates on the same list.

    Candidates in one group (one person) count once, with their best odds.
    """
    slot = side.owner * np.int64(lists) + side.other_list
    groups, group_of_pair = distinct_inverse(slot * np.int64(size) + side.other_group)
    best = np.zeros(len(groups))
    np.maximum.at(best, group_of_pair, odds)
    _slots, slot_of_group = distinct_inverse(groups // size)
    total = np.bincount(slot_of_group, weights=best)
    return np.asarray(total[slot_of_group[group_of_pair]] - best[group_of_pair])


def _taken(side: _Side, shared: FloatArray, lists: int, size: int) -> FloatArray:
    """For each pair, the chance that its other record is already the match of another
    record of the owner's list (0 to 1)."""
    slot = side.other * np.int64(lists) + side.owner_list
    slots, slot_of_pair = distinct_inverse(slot)
    total = np.bincount(slot_of_pair, weights=shared, minlength=len(slots))
    return np.asarray(np.clip(total[slot_of_pair] - shared, 0.0, 1.0))


def _share(side: _Side, odds: FloatArray, free: FloatArray, lists: int, size: int
           ) -> FloatArray:
    """P(a ~ b) from one end, rivals' odds weighted by how free they are."""
    rivals = _competitors(side, odds * free, lists, size)
    return np.asarray(odds / (side.absent + odds + rivals))


def share_between_namesakes(
    size: int,
    left: IntArray,
    right: IntArray,
    probability: FloatArray,
    list_ids: IntArray,
    *,
    threshold: float,
    coverage: FloatArray | None = None,
    rounds: int = 0,
) -> FloatArray:
    """Pair probabilities with each pair's odds shared with its rivals.

    ``list_ids``: the list of each record. ``coverage[A, B]``: the probability that the person
    of a record of list A is on list B at all (default 0: the odds are then taken as against
    the person being on the list at all). ``rounds``: further rounds that discount rivals
    already taken. Probabilities of exactly 0 or 1 (reviewers' decisions) and below
    ``NEGLIGIBLE`` are returned unchanged.
    """
    chosen = (probability >= NEGLIGIBLE) & (probability < 1)
    if not chosen.any():
        return probability
    same_list = list_ids[left] == list_ids[right]
    groups = _same_list_groups(size, left, right, same_list & (probability >= threshold))
    clipped = np.clip(probability[chosen], _EDGE, 1 - _EDGE)
    odds = clipped / (1 - clipped)
    a, b = left[chosen], right[chosen]
    lists = int(list_ids.max()) + 1
    covered = np.zeros((lists, lists)) if coverage is None else coverage
    sides = [_Side(x, list_ids[x], y, list_ids[y], groups[y],
                   1 - covered[list_ids[x], list_ids[y]]) for x, y in ((a, b), (b, a))]
    free = [np.ones(len(a)), np.ones(len(a))]
    shared = np.minimum(*(_share(side, odds, f, lists, size) for side, f in zip(sides, free,
                                                                                 strict=True)))
    for _ in range(rounds):
        free = [1 - _taken(side, shared, lists, size) for side in sides]
        again = np.minimum(*(_share(side, odds, f, lists, size)
                             for side, f in zip(sides, free, strict=True)))
        shared = (shared + again) / 2
    result = probability.copy()
    result[chosen] = shared
    return result
