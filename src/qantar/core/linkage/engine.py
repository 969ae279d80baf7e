"""``link``: from records to scored pairs and clusters, in process.

Steps: prepare columns (:mod:`prepare`), block (:mod:`blocking`), compare
(:mod:`comparisons`), estimate and score (:mod:`model`), cluster (:mod:`clustering`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from qantar.core.errors import ValidationFailed
from qantar.core.linkage.blocking import DEFAULT_MAX_BLOCK_SIZE, candidate_pairs
from qantar.core.linkage.clustering import (
    CheckedPairs,
    Clustering,
    cluster,
    pairs_within_groups,
)
from qantar.core.linkage.comparisons import (
    FEATURES,
    Feature,
    LevelArray,
    both_full_dates,
    compare,
    conflicts,
    features_of,
)
from qantar.core.linkage.exclusivity import ROUNDS, share_between_namesakes
from qantar.core.linkage.grouping import distinct
from qantar.core.linkage.model import (
    KnownPairs,
    Parameters,
    estimate_m,
    estimate_u,
    probability,
    sample_random_pairs,
)
from qantar.core.linkage.prepare import IntArray, Prepared, prepare
from qantar.core.linkage.priors import (
    default_priors,
    list_coverage,
    pair_kinds,
    pairs_per_kind,
    random_pair_priors,
    refine_priors,
)
from qantar.core.linkage.records import Record
from qantar.core.linkage.weights import feature_weights, standard_and_extra_bits

FloatArray = npt.NDArray[np.float64]
DEFAULT_THRESHOLD = 0.5
SEPARATION = 0.01
GROUP_CHECK_LIMIT = 40
CONFLICT_BITS = -5.0


@dataclass(frozen=True)
class Evidence:
    """One line of a pair's explanation: a feature, its agreement level, its weight in bits."""

    feature: str
    level: str
    weight: float


@dataclass(frozen=True)
class ScoredPair:
    """Two records, how likely they are one person, and why."""

    left_id: str
    right_id: str
    probability: float
    match_weight: float
    explanation: tuple[Evidence, ...]


@dataclass(frozen=True)
class Cluster:
    """Records judged to be one person, and the probability of its weakest link."""

    cluster_id: str
    record_ids: tuple[str, ...]
    probability: float


@dataclass(frozen=True)
class LabelledPair:
    """A reviewer's decision on two records."""

    left_id: str
    right_id: str
    is_match: bool


@dataclass
class LinkResult:
    """Scored candidate pairs (as arrays, explained on demand), clusters, and the model."""

    data: Prepared
    left: IntArray
    right: IntArray
    levels: LevelArray
    match_weight: FloatArray
    probability: FloatArray
    is_conflict: npt.NDArray[np.bool_]
    labels: IntArray
    record_probability: FloatArray
    clusters: list[Cluster]
    parameters: Parameters
    threshold: float
    features: tuple[Feature, ...]
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds of each stage (prepare, blocking, comparison, estimation,
    clustering)."""

    def weights(self, indexes: IntArray) -> FloatArray:
        """Bits of evidence from each feature for the pairs at ``indexes`` (rows: pairs)."""
        return feature_weights(self.data, self.left[indexes], self.right[indexes],
                               self.levels[indexes], self.parameters)

    def explain(self, index: int) -> ScoredPair:
        """The scored pair at ``index`` with its explanation."""
        records = self.data.records
        weights = self.weights(np.array([index], dtype=np.int64))
        evidence = [Evidence(feature.name, feature.levels[level], round(float(weight), 3))
                    for feature, level, weight in
                    zip(self.features, self.levels[index], weights[0], strict=True)
                    if level >= 0]
        if self.is_conflict[index]:
            adjustment = conflict_adjustment(weights[:, :len(FEATURES)].sum(axis=1),
                                             self.is_conflict[index:index + 1])
            evidence.append(Evidence("no_conflict", "conflict", round(float(adjustment[0]), 3)))
        return ScoredPair(records[int(self.left[index])].record_id,
                          records[int(self.right[index])].record_id,
                          float(self.probability[index]), float(self.match_weight[index]),
                          tuple(evidence))

    def pairs(self, min_probability: float = 0.0) -> Iterator[ScoredPair]:
        """Scored pairs at or above a probability, strongest first."""
        chosen = np.flatnonzero(self.probability >= min_probability)
        for index in chosen[np.argsort(-self.probability[chosen], kind="stable")]:
            yield self.explain(int(index))

    def assignments(self) -> Iterator[tuple[str, str, float]]:
        """(record_id, cluster_id, match_probability) for every record, in input order."""
        for record, label, value in zip(self.data.records, self.labels.tolist(),
                                        self.record_probability.tolist(), strict=True):
            yield record.record_id, f"c{label + 1}", round(value, 6)


def _labelled_indexes(data: Prepared, labelled: Iterable[LabelledPair | tuple[str, str, bool]]
                      ) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
    """Record indexes of reviewed pairs; unknown record ids are an error."""
    position = {record.record_id: index for index, record in enumerate(data.records)}
    rows = []
    for item in labelled:
        pair = item if isinstance(item, LabelledPair) else LabelledPair(*item)
        for record_id in (pair.left_id, pair.right_id):
            if record_id not in position:
                raise ValidationFailed("unknown_record", f"Labelled pair names unknown record "
                                       f"{record_id!r}.", "labelled_pairs")
        a, b = sorted((position[pair.left_id], position[pair.right_id]))
        rows.append((a, b, pair.is_match))
    left = np.array([row[0] for row in rows], dtype=np.int64)
    right = np.array([row[1] for row in rows], dtype=np.int64)
    return left, right, np.array([row[2] for row in rows], dtype=bool)


def _check_records(records: list[Record], threshold: float) -> None:
    if not 0 < threshold < 1:
        raise ValidationFailed("invalid_threshold", "The threshold must be between 0 and 1.",
                               "threshold")
    seen: set[str] = set()
    for record in records:
        if record.record_id in seen:
            raise ValidationFailed("duplicate_record_id", f"record_id {record.record_id!r} "
                                   "appears twice.", "record_id")
        seen.add(record.record_id)


def _cluster_list(result_labels: IntArray, data: Prepared, weakest: dict[int, float]
                  ) -> list[Cluster]:
    members: dict[int, list[str]] = {}
    for record, label in zip(data.records, result_labels.tolist(), strict=True):
        members.setdefault(label, []).append(record.record_id)
    return [Cluster(f"c{label + 1}", tuple(ids), weakest.get(label, 1.0))
            for label, ids in members.items()]


def link(
    records: list[Record],
    *,
    labelled_pairs: Iterable[LabelledPair | tuple[str, str, bool]] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 0,
    max_block_size: int = DEFAULT_MAX_BLOCK_SIZE,
) -> LinkResult:
    """Deduplicate and link person records; one call handles one list or many.

    Parameters: ``labelled_pairs`` — reviewers' decisions ``(left_id, right_id, is_match)``;
    they train the model and are obeyed by the clustering. ``threshold`` — pairs at or above
    this match probability are joined. ``seed`` — the only randomness: the sample of random
    pairs used to estimate how often non-matches agree. Same input and seed, same output.
    Raises ``ValidationFailed`` for duplicate record ids, a bad threshold or labelled pairs
    that name unknown records.
    """
    _check_records(records, threshold)
    watch = Stopwatch()
    data = prepare(records)
    watch.lap("prepare")
    left, right = candidate_pairs(data, max_block_size=max_block_size)
    watch.lap("blocking")
    labelled = _labelled_indexes(data, labelled_pairs or ())
    levels = compare(data, left, right)
    conflicting = conflicts(levels, both_full_dates(data, left, right))
    kinds = pair_kinds(data.list_id, left, right)
    watch.lap("comparison")
    parameters = _estimate(data, levels, conflicting, kinds, seed, labelled)
    total = _match_weights(data, (left, right), levels, conflicting, kinds, parameters)
    watch.lap("estimation")
    scored = _ScoredPairs(left, right, levels, total, probability(total), conflicting)
    scored.probability = _decide(data, scored, parameters, labelled, threshold)
    clustering = _cluster(data, scored, labelled, threshold,
                          _pairs_to_check(data, scored, parameters, threshold))
    clusters = _cluster_list(clustering.labels, data, clustering.cluster_probability)
    watch.lap("clustering")
    return LinkResult(data, scored.left, scored.right, scored.levels, scored.match_weight,
                      scored.probability, scored.is_conflict, clustering.labels,
                      clustering.record_probability, clusters, parameters, threshold,
                      features_of(data), watch.laps)


def _several_lists(data: Prepared) -> bool:
    return len(distinct(data.list_id)) > 1


def _decide(data: Prepared, scored: _ScoredPairs, parameters: Parameters,
            labelled: tuple[IntArray, IntArray, npt.NDArray[np.bool_]], threshold: float
            ) -> FloatArray:
    """The probability each pair is one person: reviewers' decisions, else the model's,
    shared between namesakes when there are several lists."""
    decided = _apply_reviews(data.size, scored.left, scored.right, scored.probability,
                             *labelled)
    if not _several_lists(data):
        return decided
    return share_between_namesakes(data.size, scored.left, scored.right, decided, data.list_id,
                                   threshold=threshold,
                                   coverage=list_coverage(parameters.priors, data.list_id),
                                   rounds=ROUNDS)


def _cluster(data: Prepared, scored: _ScoredPairs,
             labelled: tuple[IntArray, IntArray, npt.NDArray[np.bool_]], threshold: float,
             checked: CheckedPairs) -> Clustering:
    """Clusters from the decided probabilities, obeying reviewers' decisions."""
    label_left, label_right, label_match = labelled
    return cluster(data.size, scored.left, scored.right, scored.probability,
                   threshold=threshold, separation=SEPARATION,
                   list_ids=data.list_id if _several_lists(data) else None,
                   same_person=_pairs(label_left, label_right, label_match),
                   different_people=_pairs(label_left, label_right, ~label_match),
                   checked=checked)


def _match_weights(data: Prepared, pairs: tuple[IntArray, IntArray], levels: LevelArray,
                   conflicting: npt.NDArray[np.bool_], kinds: IntArray,
                   parameters: Parameters) -> FloatArray:
    """The match weight of every pair (bits), after settling the priors (kept in
    ``parameters``) against the evidence."""
    evidence = _evidence_bits(data, pairs[0], pairs[1], levels, conflicting, parameters)
    parameters.priors = refine_priors(parameters.priors, evidence, kinds,
                                      pairs_per_kind(data.list_id))
    evidence += parameters.prior_bits(kinds)
    return evidence


@dataclass
class _ScoredPairs:
    """Pairs with their levels, weights and probabilities (the arrays of a ``LinkResult``)."""

    left: IntArray
    right: IntArray
    levels: LevelArray
    match_weight: FloatArray
    probability: FloatArray
    is_conflict: npt.NDArray[np.bool_]


def _pairs_to_check(data: Prepared, scored: _ScoredPairs, parameters: Parameters,
                    threshold: float) -> CheckedPairs:
    """Pairs that blocking missed inside groups that strong pairs connect, scored.

    Their probability is the model's without sharing between namesakes: it is used to keep
    apart records that the evidence separates, not to find new matches.
    """
    left, right = pairs_within_groups(data.size, scored.left, scored.right, scored.probability,
                                      threshold=threshold, limit=GROUP_CHECK_LIMIT)
    levels = compare(data, left, right)
    conflicting = conflicts(levels, both_full_dates(data, left, right))
    total = (_evidence_bits(data, left, right, levels, conflicting, parameters)
             + parameters.prior_bits(pair_kinds(data.list_id, left, right)))
    return CheckedPairs(left, right, probability(total))


def _evidence_bits(data: Prepared, left: IntArray, right: IntArray, levels: LevelArray,
                   conflicting: npt.NDArray[np.bool_], parameters: Parameters) -> FloatArray:
    """Bits of evidence of each pair, the conflict penalty included, before the prior."""
    standard, extra = standard_and_extra_bits(data, left, right, levels, parameters)
    return standard + extra + conflict_adjustment(standard, conflicting)


class Stopwatch:
    """Wall-clock seconds of each stage of a run, in order."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, stage: str) -> None:
        """Record the time since the previous lap as ``stage``."""
        now = time.perf_counter()
        self.laps[stage] = round(now - self._start, 3)
        self._start = now


def _estimate(data: Prepared, levels: LevelArray, conflicting: npt.NDArray[np.bool_],
              kinds: IntArray, seed: int,
              labelled: tuple[IntArray, IntArray, npt.NDArray[np.bool_]]) -> Parameters:
    """The model's m, u and priors, from random pairs, the candidates and the known ones."""
    label_left, label_right, label_match = labelled
    features = features_of(data)
    sample = sample_random_pairs(data, seed)
    u = estimate_u(sample, features)
    # Conflicting pairs teach the model how relatives look (known non-matches) on the standard
    # fields only; extra columns may still link them, so they say nothing there.
    conflict_levels = levels[conflicting]
    conflict_levels[:, len(FEATURES):] = -1
    known = KnownPairs(np.concatenate([compare(data, label_left, label_right), conflict_levels]),
                       np.r_[label_match, np.zeros(len(conflict_levels), dtype=bool)],
                       np.r_[pair_kinds(data.list_id, label_left, label_right),
                             kinds[conflicting]])
    pairs = pairs_per_kind(data.list_id)
    m, shares = estimate_m(levels[~conflicting], u, features=features,
                           kinds=kinds[~conflicting], known=known, kind_count=len(pairs))
    candidates = np.bincount(kinds, minlength=len(pairs)).astype(float)
    first = Parameters(m, u, random_pair_priors(shares, candidates, pairs,
                                                default_priors(data.list_id)))
    sample_kinds = pair_kinds(data.list_id, sample.left, sample.right)
    return Parameters(m, estimate_u(sample, features, first, sample_kinds), first.priors)


def conflict_adjustment(standard: FloatArray, is_conflict: npt.NDArray[np.bool_]) -> FloatArray:
    """Bits added to each pair for a conflict (0 for pairs without one).

    ``standard``: the summed bits of the standard features of each pair. A conflict says the
    standard fields describe two people (relatives share surname, patronymic, birth date,
    place and death, but not given name and birth date both): their agreement no longer
    counts for a match — their positive sum is cancelled — and ``CONFLICT_BITS`` are added.
    Evidence from extra columns (an identity number, an address) still counts in full, so a
    pair with overwhelming other evidence can still be linked; a pair with no extra columns
    never can.
    """
    return np.where(is_conflict, CONFLICT_BITS - np.maximum(standard, 0.0), 0.0)


def _pairs(left: IntArray, right: IntArray, chosen: npt.NDArray[np.bool_]
           ) -> list[tuple[int, int]]:
    return list(zip(left[chosen].tolist(), right[chosen].tolist(), strict=True))


def _apply_reviews(size: int, left: IntArray, right: IntArray, scores: FloatArray,
                   label_left: IntArray, label_right: IntArray,
                   label_match: npt.NDArray[np.bool_]) -> FloatArray:
    """Probabilities with reviewed candidate pairs set to 1 (same person) or 0 (different)."""
    if not len(label_left):
        return scores
    codes = left * size + right
    decided = dict(zip((label_left * size + label_right).tolist(), label_match.tolist(),
                       strict=True))
    result = scores.copy()
    for index in np.flatnonzero(np.isin(codes, list(decided))).tolist():
        result[index] = 1.0 if decided[int(codes[index])] else 0.0
    return result
