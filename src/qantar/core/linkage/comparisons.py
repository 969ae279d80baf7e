"""Comparisons that explain themselves: each feature gives a pair one named agreement level.

Every feature is a predicate on a pair of records (``given_name_matches``...) with ordered
levels from the strongest agreement to a disagreement; -1 means the feature cannot be judged
because a value is missing, and then it adds no evidence either way. Names are compared on
their fine keys (:func:`qantar.core.names.romanize`), so scripts and romanisation systems do
not count as differences, and in both orders, so a list that writes the surname first still
meets one that writes it last. String similarity is Jaro–Winkler.

Every non-standard column of the input (``Record.extra``: an address, a phone number, a
social security number...) becomes one more feature, ``<column>_matches``, with the levels
``exact``, ``close`` (one edit in a value of four or more characters, or Jaro–Winkler at least
0.95), ``similar`` (two edits in six or more characters, or Jaro–Winkler at least 0.88) and
``different``, compared on the normalised text (case-folded, spaces collapsed). Their m and
u are estimated like the others'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qantar.core.linkage.prepare import IntArray, Prepared, Vocabulary

cpdist: Any
try:
    from rapidfuzz.distance import OSA, JaroWinkler
    from rapidfuzz.process import cpdist
except ImportError:  # pragma: no cover - exercised only without the optional speed-up
    cpdist = None

FloatArray = npt.NDArray[np.float64]
LevelArray = npt.NDArray[np.int8]


@dataclass(frozen=True)
class Feature:
    """A comparison feature: its predicate name and its level labels, strongest first."""

    name: str
    levels: tuple[str, ...]


FEATURES = (
    Feature("given_name_matches", ("exact", "short_form", "close", "similar", "different")),
    Feature("surname_matches", ("exact", "other_sex_form", "close", "similar", "different")),
    Feature("patronymic_matches", ("exact", "close", "different")),
    Feature("birth_date_matches", ("exact", "swapped_or_one_off", "same_year", "within_1_year",
                                   "within_5_years", "different")),
    Feature("sex_matches", ("same", "different")),
    Feature("region_matches", ("same", "different")),
    Feature("city_matches", ("same", "different")),
    Feature("death_date_matches", ("exact", "within_2_days", "different")),
    Feature("iin_matches", ("same", "different")),
)
FEATURE_INDEX = {feature.name: index for index, feature in enumerate(FEATURES)}
EXTRA_LEVELS = ("exact", "close", "similar", "different")


def extra_feature(column: str) -> Feature:
    """The feature comparing a non-standard column: ``<column>_matches``."""
    return Feature(f"{column}_matches", EXTRA_LEVELS)


def features_of(data: Prepared) -> tuple[Feature, ...]:
    """The standard features, then one per extra column of the data (in column order)."""
    return FEATURES + tuple(extra_feature(name) for name in data.extra_names)


def jaro_winkler_python(a: str, b: str) -> float:
    """Jaro–Winkler similarity (prefix weight 0.1, up to 4 letters) in plain Python."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    matched_b = [False] * len(b)
    matches_a = []
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not matched_b[j] and b[j] == char:
                matched_b[j] = True
                matches_a.append(char)
                break
    if not matches_a:
        return 0.0
    matches_b = [char for j, char in enumerate(b) if matched_b[j]]
    transpositions = sum(x != y for x, y in zip(matches_a, matches_b, strict=True)) / 2
    m = len(matches_a)
    jaro = (m / len(a) + m / len(b) + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def edit_distance_python(a: str, b: str) -> int:
    """Optimal string alignment distance (edits, adjacent swaps counting as one)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _string_similarity(left: list[str], right: list[str]) -> FloatArray:
    """Similarity of corresponding strings, coded as edits + (1 - Jaro–Winkler) / 10.

    The integer part is the number of edits (OSA distance), the fraction the Jaro–Winkler
    shortfall, so one number carries both (rapidfuzz when installed, else plain Python).
    """
    if cpdist is not None:
        jaro = np.asarray(cpdist(left, right, scorer=JaroWinkler.normalized_similarity,
                                 workers=-1), dtype=np.float64)
        edits = np.asarray(cpdist(left, right, scorer=OSA.distance, workers=-1), dtype=np.float64)
    else:
        pairs = list(zip(left, right, strict=True))
        jaro = np.array([jaro_winkler_python(a, b) for a, b in pairs], dtype=np.float64)
        edits = np.array([edit_distance_python(a, b) for a, b in pairs], dtype=np.float64)
    return edits + (1 - jaro) / 10


def _distinct_pairs(left: IntArray, right: IntArray, todo: npt.NDArray[np.bool_], size: int
                    ) -> tuple[IntArray, IntArray, IntArray]:
    """The distinct (left, right) id pairs among ``todo``, and each todo pair's index in them."""
    codes, inverse = np.unique(left[todo] * np.int64(size) + right[todo], return_inverse=True)
    return codes // size, codes % size, inverse


def difference(vocabulary: Vocabulary, left: IntArray, right: IntArray) -> FloatArray:
    """Difference of interned strings pair by pair: 0 when equal, NaN when either is missing.

    ``edits + (1 - Jaro–Winkler) / 10`` (see :func:`_string_similarity`). Each distinct pair
    of strings is scored once, however many record pairs share it.
    """
    result = np.where(left == right, 0.0, np.nan)
    todo = (left != right) & (left >= 0) & (right >= 0)
    if todo.any():
        strings = vocabulary.strings
        first, second, inverse = _distinct_pairs(left, right, todo, len(strings) + 1)
        scores = _string_similarity([strings[code] for code in first.tolist()],
                                    [strings[code] for code in second.tolist()])
        result[todo] = scores[inverse]
    result[(left < 0) | (right < 0)] = np.nan
    return result


def _text_level(a: str, b: str, score: float) -> int:
    """The extra-column level (1 close, 2 similar, 3 different) of two unequal texts."""
    edits, jaro = int(score), 1 - (score - int(score)) * 10
    shortest = min(len(a), len(b))
    if (edits <= 1 and shortest >= 4) or jaro >= 0.95:
        return 1
    if (edits <= 2 and shortest >= 6) or jaro >= 0.88:
        return 2
    return 3


def text_levels(vocabulary: Vocabulary, left: IntArray, right: IntArray) -> LevelArray:
    """Levels of :data:`EXTRA_LEVELS` for interned texts; -1 where either is blank.

    Each distinct pair of texts is scored once, however many record pairs share it.
    """
    levels = np.where(left == right, 0, 3).astype(np.int8)
    todo = (left != right) & (left >= 0) & (right >= 0)
    if todo.any():
        strings = vocabulary.strings
        first, second, inverse = _distinct_pairs(left, right, todo, len(strings) + 1)
        texts_a = [strings[code] for code in first.tolist()]
        texts_b = [strings[code] for code in second.tolist()]
        scores = _string_similarity(texts_a, texts_b).tolist()
        distinct = np.array([_text_level(a, b, score) for a, b, score in
                             zip(texts_a, texts_b, scores, strict=True)], dtype=np.int8)
        levels[todo] = distinct[inverse]
    levels[(left < 0) | (right < 0)] = -1
    return levels


def _levels(conditions: list[npt.NDArray[np.bool_]], missing: npt.NDArray[np.bool_]) -> LevelArray:
    """The index of the first true condition (the last level if none), -1 where missing."""
    levels = np.full(len(missing), len(conditions), dtype=np.int8)
    for index in range(len(conditions) - 1, -1, -1):
        levels[conditions[index]] = index
    levels[missing] = -1
    return levels


def _name_differences(data: Prepared, a: IntArray, b: IntArray) -> tuple[FloatArray, FloatArray]:
    """Given-name and surname differences, reading the names swapped when that fits better."""
    vocabulary = data.vocabulary
    given = np.fmin(difference(vocabulary, data.given[a], data.given[b]),
                    difference(vocabulary, data.given_full[a], data.given_full[b]))
    surname = difference(vocabulary, data.surname[a], data.surname[b])
    given_surname = difference(vocabulary, data.given[a], data.surname[b])
    surname_given = difference(vocabulary, data.surname[a], data.given[b])
    straight = np.nan_to_num(given, nan=3) + np.nan_to_num(surname, nan=3)
    swapped = np.nan_to_num(given_surname, nan=3) + np.nan_to_num(surname_given, nan=3)
    use_swap = swapped + 1 < straight
    return np.where(use_swap, given_surname, given), np.where(use_swap, surname_given, surname)


def _given_levels(data: Prepared, a: IntArray, b: IntArray, score: FloatArray) -> LevelArray:
    """exact; short form of the same name; one edit; two edits; more, or two different
    names that are both in Qantar's list of given names (Aidos and Aidar are not typos)."""
    only_short_form = (data.given[a] != data.given[b]) & (data.given_full[a] == data.given_full[b])
    two_names = (data.given_known[a] & data.given_known[b]
                 & (data.given_full[a] != data.given_full[b]) & (score > 0))
    return _levels([(score == 0) & ~only_short_form, score == 0, (score < 2) & ~two_names,
                    (score < 3) & ~two_names], np.isnan(score))


def _surname_levels(data: Prepared, a: IntArray, b: IntArray, score: FloatArray) -> LevelArray:
    """exact; the other sex's form (Akhmetov/Akhmetova); one edit; two edits; more."""
    sex_a, sex_b = data.surname_sex[a], data.surname_sex[b]
    other_form = (sex_a >= 0) & (sex_b >= 0) & (sex_a != sex_b)
    return _levels([(score == 0) & ~other_form, score == 0, score < 2, score < 3],
                   np.isnan(score))


def date_digits(year: IntArray, month: IntArray, day: IntArray) -> npt.NDArray[np.int8]:
    """The eight digits of ``YYYYMMDD`` for each date, most significant first (rows: dates)."""
    number = np.maximum(year, 0) * 10_000 + np.maximum(month, 0) * 100 + np.maximum(day, 0)
    return np.stack([(number // 10 ** k) % 10 for k in range(7, -1, -1)], axis=1).astype(np.int8)


def one_digit_apart(first: npt.NDArray[np.int8], second: npt.NDArray[np.int8]
                    ) -> npt.NDArray[np.bool_]:
    """Whether two rows of eight digits differ by one wrong digit or by two neighbouring
    digits swapped (the typos of someone copying ``YYYYMMDD``)."""
    differs = first != second
    count = differs.sum(axis=1)
    swapped = ((first[:, :-1] == second[:, 1:]) & (first[:, 1:] == second[:, :-1])
               & differs[:, :-1]).any(axis=1)
    return np.asarray((count == 1) | ((count == 2) & swapped), dtype=bool)


def _birth_levels(data: Prepared, a: IntArray, b: IntArray) -> LevelArray:
    """exact; a day/month swap, one day, one year or one digit off; same year; birth years
    (also from ages) at most 1 apart; at most 5 apart; further."""
    year_a, year_b = data.birth_year[a], data.birth_year[b]
    month_a, month_b = data.birth_month[a], data.birth_month[b]
    day_a, day_b = data.birth_day[a], data.birth_day[b]
    full = (day_a >= 0) & (day_b >= 0)
    same_year = (year_a == year_b) & (year_a >= 0)
    exact = full & same_year & (month_a == month_b) & (day_a == day_b)
    swapped = full & same_year & (month_a == day_b) & (day_a == month_b)
    one_day = full & same_year & (month_a == month_b) & (np.abs(day_a - day_b) == 1)
    one_year = full & (np.abs(year_a - year_b) == 1) & (month_a == month_b) & (day_a == day_b)
    typo = full & ~(exact | swapped | one_day | one_year)
    if typo.any():
        digits = date_digits(data.birth_year, data.birth_month, data.birth_day)
        one_year[typo] = one_digit_apart(digits[a[typo]], digits[b[typo]])
    low_a, high_a, low_b, high_b = (data.year_low[a], data.year_high[a],
                                    data.year_low[b], data.year_high[b])
    gap = np.maximum(np.maximum(low_a - high_b, low_b - high_a), 0)
    return _levels([exact, swapped | one_day | one_year, same_year, gap <= 1, gap <= 5],
                   (low_a < 0) | (low_b < 0))


def _equal_levels(left: IntArray, right: IntArray) -> LevelArray:
    return _levels([left == right], (left < 0) | (right < 0))


def compare(data: Prepared, a: IntArray, b: IntArray) -> LevelArray:
    """The agreement level of every feature for every pair (rows: pairs, columns: FEATURES)."""
    given_score, surname_score = _name_differences(data, a, b)
    father = difference(data.vocabulary, data.father[a], data.father[b])
    death_gap = np.abs(data.death[a] - data.death[b])
    columns = [
        _given_levels(data, a, b, given_score),
        _surname_levels(data, a, b, surname_score),
        _levels([father == 0, father < 2], np.isnan(father)),
        _birth_levels(data, a, b),
        _equal_levels(data.sex[a], data.sex[b]),
        _equal_levels(data.region[a], data.region[b]),
        _equal_levels(data.city[a], data.city[b]),
        _levels([death_gap == 0, death_gap <= 2], (data.death[a] < 0) | (data.death[b] < 0)),
        _equal_levels(data.iin[a], data.iin[b]),
    ]
    columns.extend(text_levels(data.extra_vocabulary, data.extra[a, k], data.extra[b, k])
                   for k in range(len(data.extra_names)))
    width = len(FEATURES) + len(data.extra_names)
    return np.stack(columns, axis=1) if len(a) else np.empty((0, width), np.int8)


def conflicts(levels: LevelArray, full_dates: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Pairs that cannot be the same person whatever else agrees.

    Rules (an agreeing IIN overrides the others, since an IIN identifies one person):
    ``names differ`` — given names or surnames more than two edits apart in both name
    orders, or two different names from the list of given names (twins and siblings share
    everything but the given name); ``birth dates differ`` — both records give a full birth
    date and they differ by more than a day/month swap, one day, one year or a typo in the
    day or month, or any birth years (also from ages) are more than five years apart;
    ``IINs differ`` — two valid IINs that differ. ``full_dates``: whether both records of
    each pair give a full birth date.
    """
    given = levels[:, FEATURE_INDEX["given_name_matches"]]
    surname = levels[:, FEATURE_INDEX["surname_matches"]]
    birth = levels[:, FEATURE_INDEX["birth_date_matches"]]
    iin = levels[:, FEATURE_INDEX["iin_matches"]]
    birth_differs = (birth == 5) | (full_dates & (birth >= 3))
    found = ((given == 4) | (surname == 4) | birth_differs) & (iin != 0) | (iin == 1)
    return np.asarray(found, dtype=bool)


def both_full_dates(data: Prepared, a: IntArray, b: IntArray) -> npt.NDArray[np.bool_]:
    """Whether both records of each pair give a full birth date."""
    return (data.birth_day[a] >= 0) & (data.birth_day[b] >= 0)
