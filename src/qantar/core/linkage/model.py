"""The Fellegi–Sunter model: how much each agreement level says for or against a match.

For every feature level the model keeps two probabilities: *m*, how often true matches show
that level, and *u*, how often non-matches show it. A pair's *match weight* is the sum over
features of log2(m/u) plus the log2 prior odds of a match; its probability follows from it.

Estimation (assumptions: features are independent given the match status; matches are rare
among random pairs):

- *u* from a random sample of record pairs, which are almost all non-matches;
- *m* and the prior by expectation–maximisation (EM) over the blocked candidate pairs, with u
  held fixed; reviewers' decisions enter EM as pairs whose status is known;
- exact agreement on a given name or surname is weighted by how common that name is (a
  shared rare surname says more than a shared ``Akhmetov``).

Randomness: only the sample of random pairs, drawn from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qantar.core.linkage.comparisons import (
    FEATURE_INDEX,
    FEATURES,
    Feature,
    LevelArray,
    compare,
    features_of,
)
from qantar.core.linkage.prepare import IntArray, Prepared

FloatArray = npt.NDArray[np.float64]
U_SAMPLE_SIZE = 1_000_000
_M_FLOOR = 1e-3
# Assumption about list quality: the most often two records of one person may show each
# disagreement level (the rest of m is estimated). Without these caps EM lets relatives and
# namesakes into the match class and learns that names and dates may disagree freely.
M_CAPS = {
    "given_name_matches": {"similar": 0.01, "different": 0.005},
    "surname_matches": {"other_sex_form": 0.005, "similar": 0.02, "different": 0.01},
    "patronymic_matches": {"different": 0.02},
    "birth_date_matches": {"within_5_years": 0.01, "different": 0.005},
    "sex_matches": {"different": 0.01},
    "region_matches": {"different": 0.05},
    "city_matches": {"different": 0.05},
    "death_date_matches": {"different": 0.05},
    "iin_matches": {"different": 0.005},
}
_U_FLOOR = 1e-6


@dataclass
class Parameters:
    """Estimated m and u probabilities per feature level, and the priors among candidates.

    ``prior``: the share of matches among candidate pairs across two lists (or among all
    pairs when there is one list); ``within_list_prior``: among pairs inside one list.
    """

    m: list[FloatArray]
    u: list[FloatArray]
    prior: float
    within_list_prior: float

    def prior_bits(self, is_within_list: npt.NDArray[np.bool_]) -> FloatArray:
        """log2 prior odds of each pair, by whether its records are on one list."""
        priors = np.array([self.prior, self.within_list_prior])
        return np.asarray(np.log2(priors / (1 - priors))[is_within_list.astype(np.int64)])

    def weights(self) -> list[FloatArray]:
        """log2(m/u) for every level of every feature."""
        return [np.log2(m / u) for m, u in zip(self.m, self.u, strict=True)]


def random_pairs(size: int, count: int, seed: int) -> tuple[IntArray, IntArray]:
    """About ``count`` distinct random pairs i < j (all pairs when there are fewer)."""
    total = size * (size - 1) // 2
    if total <= count:
        left, right = np.triu_indices(size, k=1)
        return left.astype(np.int64), right.astype(np.int64)
    rng = np.random.default_rng(seed)
    left = rng.integers(0, size, count, dtype=np.int64)
    right = rng.integers(0, size, count, dtype=np.int64)
    keep = left != right
    return np.minimum(left, right)[keep], np.maximum(left, right)[keep]


def level_shares(levels: LevelArray, smoothing: float,
                 features: tuple[Feature, ...] = FEATURES) -> list[FloatArray]:
    """For each feature, the share of each level among the pairs where it is not missing."""
    shares = []
    for index, feature in enumerate(features):
        column = levels[:, index]
        counts = np.bincount(column[column >= 0], minlength=len(feature.levels)).astype(float)
        shares.append((counts + smoothing) / (counts.sum() + smoothing * len(counts)))
    return shares


def estimate_u(data: Prepared, seed: int, sample_size: int = U_SAMPLE_SIZE) -> list[FloatArray]:
    """u probabilities from random pairs (assumed non-matches)."""
    left, right = random_pairs(data.size, sample_size, seed)
    return level_shares(compare(data, left, right), smoothing=0.5, features=features_of(data))


def _initial_m(features: tuple[Feature, ...]) -> list[FloatArray]:
    """A neutral start for EM: strong agreement likely, disagreement rare."""
    initial = []
    for feature in features:
        count = len(feature.levels)
        raw = np.array([0.5 ** (2 * level) for level in range(count)])
        initial.append(raw / raw.sum())
    return initial


def _patterns(levels: LevelArray) -> tuple[LevelArray, FloatArray]:
    """Distinct rows of the level matrix and how often each occurs.

    Rows are coded as one integer (levels are small) so that counting is a 1-d sort.
    """
    if len(levels) == 0:
        return levels.reshape(0, levels.shape[1]), np.empty(0)
    radices = [int(levels[:, index].max()) + 2 for index in range(levels.shape[1])]
    if float(np.prod(np.array(radices, dtype=float))) >= 2.0 ** 62:
        rows, counts = np.unique(levels, axis=0, return_counts=True)
        return rows, counts.astype(float)
    code = np.zeros(len(levels), dtype=np.int64)
    for index, radix in enumerate(radices):
        code = code * radix + (levels[:, index].astype(np.int64) + 1)
    _codes, first, counts = np.unique(code, return_index=True, return_counts=True)
    return levels[first], counts.astype(float)


def _log_likelihood(patterns: LevelArray, probabilities: list[FloatArray]) -> FloatArray:
    """log2 of the product of the level probabilities of each pattern (missing adds 0)."""
    total = np.zeros(len(patterns))
    for index, table in enumerate(probabilities):
        column = patterns[:, index]
        total += np.where(column >= 0, np.log2(table[np.maximum(column, 0)]), 0.0)
    return total


def _maximise(patterns: LevelArray, weights: FloatArray, floor: float,
              features: tuple[Feature, ...]) -> list[FloatArray]:
    """Level probabilities from patterns weighted by their probability of being in a class."""
    m = []
    for index, feature in enumerate(features):
        column = patterns[:, index]
        present = column >= 0
        counts = np.bincount(column[present], weights=weights[present],
                             minlength=len(feature.levels))
        share = (counts + 1e-3) / (counts.sum() + 1e-3 * len(counts))
        m.append(np.maximum(share, floor) / np.maximum(share, floor).sum())
    return m


def _capped(m: list[FloatArray], features: tuple[Feature, ...]) -> list[FloatArray]:
    """m with each disagreement level held at or below its cap (see ``M_CAPS``)."""
    result = []
    for feature, probabilities in zip(features, m, strict=True):
        caps = M_CAPS.get(feature.name, {})
        limit = np.array([caps.get(level, 1.0) for level in feature.levels])
        capped = np.minimum(probabilities, limit)
        free = limit >= 1.0
        capped[free] *= (1 - capped[~free].sum()) / max(capped[free].sum(), 1e-12)
        result.append(capped)
    return result


def _kind_patterns(levels: LevelArray, kinds: IntArray) -> tuple[LevelArray, IntArray, FloatArray]:
    """Distinct (level row, pair kind) combinations, their kinds and counts."""
    rows, counts = _patterns(np.concatenate([levels, kinds.astype(np.int8)[:, None]], axis=1))
    return rows[:, :-1], rows[:, -1].astype(np.int64), counts


def estimate_m(
    levels: LevelArray,
    u: list[FloatArray],
    *,
    features: tuple[Feature, ...] = FEATURES,
    kinds: IntArray | None = None,
    labelled: LevelArray | None = None,
    labels: npt.NDArray[np.bool_] | None = None,
    labelled_kinds: IntArray | None = None,
    fixed_u: int | None = None,
    iterations: int = 40,
) -> tuple[list[FloatArray], list[FloatArray], FloatArray]:
    """m and u probabilities and the priors by EM over candidate pairs (u starts from ``u``).

    ``kinds``: 0 for a pair across two lists, 1 for a pair inside one list; each kind has
    its own prior, because a list names one person twice far less often than two lists name
    the same person. ``labelled``/``labels``/``labelled_kinds``: level rows of known pairs
    (reviewed, or in conflict), whether each is a match and its kind; they count as known
    matches or non-matches in every iteration. ``fixed_u``: features from this index on keep
    the u they were given (extra columns: their u comes from random pairs, because candidate
    pairs that disagree on them are rare and often in conflict). Returns m, u and the priors
    ``[across, within]``.
    """
    given_u = list(u)
    keep_from = len(features) if fixed_u is None else fixed_u
    width = len(features)
    known = labelled if labelled is not None else np.empty((0, width), np.int8)
    is_match = labels if labels is not None else np.zeros(len(known), bool)
    known_kinds = labelled_kinds if labelled_kinds is not None else np.zeros(len(known), np.int64)
    patterns, kind, counts = _kind_patterns(
        levels, kinds if kinds is not None else np.zeros(len(levels), np.int64))
    match_patterns, match_kind, match_counts = _kind_patterns(known[is_match],
                                                              known_kinds[is_match])
    other_patterns, other_kind, other_counts = _kind_patterns(known[~is_match],
                                                              known_kinds[~is_match])
    all_patterns = np.concatenate([patterns, match_patterns, other_patterns])
    known_match = np.r_[match_counts, np.zeros(len(other_counts))]
    known_other = np.r_[np.zeros(len(match_counts)), other_counts]
    m, priors = _initial_m(features), np.array([0.1, 0.1])
    for _ in range(iterations):
        odds = (np.log2(priors / (1 - priors))[kind] + _log_likelihood(patterns, m)
                - _log_likelihood(patterns, u))
        responsibility = 1 / (1 + np.exp2(-np.clip(odds, -60, 60)))
        m = _capped(_maximise(all_patterns, np.concatenate([responsibility * counts,
                                                            known_match]), _M_FLOOR, features),
                    features)
        u = _maximise(all_patterns, np.concatenate([(1 - responsibility) * counts,
                                                    known_other]), _U_FLOOR, features)
        u[keep_from:] = given_u[keep_from:]
        priors = _priors(responsibility * counts, counts, kind,
                         (match_counts, match_kind), (other_counts, other_kind))
    return m, u, priors


def _priors(expected: FloatArray, counts: FloatArray, kind: IntArray,
            matches: tuple[FloatArray, IntArray], others: tuple[FloatArray, IntArray]
            ) -> FloatArray:
    """The share of matches among the pairs of each kind (known pairs included)."""
    found = np.bincount(kind, weights=expected, minlength=2) + np.bincount(
        matches[1], weights=matches[0], minlength=2)
    total = (np.bincount(kind, weights=counts, minlength=2)
             + np.bincount(matches[1], weights=matches[0], minlength=2)
             + np.bincount(others[1], weights=others[0], minlength=2))
    overall = found.sum() / max(total.sum(), 1)
    shares = np.where(total > 0, found / np.maximum(total, 1), overall)
    return np.asarray(np.clip(shares, 1e-9, 1 - 1e-9), dtype=np.float64)


def tf_adjustments(data: Prepared, a: IntArray, b: IntArray, levels: LevelArray,
                   parameters: Parameters) -> FloatArray:
    """Extra bits for exact agreement on a name or an extra column: log2(typical frequency /
    frequency of the value).

    The typical frequency is the geometric mean over the pairs that agree exactly, so the
    adjustment is positive for rarer values, negative for commoner ones and zero on average.
    """
    extra = np.zeros((len(a), levels.shape[1]))
    columns = [(FEATURE_INDEX["given_name_matches"], data.given_frequency),
               (FEATURE_INDEX["surname_matches"], data.surname_frequency)]
    columns += [(len(FEATURES) + k, data.extra_frequency[:, k])
                for k in range(len(data.extra_names))]
    for index, frequency in columns:
        exact = levels[:, index] == 0
        share = np.fmax(frequency[a[exact]], frequency[b[exact]])
        log_share = np.log2(np.clip(share[~np.isnan(share)], 1.0 / max(data.size, 1), None))
        if len(log_share):
            extra[np.flatnonzero(exact)[~np.isnan(share)], index] = log_share.mean() - log_share
    return extra


def feature_weights(data: Prepared, a: IntArray, b: IntArray, levels: LevelArray,
                    parameters: Parameters) -> FloatArray:
    """Bits of evidence from each feature for each pair (0 for a missing feature)."""
    weights = parameters.weights()
    result = np.zeros((len(a), len(weights)))
    for index, table in enumerate(weights):
        column = levels[:, index]
        result[:, index] = np.where(column >= 0, table[np.maximum(column, 0)], 0.0)
    return result + tf_adjustments(data, a, b, levels, parameters)


def probability(total_bits: FloatArray) -> FloatArray:
    """Match probability from a total match weight in bits."""
    return 1 / (1 + np.exp2(-np.clip(total_bits, -200, 200)))
