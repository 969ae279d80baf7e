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

from qantar.core.linkage.prepare import IntArray

FloatArray = npt.NDArray[np.float64]


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
) -> Clustering:
    """Cluster records from scored candidate pairs (see the module docstring for the rules).

    ``list_ids``: when given, the one-record-per-list rule applies. ``same_person`` and
    ``different_people``: reviewed pairs of record indexes.
    """
    strong = probability >= threshold
    order = np.argsort(-probability[strong], kind="stable")
    edge_left, edge_right = left[strong][order], right[strong][order]
    edge_probability = probability[strong][order]
    forced = np.array(same_person, dtype=np.int64).reshape(-1, 2)
    component = _component_of(size, np.r_[edge_left, forced[:, 0]], np.r_[edge_right, forced[:, 1]])
    weak = (probability < separation) & (component[left] == component[right])
    separated = set((left[weak] * size + right[weak]).tolist())
    separated |= {_code(a, b, size) for a, b in different_people}
    linked = set((edge_left * size + edge_right).tolist()) | {
        _code(a, b, size) for a, b in same_person}
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


def _result(size: int, groups: _Groups, left: IntArray, right: IntArray,
            probability: FloatArray) -> Clustering:
    roots = np.array([groups.find(item) for item in range(size)], dtype=np.int64)
    _unique, first_seen = np.unique(roots, return_index=True)
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
