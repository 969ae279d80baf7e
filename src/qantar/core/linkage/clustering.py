"""From scored pairs to clusters (one cluster per person).

Pairs at or above the threshold are joined strongest first (like single linkage), but a join
is refused when it would put together two records that the evidence separates:

- a pair in the two groups that was compared and scored below ``separation`` (for example two
  namesakes born years apart who both resemble a third, sparse record), or that a reviewer
  marked as different people;
- when linking across lists, two records of the same list that are not themselves a match
  (a list seldom names one person twice; when it does, the two records must match directly).

Reviewers' "same person" decisions are joined first and never refused. Deterministic: ties
are broken by pair order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from qantar.core.linkage.grouping import distinct_counts
from qantar.core.linkage.prepare import IntArray

FloatArray = npt.NDArray[np.float64]
_NONE = np.empty(0, np.int64)


@dataclass
class Clustering:
    """Cluster label per record, the strongest link of each record, each cluster's weakest."""

    labels: IntArray
    record_probability: FloatArray
    cluster_probability: dict[int, float]


class _Groups:
    """Union–find that also keeps each group's members."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.members: dict[int, list[int]] = {}
        self.weakest: dict[int, float] = {}

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def group(self, root: int) -> list[int]:
        return self.members.get(root) or [root]

    def join(self, a: int, b: int, probability: float) -> None:
        if len(self.group(a)) < len(self.group(b)):
            a, b = b, a
        self.members[a] = self.group(a) + self.group(b)
        self.members.pop(b, None)
        self.parent[b] = a
        self.weakest[a] = min(probability, self.weakest.get(a, 1.0), self.weakest.pop(b, 1.0))


def _component_of(size: int, left: IntArray, right: IntArray) -> IntArray:
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(size, size))
    return np.asarray(connected_components(graph, directed=False)[1], dtype=np.int64)


def pairs_within_groups(size: int, left: IntArray, right: IntArray, probability: FloatArray,
                        *, threshold: float, limit: int) -> tuple[IntArray, IntArray]:
    """Pairs (i < j) of records that pairs at or above ``threshold`` connect, and that are
    not among ``left``/``right`` (which must be sorted by ``left * size + right``).

    Blocking may not have proposed two records that end up connected through a third; they
    must be compared before they are put together. Groups of more than ``limit`` records
    (long chains) are left out.
    """
    strong = probability >= threshold
    component = _component_of(size, left[strong], right[strong])
    sizes = np.bincount(component)
    members = np.flatnonzero((sizes[component] > 1) & (sizes[component] <= limit))
    first, second = _all_pairs(members, component[members])
    codes = first * np.int64(size) + second
    known = left * np.int64(size) + right
    found = np.searchsorted(known, codes)
    is_new = (found >= len(known)) | (known[np.minimum(found, len(known) - 1)] != codes)
    if not len(known):
        is_new = np.ones(len(codes), dtype=bool)
    return first[is_new], second[is_new]


def _all_pairs(members: IntArray, groups: IntArray) -> tuple[IntArray, IntArray]:
    """All pairs (i < j) of members of one group, sorted by (i, j)."""
    order = np.argsort(groups, kind="stable")
    members, groups = members[order], groups[order]
    left: list[IntArray] = []
    right: list[IntArray] = []
    for offset in range(1, len(members)):
        same = groups[offset:] == groups[:-offset]
        if not same.any():
            break
        left.append(members[:-offset][same])
        right.append(members[offset:][same])
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    a, b = np.concatenate(left), np.concatenate(right)
    first, second = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((second, first))
    return first[order], second[order]


def _code(a: int, b: int, size: int) -> int:
    return min(a, b) * size + max(a, b)


class _Rules:
    """The separation rules, looked up per pair of records."""

    def __init__(self, size: int, list_ids: list[int] | None, separated: set[int],
                 linked: set[int]) -> None:
        self.size, self.list_ids, self.separated, self.linked = size, list_ids, separated, linked

    def allows(self, first: list[int], second: list[int]) -> bool:
        for x in first:
            for y in second:
                code = _code(x, y, self.size)
                if code in self.separated:
                    return False
                if self.list_ids and self.list_ids[x] == self.list_ids[y] and \
                        code not in self.linked:
                    return False
        return True


@dataclass
class CheckedPairs:
    """Pairs compared only to check a cluster (see :func:`pairs_within_groups`)."""

    left: IntArray
    right: IntArray
    probability: FloatArray


def cluster(
    size: int,
    left: IntArray,
    right: IntArray,
    probability: FloatArray,
    *,
    threshold: float,
    separation: float,
    list_ids: IntArray | None = None,
    same_person: Sequence[tuple[int, int]] = (),
    different_people: Sequence[tuple[int, int]] = (),
    checked: CheckedPairs | None = None,
) -> Clustering:
    """Cluster records from scored candidate pairs (see the module docstring for the rules).

    ``list_ids``: when given, the one-record-per-list rule applies. ``same_person`` and
    ``different_people``: reviewed pairs of record indexes. ``checked``: more scored pairs
    that may keep records apart (or, in one list, allow them together) but join nobody.
    """
    strong = probability >= threshold
    order = np.argsort(-probability[strong], kind="stable")
    edge_left, edge_right = left[strong][order], right[strong][order]
    edge_probability = probability[strong][order]
    forced = np.array(same_person, dtype=np.int64).reshape(-1, 2)
    component = _component_of(size, np.r_[edge_left, forced[:, 0]], np.r_[edge_right, forced[:, 1]])
    checked = checked or CheckedPairs(_NONE, _NONE, np.empty(0))
    separated = _weak_codes(size, left, right, probability, component, separation)
    separated |= _weak_codes(size, checked.left, checked.right, checked.probability, component,
                             separation)
    separated |= {_code(a, b, size) for a, b in different_people}
    also_linked = checked.probability >= threshold
    linked = set((edge_left * size + edge_right).tolist()) | {
        _code(a, b, size) for a, b in same_person} | set(
        (checked.left[also_linked] * size + checked.right[also_linked]).tolist())
    rules = _Rules(size, list_ids.tolist() if list_ids is not None else None, separated, linked)
    groups = _Groups(size)
    for a, b in same_person:
        root_a, root_b = groups.find(a), groups.find(b)
        if root_a != root_b:
            groups.join(root_a, root_b, 1.0)
    for a, b, p in zip(edge_left.tolist(), edge_right.tolist(), edge_probability.tolist(),
                       strict=True):
        root_a, root_b = groups.find(a), groups.find(b)
        if root_a != root_b and rules.allows(groups.group(root_a), groups.group(root_b)):
            groups.join(root_a, root_b, p)
    return _result(size, groups, left, right, probability)


def _weak_codes(size: int, left: IntArray, right: IntArray, probability: FloatArray,
                component: IntArray, separation: float) -> set[int]:
    """Codes of the pairs scored below ``separation`` whose records strong pairs connect."""
    weak = np.flatnonzero(probability < separation)
    weak = weak[component[left[weak]] == component[right[weak]]]
    return set((left[weak] * size + right[weak]).tolist())


def _result(size: int, groups: _Groups, left: IntArray, right: IntArray,
            probability: FloatArray) -> Clustering:
    roots = np.array([groups.find(item) for item in range(size)], dtype=np.int64)
    _unique, first_seen, _counts = distinct_counts(roots)
    label_of_root = {int(roots[index]): rank for rank, index in enumerate(np.sort(first_seen))}
    labels = np.array([label_of_root[int(root)] for root in roots], dtype=np.int64)
    # A clustered record's strongest link inside its cluster; a lone record's best candidate.
    best = np.zeros(size)
    inside = labels[left] == labels[right]
    alone = np.bincount(labels, minlength=len(label_of_root)) == 1
    for ends in (left, right):
        counted = inside | alone[labels[ends]]
        np.maximum.at(best, ends[counted], probability[counted])
    weakest = {label_of_root[root]: value for root, value in groups.weakest.items()}
    return Clustering(labels, best, weakest)
