"""Record linkage: many lists of names, one list of people.

Public API::

    read_records(path_or_text) -> ReadResult          # CSV in the standard columns
    link(records, *, labelled_pairs=None, threshold=0.5, seed=0) -> LinkResult
    capture_histories(records, clusters) -> (lists, rows)
    pairwise_scores(predicted_clusters, true_clusters) -> PairwiseScores

See ``docs/linkage.md`` for how it works and how to read its scores.
"""

from __future__ import annotations

from qantar.core.linkage.capture import capture_histories, capture_histories_csv
from qantar.core.linkage.comparisons import FEATURES, Feature
from qantar.core.linkage.engine import (
    DEFAULT_THRESHOLD,
    Cluster,
    Evidence,
    LabelledPair,
    LinkResult,
    ScoredPair,
    link,
)
from qantar.core.linkage.evaluation import PairwiseScores, pairwise_scores
from qantar.core.linkage.records import (
    COLUMNS,
    ReadResult,
    Record,
    RowProblem,
    merge_results,
    read_records,
)

NameRecord = Record

__all__ = [
    "COLUMNS", "DEFAULT_THRESHOLD", "FEATURES", "Cluster", "Evidence", "Feature",
    "LabelledPair", "LinkResult", "NameRecord", "PairwiseScores", "ReadResult", "Record",
    "RowProblem", "ScoredPair", "capture_histories", "capture_histories_csv", "link",
    "merge_results", "pairwise_scores", "read_records",
]
