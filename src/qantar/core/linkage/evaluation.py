"""Pairwise precision, recall and F1 of a clustering against the truth.

A *pair* is two records placed in one cluster. Precision: the share of predicted pairs that
are true; recall: the share of true pairs that were predicted; F1: their harmonic mean.
Counting is exact and needs no enumeration of pairs (cluster sizes and overlaps suffice).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PairwiseScores:
    """Pair counts and the scores derived from them."""

    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        """Share of predicted pairs that are true (1.0 when nothing was predicted)."""
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        """Share of true pairs that were predicted (1.0 when there are none)."""
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _pair_count(sizes: Counter[Any]) -> int:
    return sum(size * (size - 1) // 2 for size in sizes.values())


def pairwise_scores(
    predicted_clusters: Mapping[str, Hashable], true_clusters: Mapping[str, Hashable]
) -> PairwiseScores:
    """Score predicted clusters against true ones, both given as record_id → cluster.

    Records missing from the prediction count as alone; records missing from the truth are
    ignored.
    """
    shared = [record for record in true_clusters if record in predicted_clusters]
    predicted = Counter(predicted_clusters[record] for record in shared)
    true = Counter(true_clusters[record] for record in true_clusters)
    both = Counter((predicted_clusters[record], true_clusters[record]) for record in shared)
    return PairwiseScores(_pair_count(both), _pair_count(predicted), _pair_count(true))
