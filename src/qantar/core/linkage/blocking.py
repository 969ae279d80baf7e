"""Blocking: which pairs of records are worth comparing at all.

Comparing every pair is impossible past a few thousand records, so only pairs that share a
*blocking key* are compared. Keys are built from cross-script skeletons
(:func:`qantar.core.names.skeleton`), so a Cyrillic record and its Latin spellings share them,
and from *skeleton variants*: the skeleton itself and the skeleton with any one letter left
out, so that one typo in a consonant (a letter dropped, doubled, replaced or two letters
swapped) still leaves a shared variant. A pair is a candidate if it shares any of:

- ``names_birth_year``: one name part's variant, the other part's skeleton (in either order)
  and a birth year, each record taking every year from its earliest to one past its latest
  possible year of birth (a date, a year or an age), so that years one apart meet; at least
  one of the two must lack a full date (two full dates meet through the date rules below);
- ``names_no_birth_year``: the same names, when one of the records says nothing about its
  birth (such a record is paired with every record of its name, in blocks of at most
  ``NO_BIRTH_MAX_BLOCK_SIZE`` rows: beyond that the name alone cannot pick a person);
- ``one_name``: a record that gives only a given name or only a surname, with every record
  that has that skeleton as either part (blocks as for ``names_no_birth_year``);
- ``names_day_month``, ``names_year_month``, ``names_year_day``: both skeletons and two of
  the three parts of a full birth date (day and month in either order), so that one wrong
  part of the date still meets;
- ``given_birth`` and ``surname_birth``: one skeleton and the full birth date, day and month
  in either order (the other name written differently, or a short form Qantar does not know);
- ``iin``: the IIN;
- for every extra column (``Record.extra``): its value alone, in blocks of at most
  ``EXTRA_MAX_BLOCK_SIZE`` records (a value shared by more identifies nobody), and its value
  with the surname skeleton.

Name blocks of more than ``REGION_SPLIT_SIZE`` rows (a common name, at scale) are split by
region: there the name cannot tell people apart, so a record is paired only with the
records of its own region, and a record without a region or city is left out of such a
block. Assumption: a true match agrees on at least one of these despite typos and spelling
systems. Blocks larger than ``max_block_size`` are skipped (they say nothing specific).
Deterministic; keys are 63-bit hashes of their parts, and a collision only adds a candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from qantar.core.linkage.grouping import distinct
from qantar.core.linkage.prepare import BirthKind, IntArray, Prepared, Vocabulary

DEFAULT_MAX_BLOCK_SIZE = 1000
NO_BIRTH_MAX_BLOCK_SIZE = 100
REGION_SPLIT_SIZE = 100
_PARTS = 8
EXTRA_MAX_BLOCK_SIZE = 50
_MIX = np.uint64(0x9E3779B97F4A7C15)
_DOUBLES = re.compile(r"(.)\1+")
_EMPTY = np.empty(0, np.int64)


def combine(*columns: IntArray) -> IntArray:
    """One non-negative 63-bit key from several id columns; -1 where any part is missing."""
    key = np.zeros(len(columns[0]), dtype=np.uint64)
    missing = np.zeros(len(columns[0]), dtype=bool)
    with np.errstate(over="ignore"):
        for column in columns:
            missing |= column < 0
            key = (key ^ column.astype(np.uint64)) * _MIX
            key ^= key >> np.uint64(29)
    return np.where(missing, -1, (key >> np.uint64(1)).astype(np.int64))


def unordered(first: IntArray, second: IntArray) -> IntArray:
    """One key for two ids whichever comes first (-1 where either is missing)."""
    return combine(np.minimum(first, second), np.maximum(first, second))


def skeleton_variants(skeleton: str) -> set[str]:
    """The skeleton and, from three letters on, every skeleton with one letter left out.

    Shorter skeletons keep no variants: a one-letter key would join every short name.
    """
    if len(skeleton) < 3:
        return {skeleton}
    return {skeleton} | {_DOUBLES.sub(r"\1", skeleton[:k] + skeleton[k + 1:])
                         for k in range(len(skeleton))}


def pairs_in_blocks(members: IntArray, keys: IntArray, max_block_size: int
                    ) -> tuple[IntArray, IntArray]:
    """All pairs (i < j) of distinct members that share a non-negative key.

    ``members``/``keys`` are rows (a record may have several keys); blocks with more than
    ``max_block_size`` rows are skipped.
    """
    members, keys, block_size = _sorted_blocks(members, keys)
    keep = block_size <= max_block_size
    members, keys, block_size = members[keep], keys[keep], block_size[keep]
    left: list[IntArray] = []
    right: list[IntArray] = []
    offset = 1
    while len(members) > offset:
        same = keys[offset:] == keys[:-offset]
        left.append(members[:-offset][same])
        right.append(members[offset:][same])
        offset += 1
        # Only blocks with more than ``offset`` rows have pairs this far apart.
        larger = block_size > offset
        members, keys, block_size = members[larger], keys[larger], block_size[larger]
    return _ordered(left, right)


def flagged_pairs(members: IntArray, keys: IntArray, is_flagged: np.ndarray,
                  max_block_size: int) -> tuple[IntArray, IntArray]:
    """Pairs (i < j) sharing a key of which at least one record is flagged.

    ``is_flagged`` is indexed by record. Blocks with more than ``max_block_size`` rows are
    skipped.
    """
    members, keys, block_size = _sorted_blocks(members, keys)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else _EMPTY
    first_row = np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
    chosen = np.flatnonzero(is_flagged[members] & (block_size <= max_block_size))
    counts = block_size[chosen]
    left = np.repeat(members[chosen], counts)
    right = members[np.repeat(first_row[chosen], counts) + _repeat_ranges(counts)]
    return _ordered([left], [right])


def _sorted_blocks(members: IntArray, keys: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Rows with a key, sorted by key, without repeats, and the size of each row's block.

    Each row is packed into one integer (the key's high bits, then the member) so that one
    plain sort groups the keys and brings repeated rows together; the low bits of the key
    given up make a collision of two keys about 2**-40 likely (it only adds candidates).
    """
    present = keys >= 0
    members, keys = members[present], combine(keys[present])
    if not len(keys):
        return members, keys, _EMPTY
    bits = np.int64(max(int(members.max()).bit_length(), 1))
    packed = np.sort((keys >> bits) << bits | members)
    packed = packed[np.r_[True, packed[1:] != packed[:-1]]]
    keys, members = packed >> bits, packed & ((np.int64(1) << bits) - 1)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    return members, keys, np.repeat(sizes, sizes)


def _ordered(left: list[IntArray], right: list[IntArray]) -> tuple[IntArray, IntArray]:
    """Pairs as (smaller, larger) index, without pairs of a record with itself."""
    if not left:
        return _EMPTY, _EMPTY
    a, b = np.concatenate(left), np.concatenate(right)
    keep = a != b
    a, b = a[keep], b[keep]
    return np.minimum(a, b), np.maximum(a, b)


def _variant_table(data: Prepared) -> tuple[IntArray, IntArray, IntArray]:
    """Variants of every skeleton as ids of one vocabulary: (flat ids, count, offset) per
    skeleton id, the skeleton itself first."""
    variants = Vocabulary()
    lists = [[variants.id(text)] + [variants.id(variant) for variant in
                                    sorted(skeleton_variants(text) - {text})]
             for text in data.skeletons.strings]
    counts = np.array([len(ids) for ids in lists], dtype=np.int64)
    flat = np.array([i for ids in lists for i in ids], dtype=np.int64)
    return flat, counts, np.cumsum(counts) - counts


def _repeat_ranges(counts: IntArray) -> IntArray:
    """0, 1, ..., count-1 for each count, concatenated."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def name_rows(data: Prepared) -> tuple[IntArray, IntArray]:
    """(record, name key) rows: a variant of one name part with the other part's skeleton.

    Both orders of given name and surname give the same key, so a name read in the wrong
    order still meets its other spellings. Records without both parts have no rows.
    """
    flat, counts, offsets = _variant_table(data)
    records = np.flatnonzero((data.given_skeleton >= 0) & (data.surname_skeleton >= 0))
    members: list[IntArray] = []
    keys: list[IntArray] = []
    for varied, fixed in ((data.given_skeleton[records], data.surname_skeleton[records]),
                          (data.surname_skeleton[records], data.given_skeleton[records])):
        count = counts[varied]
        variant = flat[np.repeat(offsets[varied], count) + _repeat_ranges(count)]
        members.append(np.repeat(records, count))
        keys.append(unordered(variant, np.repeat(flat[offsets[fixed]], count)))
    return np.concatenate(members), np.concatenate(keys)


def year_rows(data: Prepared, members: IntArray, keys: IntArray) -> tuple[IntArray, IntArray]:
    """Each (record, key) row once per year from the record's earliest birth year to one past
    its latest (records without a birth year are left out)."""
    low, high = data.year_low[members], data.year_high[members]
    present = low >= 0
    members, keys, low, high = members[present], keys[present], low[present], high[present]
    span = high - low + 2
    years = np.repeat(low, span) + _repeat_ranges(span)
    return np.repeat(members, span), combine(np.repeat(keys, span), years)


def _birth_date_key(data: Prepared) -> IntArray:
    """Year, and day and month in either order, as one key; -1 without a full date."""
    low = np.minimum(data.birth_month, data.birth_day)
    high = np.maximum(data.birth_month, data.birth_day)
    return np.where(data.birth_kind == BirthKind.DATE,
                    data.birth_year * 10_000 + low * 100 + high, -1)


def blocking_keys(data: Prepared) -> dict[str, IntArray]:
    """Single-valued rules: each rule's key per record (-1 where the rule does not apply)."""
    birth = _birth_date_key(data)
    has_date = data.birth_kind == BirthKind.DATE
    names = unordered(data.given_skeleton, data.surname_skeleton)
    year = np.where(has_date, data.birth_year, -1)
    return {
        "names_day_month": combine(names, np.where(birth >= 0, birth % 10_000, -1)),
        "names_year_month": combine(names, year, np.where(has_date, data.birth_month, -1)),
        "names_year_day": combine(names, year, np.where(has_date, data.birth_day, -1)),
        "given_birth": combine(data.given_skeleton, birth),
        "surname_birth": combine(data.surname_skeleton, birth),
        "iin": data.iin.copy(),
    } | {f"surname_{name}": combine(data.surname_skeleton, data.extra[:, k])
         for k, name in enumerate(data.extra_names)}


def split_by_region(data: Prepared, members: IntArray, keys: IntArray
                    ) -> tuple[IntArray, IntArray]:
    """Rows of blocks larger than ``REGION_SPLIT_SIZE`` re-keyed with the record's region.

    In so large a block the name cannot tell people apart, and a record without a region
    (or city) cannot be told from the others either: its rows are dropped there.
    """
    members, keys, block_size = _sorted_blocks(members, keys)
    large = block_size > REGION_SPLIT_SIZE
    return members, np.where(large, combine(keys, data.region[members]), keys)


def extra_keys(data: Prepared) -> dict[str, IntArray]:
    """Each extra column's value as a key of its own (-1 where blank)."""
    return {name: data.extra[:, k].copy() for k, name in enumerate(data.extra_names)}


def _name_rule_pairs(data: Prepared, max_block_size: int
                     ) -> Iterator[tuple[str, IntArray, IntArray]]:
    """Pairs of the two name rules, worked out in parts of the name keys (a key is never in
    two parts) so that the rows of a million records need not be in memory at once."""
    members, names = name_rows(data)
    without_date = data.birth_kind != BirthKind.DATE
    without_birth = data.birth_kind == BirthKind.NONE
    part_of_row = (names >> 17) % _PARTS
    for part in range(_PARTS):
        chosen = part_of_row == part
        part_members, part_names = members[chosen], names[chosen]
        yield "names_birth_year", *flagged_pairs(
            *split_by_region(data, *year_rows(data, part_members, part_names)), without_date,
            max_block_size)
        yield "names_no_birth_year", *flagged_pairs(
            *split_by_region(data, part_members, part_names), without_birth,
            min(NO_BIRTH_MAX_BLOCK_SIZE, max_block_size))


def one_name_pairs(data: Prepared, max_block_size: int) -> tuple[IntArray, IntArray]:
    """Pairs of a record that gives only a given name or only a surname with any record that
    has that skeleton in either part (blocks as for records without a birth)."""
    given, surname = data.given_skeleton, data.surname_skeleton
    has_given, has_surname = np.flatnonzero(given >= 0), np.flatnonzero(surname >= 0)
    members = np.r_[has_given, has_surname]
    keys = combine(np.r_[given[has_given], surname[has_surname]])
    one_name = (given >= 0) != (surname >= 0)
    return flagged_pairs(*split_by_region(data, members, keys), one_name,
                         min(NO_BIRTH_MAX_BLOCK_SIZE, max_block_size))


def rule_pairs(data: Prepared, max_block_size: int = DEFAULT_MAX_BLOCK_SIZE
               ) -> Iterator[tuple[str, IntArray, IntArray]]:
    """(rule, left, right) for the pairs each rule yields, a rule possibly in several parts
    (a pair may come from several rules)."""
    yield from _name_rule_pairs(data, max_block_size)
    yield "one_name", *one_name_pairs(data, max_block_size)
    everyone = np.arange(data.size, dtype=np.int64)
    for name, key in blocking_keys(data).items():
        yield name, *pairs_in_blocks(everyone, key, max_block_size)
    for name, key in extra_keys(data).items():
        yield name, *pairs_in_blocks(everyone, key, min(EXTRA_MAX_BLOCK_SIZE, max_block_size))


def candidate_pairs(data: Prepared, *, max_block_size: int = DEFAULT_MAX_BLOCK_SIZE
                    ) -> tuple[IntArray, IntArray]:
    """The distinct candidate pairs (i < j) under all blocking rules, sorted."""
    size = np.int64(max(data.size, 1))
    codes = [distinct(left * size + right)
             for _rule, left, right in rule_pairs(data, max_block_size)]
    unique = distinct(np.concatenate(codes)) if codes else _EMPTY
    del codes
    return unique // size, unique % size
