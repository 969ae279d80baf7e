"""Blocking that scales, comparisons of ages and places, priors, frequencies, namesakes."""

from __future__ import annotations

import datetime as dt

import numpy as np

from qantar.core.linkage import Record, link
from qantar.core.linkage.blocking import (
    candidate_pairs,
    flagged_pairs,
    pairs_in_blocks,
    skeleton_variants,
)
from qantar.core.linkage.clustering import pairs_within_groups
from qantar.core.linkage.comparisons import BIRTH_LEVELS, FEATURE_INDEX, FEATURES, compare
from qantar.core.linkage.exclusivity import share_between_namesakes
from qantar.core.linkage.grouping import distinct, distinct_counts, distinct_inverse
from qantar.core.linkage.prepare import age_interval, death_periods, prepare
from qantar.core.linkage.priors import list_coverage, pairs_per_kind, refine_priors
from qantar.core.linkage.weights import frequency_adjustments, namesake_adjustment

DEATH = dt.date(2022, 1, 5)


def _levels(records: list[Record], feature: str) -> list[str]:
    """The level of ``feature`` for the pair (0, k) of each later record k."""
    data = prepare(records)
    right = np.arange(1, len(records), dtype=np.int64)
    column = compare(data, np.zeros(len(right), dtype=np.int64), right)[:, FEATURE_INDEX[feature]]
    labels = FEATURES[FEATURE_INDEX[feature]].levels
    return [labels[level] if level >= 0 else "-" for level in column.tolist()]


def test_grouping_helpers_sort_and_count():
    values = np.array([5, 3, 5, 9, 3, 5], dtype=np.int64)
    assert distinct(values).tolist() == [3, 5, 9]
    found, inverse = distinct_inverse(values)
    assert (found.tolist(), inverse.tolist()) == ([3, 5, 9], [1, 0, 1, 2, 0, 1])
    found, first, counts = distinct_counts(values)
    assert (found.tolist(), first.tolist(), counts.tolist()) == ([3, 5, 9], [1, 0, 3], [2, 3, 1])


def test_skeleton_variants_leave_out_one_letter_from_three_letters_on():
    assert sorted(skeleton_variants("mhnbv")) == ["hnbv", "mhbv", "mhnb", "mhnbv", "mhnv", "mnbv"]
    assert skeleton_variants("ab") == {"ab"}


def test_pairs_in_blocks_skip_large_blocks_and_flagged_pairs_need_a_flag():
    members = np.array([0, 1, 2, 3, 4, 4], dtype=np.int64)
    keys = np.array([7, 7, 7, 8, 8, -1], dtype=np.int64)
    left, right = pairs_in_blocks(members, keys, max_block_size=2)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(3, 4)]
    flags = np.array([False, True, False, False, False])
    left, right = flagged_pairs(members, keys, flags, max_block_size=3)
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1), (1, 2)]


def test_blocking_meets_a_consonant_typo_against_an_age():
    records = [
        Record("o1", "official", given_name="Нурлан", surname="Саханбаев",
               birth_date=dt.date(1975, 5, 12), date_of_death=DEATH),
        Record("m1", "media", full_name="Nurlan Makhanbyaev", age=46, date_of_death=DEATH),
        Record("m2", "media", full_name="Nurlan Mahkanbayev", age=20, date_of_death=DEATH),
    ]
    left, right = candidate_pairs(prepare(records))
    # m2 is born 1975 + 26: the same name, but no birth year near enough.
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1)]


def test_age_interval_is_a_year_of_birthdays():
    assert age_interval(51, DEATH, DEATH) == (dt.date(1970, 1, 6), dt.date(1971, 1, 5))
    assert age_interval(40, dt.date(2022, 1, 4), dt.date(2022, 1, 10)) == (
        dt.date(1981, 1, 5), dt.date(1982, 1, 10))


def test_death_periods_fall_back_to_all_lists():
    records = [Record(f"a{i}", "a", date_of_death=DEATH + dt.timedelta(days=i % 3))
               for i in range(20)] + [Record("b1", "b", age=30)]
    assert death_periods(records) == {"a": (DEATH, DEATH + dt.timedelta(days=2)),
                                      "b": (DEATH, DEATH + dt.timedelta(days=2))}


def test_birth_levels_by_what_the_records_give():
    records = [
        Record("r0", given_name="Aidos", surname="Seitov", birth_date=dt.date(1970, 7, 6),
               date_of_death=DEATH),
        Record("r1", given_name="Aidos", surname="Seitov", birth_date=dt.date(1970, 6, 7)),
        Record("r2", given_name="Aidos", surname="Seitov", birth_year=1970),
        Record("r3", given_name="Aidos", surname="Seitov", age=51, date_of_death=DEATH),
        Record("r4", given_name="Aidos", surname="Seitov", age=52, date_of_death=DEATH),
        Record("r5", given_name="Aidos", surname="Seitov", birth_year=1962),
        Record("r6", given_name="Aidos", surname="Seitov"),
    ]
    assert _levels(records, "birth_date_matches") == [
        "swapped_or_one_off", "year_matches", "age_fits", "age_within_1_year", "year_differs",
        "-"]
    assert len(BIRTH_LEVELS) == 14


def test_death_dates_with_day_and_month_swapped():
    records = [Record("r0", given_name="Aidos", date_of_death=dt.date(2022, 1, 5)),
               Record("r1", given_name="Aidos", date_of_death=dt.date(2022, 5, 1)),
               Record("r2", given_name="Aidos", date_of_death=dt.date(2022, 1, 6)),
               Record("r3", given_name="Aidos", date_of_death=dt.date(2022, 3, 1))]
    assert _levels(records, "death_date_matches") == [
        "day_month_swapped", "within_2_days", "different"]


def test_a_place_counts_once_when_both_records_name_a_city():
    records = [Record("r0", given_name="Aidos", region="Алматинская область",
                      city="Талдыкорган"),
               Record("r1", given_name="Aidos", region="Almaty oblysy", city="Taldykorgan"),
               Record("r2", given_name="Aidos", region="Almaty Region")]
    assert _levels(records, "region_matches") == ["-", "same"]
    assert _levels(records, "city_matches") == ["same", "-"]


def test_refine_priors_drop_kinds_without_real_matches():
    # Kind 0: 2 sure matches and 198 sure non-matches among its 200 candidates, 1000 pairs.
    # Kind 3: 400 candidates that say nothing, among a million pairs. Each keeps EM's 0.1 in
    # the measure of 20 candidates against its own.
    kinds = np.r_[np.zeros(200, np.int64), np.full(400, 3, np.int64)]
    evidence = np.r_[[30.0, 30.0], np.full(198, -20.0), np.zeros(400)]
    pairs = np.array([1000.0, 0.0, 0.0, 1e6])
    refined = refine_priors(np.full(4, 0.1), evidence, kinds, pairs)
    assert refined.round(5).tolist() == [round(20 / 220 * 0.1 + 200 / 220 * 0.002, 5), 0.1, 0.1,
                                         round(20 / 420 * 0.1, 5)]


def test_pairs_per_kind_and_coverage():
    lists = np.array([0, 0, 0, 1, 1], dtype=np.int64)
    assert pairs_per_kind(lists).tolist() == [3.0, 6.0, 0.0, 1.0]
    coverage = list_coverage(np.array([0.0, 2 / 6, 0.0, 0.0]), lists)
    assert coverage.round(3).tolist() == [[0.0, 0.667], [0.99, 0.0]]


def test_a_rare_surname_says_more_than_a_common_one():
    records = ([Record(f"c{i}", "a", given_name="Nurlan", surname="Akhmetov") for i in range(8)]
               + [Record("r1", "a", given_name="Nurlan", surname="Zhaksybekov"),
                  Record("r2", "b", given_name="Nurlan", surname="Zhaksybekov")])
    data = prepare(records)
    a, b = np.array([0, 8], dtype=np.int64), np.array([1, 9], dtype=np.int64)
    levels = compare(data, a, b)
    result = link(records)
    surname = FEATURE_INDEX["surname_matches"]
    bits = frequency_adjustments(data, a, b, levels, result.parameters, surname)
    # 8 of 10 records are Akhmetovs, 2 Zhaksybekovs: log2(0.8 / 0.2) bits more.
    assert round(bits[1] - bits[0], 3) == 2.0


def test_namesakes_on_one_list_weaken_a_pair_inside_another():
    # Two Nurlan Akhmetovs on list b: a pair of them on list a may be two people as well.
    records = [Record("a1", "a", given_name="Nurlan", surname="Akhmetov"),
               Record("a2", "a", given_name="Nurlan", surname="Akhmetov"),
               Record("b1", "b", given_name="Nurlan", surname="Akhmetov"),
               Record("b2", "b", given_name="Nurlan", surname="Akhmetov")]
    data = prepare(records)
    a, b = np.array([0, 0], dtype=np.int64), np.array([1, 2], dtype=np.int64)
    # Names alone make up the frequencies: product 1 × 1 against a share of 1/2.
    assert namesake_adjustment(data, a, b, compare(data, a, b)).tolist() == [0.0, 0.0]


def test_rivals_already_taken_stop_competing():
    # a1 (list 0) is surely b1 (list 1); a2 resembles b1 and b2 equally.
    left = np.array([0, 1, 1], dtype=np.int64)
    right = np.array([2, 2, 3], dtype=np.int64)
    probability = np.array([0.999, 0.8, 0.8])
    lists = np.array([0, 0, 1, 1], dtype=np.int64)
    once = share_between_namesakes(4, left, right, probability, lists, threshold=0.5)
    settled = share_between_namesakes(4, left, right, probability, lists, threshold=0.5,
                                      rounds=4)
    # odds 999 and 4: b1 is wanted by a1 (999) and a2 (4), so a2 ~ b1 gets 4 / (1 + 4 + 999).
    assert once.round(3).tolist() == [0.995, 0.004, 0.444]
    assert settled[2] > 0.5 > once[2]


def test_pairs_within_groups_finds_the_unblocked_third_pair():
    left = np.array([0, 1, 3], dtype=np.int64)
    right = np.array([1, 2, 4], dtype=np.int64)
    probability = np.array([0.9, 0.8, 0.2])
    first, second = pairs_within_groups(5, left, right, probability, threshold=0.5, limit=10)
    assert list(zip(first.tolist(), second.tolist(), strict=True)) == [(0, 2)]


def test_link_reports_its_stages():
    records = [Record("r1", "a", given_name="Aidos", surname="Seitov"),
               Record("r2", "b", given_name="Aidos", surname="Seitov")]
    assert list(link(records).stage_seconds) == [
        "prepare", "blocking", "comparison", "estimation", "clustering"]
