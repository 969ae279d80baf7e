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

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qantar.core.linkage.prepare import BirthKind, IntArray, Prepared
from qantar.core.linkage.similarity import difference, text_levels

__all__ = ["text_levels"]

FloatArray = npt.NDArray[np.float64]
LevelArray = npt.NDArray[np.int8]


@dataclass(frozen=True)
class Feature:
    """A comparison feature: its predicate name and its level labels, strongest first.

    ``groups`` (one per level, default all 0): levels in different groups are never
    compared with each other, because the group only says what the records contain (two
    full birth dates, or an age against a date); m and u are shares within a group, so the
    group itself is no evidence either way.
    """

    name: str
    levels: tuple[str, ...]
    groups: tuple[int, ...] = ()

    def group_of_levels(self) -> npt.NDArray[np.int64]:
        """The group of each level."""
        return np.array(self.groups or (0,) * len(self.levels), dtype=np.int64)


BIRTH_LEVELS = (
    # two full dates
    "exact", "swapped_or_one_off", "same_year", "within_1_year", "within_5_years", "different",
    # a birth year against a date or a year
    "year_matches", "year_within_1", "year_within_5", "year_differs",
    # an age against anything
    "age_fits", "age_within_1_year", "age_within_5_years", "age_differs",
)
BIRTH_GROUPS = (0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2)
FEATURES = (
    Feature("given_name_matches", ("exact", "short_form", "close", "similar", "different")),
    Feature("surname_matches", ("exact", "other_sex_form", "close", "similar", "different")),
    Feature("patronymic_matches", ("exact", "close", "different")),
    Feature("birth_date_matches", BIRTH_LEVELS, BIRTH_GROUPS),
    Feature("sex_matches", ("same", "different")),
    Feature("region_matches", ("same", "different")),
    Feature("city_matches", ("same", "different")),
    Feature("death_date_matches", ("exact", "day_month_swapped", "within_2_days", "different")),
    Feature("iin_matches", ("same", "different")),
)
FEATURE_INDEX = {feature.name: index for index, feature in enumerate(FEATURES)}
_BIRTH_CONFLICTS = [BIRTH_LEVELS.index(level) for level in
                    ("different", "year_differs", "age_differs")]
_DATE_CONFLICTS = [BIRTH_LEVELS.index(level) for level in ("within_1_year", "within_5_years")]
_YEAR = 366
COMPARE_CHUNK = 2_000_000
EXTRA_LEVELS = ("exact", "close", "similar", "different")


def extra_feature(column: str) -> Feature:
    """The feature comparing a non-standard column: ``<column>_matches``."""
    return Feature(f"{column}_matches", EXTRA_LEVELS)


def features_of(data: Prepared) -> tuple[Feature, ...]:
    """The standard features, then one per extra column of the data (in column order)."""
    return FEATURES + tuple(extra_feature(name) for name in data.extra_names)


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


def _date_levels(data: Prepared, a: IntArray, b: IntArray) -> LevelArray:
    """Levels 0-5 of two full birth dates: exact; a day/month swap, one day, one year or one
    digit off; same year; years at most 1 apart; at most 5; further."""
    year_a, year_b = data.birth_year[a], data.birth_year[b]
    month_a, month_b = data.birth_month[a], data.birth_month[b]
    day_a, day_b = data.birth_day[a], data.birth_day[b]
    same_year = year_a == year_b
    exact = same_year & (month_a == month_b) & (day_a == day_b)
    swapped = same_year & (month_a == day_b) & (day_a == month_b)
    one_day = same_year & (month_a == month_b) & (np.abs(day_a - day_b) == 1)
    one_year = (np.abs(year_a - year_b) == 1) & (month_a == month_b) & (day_a == day_b)
    typo = ~(exact | swapped | one_day | one_year)
    if typo.any():
        digits = date_digits(data.birth_year, data.birth_month, data.birth_day)
        one_year[typo] = one_digit_apart(digits[a[typo]], digits[b[typo]])
    gap = np.abs(year_a - year_b)
    return _levels([exact, swapped | one_day | one_year, same_year, gap <= 1, gap <= 5],
                   np.zeros(len(a), dtype=bool))


def _gap(low_a: IntArray, high_a: IntArray, low_b: IntArray, high_b: IntArray) -> IntArray:
    """The distance between two intervals (0 when they overlap)."""
    return np.asarray(np.maximum(np.maximum(low_a - high_b, low_b - high_a), 0), dtype=np.int64)


def _birth_levels(data: Prepared, a: IntArray, b: IntArray) -> LevelArray:
    """Levels of :data:`BIRTH_LEVELS`, in three groups by what the two records give.

    Two full dates: see :func:`_date_levels`. A birth year (no age): the years agree, are at
    most 1, at most 5 apart, or further. An age: the days on which each could have been born
    (an age as of the date of death, or of the list's year of death) overlap, are at most one
    year, at most five years apart, or further. -1 where either record says nothing.
    """
    kind_a, kind_b = data.birth_kind[a], data.birth_kind[b]
    levels = np.full(len(a), -1, dtype=np.int8)
    dates = (kind_a == BirthKind.DATE) & (kind_b == BirthKind.DATE)
    if dates.any():
        levels[dates] = _date_levels(data, a[dates], b[dates])
    has_age = ((kind_a == BirthKind.AGE) | (kind_b == BirthKind.AGE)) & (kind_a >= 0) & (
        kind_b >= 0)
    years = (kind_a >= 0) & (kind_b >= 0) & ~dates & ~has_age
    year_gap = _gap(data.year_low[a], data.year_high[a], data.year_low[b], data.year_high[b])
    levels[years] = 6 + _levels([year_gap[years] == 0, year_gap[years] <= 1,
                                 year_gap[years] <= 5], np.zeros(int(years.sum()), bool))
    day_gap = _gap(data.birth_low[a], data.birth_high[a], data.birth_low[b], data.birth_high[b])
    levels[has_age] = 10 + _levels([day_gap[has_age] == 0, day_gap[has_age] <= _YEAR,
                                    day_gap[has_age] <= 5 * _YEAR],
                                   np.zeros(int(has_age.sum()), bool))
    return levels


def _death_levels(data: Prepared, a: IntArray, b: IntArray) -> LevelArray:
    """exact; day and month swapped; at most two days apart; further. -1 if either is blank."""
    death_a, death_b = data.death[a], data.death[b]
    gap = np.abs(death_a - death_b)
    swapped = np.zeros(len(a), dtype=bool)
    near = (death_a >= 0) & (death_b >= 0) & (gap > 2) & (gap < 400)
    if near.any():
        first = [dt.date.fromordinal(day) for day in death_a[near].tolist()]
        second = [dt.date.fromordinal(day) for day in death_b[near].tolist()]
        swapped[near] = [x.year == y.year and x.month == y.day and x.day == y.month
                         for x, y in zip(first, second, strict=True)]
    return _levels([gap == 0, swapped, gap <= 2], (death_a < 0) | (death_b < 0))


def _place_levels(data: Prepared, a: IntArray, b: IntArray) -> tuple[LevelArray, LevelArray]:
    """Region and city levels, counting each place once: when both records name a city the
    region adds nothing (a city lies in one region), so the region is left out then."""
    city_a, city_b = data.city[a], data.city[b]
    both_cities = (city_a >= 0) & (city_b >= 0)
    region = _equal_levels(data.region[a], data.region[b])
    region[both_cities] = -1
    return region, _equal_levels(city_a, city_b)


def _equal_levels(left: IntArray, right: IntArray) -> LevelArray:
    return _levels([left == right], (left < 0) | (right < 0))


def compare(data: Prepared, a: IntArray, b: IntArray) -> LevelArray:
    """The agreement level of every feature for every pair (rows: pairs, columns: FEATURES).

    Pairs are compared ``COMPARE_CHUNK`` at a time, so that the working arrays of tens of
    millions of pairs never need to be in memory together.
    """
    if len(a) <= COMPARE_CHUNK:
        return _compare(data, a, b)
    return np.concatenate([_compare(data, a[start:start + COMPARE_CHUNK],
                                    b[start:start + COMPARE_CHUNK])
                           for start in range(0, len(a), COMPARE_CHUNK)])


def _compare(data: Prepared, a: IntArray, b: IntArray) -> LevelArray:
    """:func:`compare` for one chunk of pairs."""
    given_score, surname_score = _name_differences(data, a, b)
    father = difference(data.vocabulary, data.father[a], data.father[b])
    region, city = _place_levels(data, a, b)
    columns = [
        _given_levels(data, a, b, given_score),
        _surname_levels(data, a, b, surname_score),
        _levels([father == 0, father < 2], np.isnan(father)),
        _birth_levels(data, a, b),
        _equal_levels(data.sex[a], data.sex[b]),
        region,
        city,
        _death_levels(data, a, b),
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
    birth_differs = np.isin(birth, _BIRTH_CONFLICTS) | (full_dates & np.isin(
        birth, _DATE_CONFLICTS))
    found = ((given == 4) | (surname == 4) | birth_differs) & (iin != 0) | (iin == 1)
    return np.asarray(found, dtype=bool)


def both_full_dates(data: Prepared, a: IntArray, b: IntArray) -> npt.NDArray[np.bool_]:
    """Whether both records of each pair give a full birth date."""
    return (data.birth_day[a] >= 0) & (data.birth_day[b] >= 0)
