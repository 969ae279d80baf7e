"""The Fellegi–Sunter model: how much each agreement level says for or against a match.

For every feature level the model keeps two probabilities: *m*, how often true matches show
that level, and *u*, how often two records of different people show it. A pair's *match
weight* is the sum over features of log2(m/u) (adjusted for how common the agreed value is,
see :mod:`qantar.core.linkage.weights`) plus the log2 prior odds that two records picked at
random from the same two lists are one person (:mod:`qantar.core.linkage.priors`); its
probability follows from it.

Estimation (assumptions: features are independent given the match status; matches are rare
among random pairs):

- *u* from a random sample of record pairs, which are almost all non-matches; once a first
  model exists, each sampled pair counts as much as it is likely to be a non-match (in a
  small input the sample holds a noticeable share of the matches);
- *m* and the share of matches among the blocked candidate pairs of each pair kind by
  expectation–maximisation (EM) over the candidate pairs, with the non-matches among them
  modelled separately (they resemble each other more than random pairs do, having been
  blocked together); reviewers' decisions and pairs in conflict enter EM as pairs whose
  status is known. m and u are shares within a level group (see ``Feature.groups``).

Randomness: only the sample of random pairs, drawn from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qantar.core.linkage.comparisons import (
    FEATURES,
    Feature,
    LevelArray,
    compare,
)
from qantar.core.linkage.grouping import distinct_counts, distinct_inverse
from qantar.core.linkage.prepare import IntArray, Prepared

FloatArray = npt.NDArray[np.float64]
U_SAMPLE_SIZE = 1_000_000
_M_FLOOR = 1e-3
# Pseudo-pairs per level group in each EM step: for m spread over the levels as a careful list
# would show them (each level a quarter as likely as the one before), for the non-matches among
# candidates as random pairs show them. With a handful of candidate pairs the estimates stay
# near these, with thousands the data decide.
PRIOR_PAIRS = 10.0
_U_FLOOR = 1e-6
# Pseudo-pairs that pull a kind's share of matches towards the overall share (few candidates
# of a kind say little on their own).
_PRIOR_STRENGTH = 20.0
# Assumption about list quality: the most often two records of one person may show each
# disagreement level (the rest of m is estimated), as a share of the pairs in its group.
# Without these caps EM lets relatives and namesakes into the match class and learns that
# names and dates may disagree freely.
M_CAPS = {
    "given_name_matches": {"similar": 0.01, "different": 0.005},
    "surname_matches": {"other_sex_form": 0.005, "similar": 0.02, "different": 0.01},
    "patronymic_matches": {"different": 0.02},
    "birth_date_matches": {"same_year": 0.02, "within_1_year": 0.01, "within_5_years": 0.005,
                           "different": 0.003, "year_within_5": 0.01, "year_differs": 0.005,
                           "age_within_5_years": 0.01, "age_differs": 0.005},
    "sex_matches": {"different": 0.01},
    "region_matches": {"different": 0.05},
    "city_matches": {"different": 0.05},
    "death_date_matches": {"different": 0.05},
    "iin_matches": {"different": 0.005},
}
# Features whose exact agreement is weighted by the frequency of the value.
@dataclass
class Parameters:
    """Estimated m and u probabilities per feature level, and the prior of each pair kind.

    ``priors[k]``: the probability that two records picked at random from the two lists of
    kind k (see :func:`pair_kinds`) are one person.
    """

    m: list[FloatArray]
    u: list[FloatArray]
    priors: FloatArray

    def prior_bits(self, kinds: IntArray) -> FloatArray:
        """log2 prior odds of each pair, by its kind."""
        priors = np.clip(self.priors, 1e-300, 1 - 1e-12)
        return np.asarray(np.log2(priors / (1 - priors))[kinds])

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


def _group_shares(counts: FloatArray, groups: IntArray, smoothing: float) -> FloatArray:
    """Counts as shares within each group of levels, smoothed."""
    smoothed = counts + smoothing
    totals = np.bincount(groups, weights=smoothed)
    return np.asarray(smoothed / totals[groups], dtype=np.float64)


def level_shares(levels: LevelArray, smoothing: float,
                 features: tuple[Feature, ...] = FEATURES,
                 weights: FloatArray | None = None) -> list[FloatArray]:
    """For each feature, the share of each level (within its group) among the pairs where
    the feature is not missing (each pair counted with its weight, default 1)."""
    weights = np.ones(len(levels)) if weights is None else weights
    shares = []
    for index, feature in enumerate(features):
        column = levels[:, index]
        present = column >= 0
        counts = np.bincount(column[present], weights=weights[present],
                             minlength=len(feature.levels)).astype(float)
        shares.append(_group_shares(counts, feature.group_of_levels(), smoothing))
    return shares


@dataclass
class RandomPairs:
    """A sample of random record pairs and their levels, for estimating u."""

    left: IntArray
    right: IntArray
    levels: LevelArray


def sample_random_pairs(data: Prepared, seed: int, sample_size: int = U_SAMPLE_SIZE
                        ) -> RandomPairs:
    """About ``sample_size`` random pairs, compared."""
    left, right = random_pairs(data.size, sample_size, seed)
    return RandomPairs(left, right, compare(data, left, right))


def estimate_u(sample: RandomPairs, features: tuple[Feature, ...],
               parameters: Parameters | None = None, kinds: IntArray | None = None
               ) -> list[FloatArray]:
    """u probabilities from random pairs, which are almost all non-matches.

    With ``parameters`` (a first model) and the ``kinds`` of the sampled pairs, each pair
    counts as much as it is likely to be a non-match: in a small input the random pairs hold
    a noticeable share of its matches, which would otherwise pass for chance agreement.
    """
    weights = None
    if parameters is not None and kinds is not None:
        bits = parameters.prior_bits(kinds) + _pattern_bits(sample.levels, parameters)
        weights = 1 - probability(bits)
    return level_shares(sample.levels, smoothing=0.5, features=features, weights=weights)


def _pattern_bits(levels: LevelArray, parameters: Parameters) -> FloatArray:
    """The summed log2(m/u) of each row of levels (missing levels add nothing)."""
    total = np.zeros(len(levels))
    for index, table in enumerate(parameters.weights()):
        column = levels[:, index]
        total += np.where(column >= 0, table[np.maximum(column, 0)], 0.0)
    return total


def _initial_m(features: tuple[Feature, ...], decay: float = 0.25) -> list[FloatArray]:
    """Strong agreement likely, disagreement rare (in each group): each level ``decay``
    times as likely as the one before."""
    initial = []
    for feature in features:
        groups = feature.group_of_levels()
        rank = np.array([float((groups[:level] == groups[level]).sum())
                         for level in range(len(groups))])
        initial.append(_group_shares(np.power(decay, rank), groups, 0.0))
    return initial


def _patterns(levels: LevelArray, groups: IntArray | None = None
              ) -> tuple[LevelArray, IntArray, FloatArray]:
    """Distinct rows of the level matrix (with a group number per row), how often each
    occurs, and each distinct row's group.

    Rows are coded as one integer (levels are small) so that counting is a 1-d sort.
    """
    groups = np.zeros(len(levels), np.int64) if groups is None else groups
    if len(levels) == 0:
        return levels.reshape(0, levels.shape[1]), groups, np.empty(0)
    radices = [int(levels[:, index].max()) + 2 for index in range(levels.shape[1])]
    group_radix = int(groups.max()) + 1
    if float(np.prod(np.array(radices, dtype=float))) * group_radix >= 2.0 ** 62:
        table = np.concatenate([levels.astype(np.int64), groups.reshape(-1, 1)], axis=1)
        rows, first, counts = np.unique(table, axis=0, return_index=True, return_counts=True)
        return rows[:, :-1].astype(np.int8), groups[first], counts.astype(float)
    code = groups.copy()
    for index, radix in enumerate(radices):
        code = code * radix + (levels[:, index].astype(np.int64) + 1)
    _codes, first, counts = distinct_counts(code)
    return levels[first], groups[first], counts.astype(float)


def _log_likelihood(patterns: LevelArray, probabilities: list[FloatArray]) -> FloatArray:
    """log2 of the product of the level probabilities of each pattern (missing adds 0)."""
    total = np.zeros(len(patterns))
    for index, table in enumerate(probabilities):
        column = patterns[:, index]
        total += np.where(column >= 0, np.log2(table[np.maximum(column, 0)]), 0.0)
    return total


def _maximise(patterns: LevelArray, weights: FloatArray, floor: float,
              features: tuple[Feature, ...], prior: list[FloatArray] | None = None
              ) -> list[FloatArray]:
    """Level probabilities from patterns weighted by their probability of being in a class,
    plus ``PRIOR_PAIRS`` pseudo-pairs per level group spread as ``prior`` says."""
    m = []
    for index, feature in enumerate(features):
        column = patterns[:, index]
        present = column >= 0
        counts = np.bincount(column[present], weights=weights[present],
                             minlength=len(feature.levels)).astype(np.float64)
        if prior is not None:
            counts += PRIOR_PAIRS * prior[index]
        groups = feature.group_of_levels()
        share = np.maximum(_group_shares(counts, groups, 1e-3), floor)
        m.append(_group_shares(share, groups, 0.0))
    return m


def _capped(m: list[FloatArray], features: tuple[Feature, ...]) -> list[FloatArray]:
    """m with each disagreement level held at or below its cap (see ``M_CAPS``)."""
    result = []
    for feature, probabilities in zip(features, m, strict=True):
        caps = M_CAPS.get(feature.name, {})
        limit = np.array([caps.get(level, 1.0) for level in feature.levels])
        capped = np.minimum(probabilities, limit)
        groups = feature.group_of_levels()
        free = limit >= 1.0
        free_total = np.bincount(groups, weights=np.where(free, capped, 0.0),
                                 minlength=groups.max() + 1)
        fixed_total = np.bincount(groups, weights=np.where(free, 0.0, capped),
                                  minlength=groups.max() + 1)
        scale = (1 - fixed_total) / np.maximum(free_total, 1e-12)
        capped[free] *= scale[groups[free]]
        result.append(capped)
    return result


def _kind_patterns(levels: LevelArray, kinds: IntArray) -> tuple[LevelArray, IntArray, FloatArray]:
    """Distinct (level row, pair kind) combinations, their kinds and counts."""
    if not len(levels):
        return levels, np.empty(0, np.int64), np.empty(0)
    kind_codes, kind_index = distinct_inverse(kinds)
    rows, row_kind, counts = _patterns(levels, kind_index)
    return rows, kind_codes[row_kind], counts


@dataclass
class KnownPairs:
    """Level rows of pairs whose status is known (reviewed, or in conflict)."""

    levels: LevelArray
    is_match: npt.NDArray[np.bool_]
    kinds: IntArray


def estimate_m(
    levels: LevelArray,
    u: list[FloatArray],
    *,
    features: tuple[Feature, ...] = FEATURES,
    kinds: IntArray | None = None,
    known: KnownPairs | None = None,
    kind_count: int = 1,
    iterations: int = 40,
) -> tuple[list[FloatArray], FloatArray]:
    """m probabilities and each kind's share of matches among candidates, by EM.

    ``u``: the starting u of the non-matches among candidates (re-estimated by EM, then
    discarded: candidates that are not one person still resemble each other). ``kinds``:
    the kind of each pair (see :func:`pair_kinds`), each with its own share of matches.
    ``known``: pairs of known status, counted as such in every iteration.
    """
    width = len(features)
    known = known or KnownPairs(np.empty((0, width), np.int8), np.zeros(0, bool),
                                np.zeros(0, np.int64))
    patterns, kind, counts = _kind_patterns(
        levels, kinds if kinds is not None else np.zeros(len(levels), np.int64))
    match_patterns, match_kind, match_counts = _kind_patterns(known.levels[known.is_match],
                                                              known.kinds[known.is_match])
    other_patterns, other_kind, other_counts = _kind_patterns(known.levels[~known.is_match],
                                                              known.kinds[~known.is_match])
    all_patterns = np.concatenate([patterns, match_patterns, other_patterns])
    known_match = np.r_[match_counts, np.zeros(len(other_counts))]
    known_other = np.r_[np.zeros(len(match_counts)), other_counts]
    m, shares = _initial_m(features), np.full(kind_count, 0.1)
    prior, random_u = _initial_m(features), list(u)
    for _ in range(iterations):
        odds = (np.log2(shares / (1 - shares))[kind] + _log_likelihood(patterns, m)
                - _log_likelihood(patterns, u))
        responsibility = 1 / (1 + np.exp2(-np.clip(odds, -60, 60)))
        m = _capped(_maximise(all_patterns, np.concatenate([responsibility * counts,
                                                            known_match]), _M_FLOOR, features,
                              prior), features)
        u = _maximise(all_patterns, np.concatenate([(1 - responsibility) * counts,
                                                    known_other]), _U_FLOOR, features,
                      random_u)
        shares = _shares(responsibility * counts, counts, kind, kind_count,
                         (match_counts, match_kind), (other_counts, other_kind))
    return m, shares


def _shares(expected: FloatArray, counts: FloatArray, kind: IntArray, kind_count: int,
            matches: tuple[FloatArray, IntArray], others: tuple[FloatArray, IntArray]
            ) -> FloatArray:
    """The share of matches among the pairs of each kind (known pairs included), pulled
    towards the overall share by ``_PRIOR_STRENGTH`` pseudo-pairs."""
    found = np.bincount(kind, weights=expected, minlength=kind_count) + np.bincount(
        matches[1], weights=matches[0], minlength=kind_count)
    total = (np.bincount(kind, weights=counts, minlength=kind_count)
             + np.bincount(matches[1], weights=matches[0], minlength=kind_count)
             + np.bincount(others[1], weights=others[0], minlength=kind_count))
    overall = found.sum() / max(total.sum(), 1)
    shares = (found + _PRIOR_STRENGTH * overall) / (total + _PRIOR_STRENGTH)
    return np.asarray(np.clip(shares, 1e-9, 1 - 1e-9), dtype=np.float64)


def probability(total_bits: FloatArray) -> FloatArray:
    """Match probability from a total match weight in bits."""
    return 1 / (1 + np.exp2(-np.clip(total_bits, -200, 200)))

