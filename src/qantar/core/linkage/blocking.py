"""Blocking: which pairs of records are worth comparing at all.

Comparing every pair is impossible past a few thousand records, so only pairs that share a
*blocking key* are compared. The keys are built from cross-script skeletons, so a Cyrillic
record and its Latin spellings share them. A pair is a candidate if it shares any of:

- ``names``: the skeletons of given name and surname, in either order;
- ``given_birth``: the given name skeleton and the birth date (day and month in any order);
- ``surname_birth``: the surname skeleton and the birth date (day and month in any order);
- ``given_father``: the given name and patronymic skeletons;
- ``iin``: the IIN;
- for every extra column (``Record.extra``): its value alone, in blocks of at most
  ``EXTRA_MAX_BLOCK_SIZE`` records (a value shared by more identifies nobody), and its value
  with the surname skeleton;
- ``sorted_names``: neighbours in the alphabetical order of "given surname" and of
  "surname given" (fine keys), which catches typos that change a skeleton.

Assumption: a true match agrees on at least one of these despite typos and spelling
systems. Blocks larger than ``max_block_size`` are skipped (they say nothing specific).
"""

from __future__ import annotations

import numpy as np

from qantar.core.linkage.prepare import IntArray, Prepared

DEFAULT_MAX_BLOCK_SIZE = 2000
EXTRA_MAX_BLOCK_SIZE = 50


def _combine(*columns: IntArray) -> IntArray:
    """One int64 key from several non-negative id columns; -1 where any part is missing.

    Exact for two columns of ids below 2**31; with more, the key wraps around like a hash, and
    a rare collision only adds a candidate pair.
    """
    key = np.zeros(len(columns[0]), dtype=np.int64)
    missing = np.zeros(len(columns[0]), dtype=bool)
    for column in columns:
        missing |= column < 0
        key = key * np.int64(1 << 31) + column
    key = np.where(missing, -1, key)
    return key


def _birth_key(data: Prepared) -> IntArray:
    """Year, and day and month in either order, as one id; -1 without a full date."""
    low = np.minimum(data.birth_month, data.birth_day)
    high = np.maximum(data.birth_month, data.birth_day)
    key = data.birth_year * 10_000 + low * 100 + high
    return np.where((data.birth_day < 0) | (data.birth_year < 0), -1, key)


def blocking_keys(data: Prepared) -> dict[str, IntArray]:
    """Each rule's key per record (-1 where the rule does not apply)."""
    given, surname = data.given_skeleton, data.surname_skeleton
    first, second = np.minimum(given, surname), np.maximum(given, surname)
    birth = _birth_key(data)
    return {
        "names": _combine(first, second),
        "given_birth": _combine(given, birth),
        "surname_birth": _combine(surname, birth),
        "given_father": _combine(given, data.father_skeleton),
        "iin": data.iin.copy(),
    } | {f"surname_{name}": _combine(surname, data.extra[:, k])
         for k, name in enumerate(data.extra_names)}


def extra_keys(data: Prepared) -> dict[str, IntArray]:
    """Each extra column's value as a key of its own (-1 where blank)."""
    return {name: data.extra[:, k].copy() for k, name in enumerate(data.extra_names)}


def pairs_sharing_key(key: IntArray, max_block_size: int) -> tuple[IntArray, IntArray]:
    """All pairs (i < j) of records with the same non-negative key, blocks up to a size."""
    order = np.argsort(key, kind="stable")
    order = order[key[order] >= 0]
    sorted_key = key[order]
    if len(order) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    block_size = np.repeat(sizes, sizes)
    keep = block_size <= max_block_size
    order, sorted_key, block_size = order[keep], sorted_key[keep], block_size[keep]
    left: list[IntArray] = []
    right: list[IntArray] = []
    offset = 1
    while len(order) > offset:
        same = sorted_key[offset:] == sorted_key[:-offset]
        left.append(order[:-offset][same])
        right.append(order[offset:][same])
        offset += 1
        # Only blocks with more than ``offset`` records have pairs this far apart.
        larger = block_size > offset
        order, sorted_key, block_size = order[larger], sorted_key[larger], block_size[larger]
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    a, b = np.concatenate(left), np.concatenate(right)
    return np.minimum(a, b), np.maximum(a, b)


def _name_strings(data: Prepared) -> tuple[list[str], list[str]]:
    """Each record's "given surname" and "surname given" in fine keys ("" if no name)."""
    strings = data.vocabulary.strings

    def text(ids: IntArray) -> list[str]:
        return [strings[i] if i >= 0 else "" for i in ids.tolist()]

    given, surname = text(data.given_full), text(data.surname)
    forward = [f"{g} {s}".strip() for g, s in zip(given, surname, strict=True)]
    backward = [f"{s} {g}".strip() for g, s in zip(given, surname, strict=True)]
    return forward, backward


def sorted_neighbours(names: list[str], window: int, representatives: int
                      ) -> tuple[IntArray, IntArray]:
    """Pairs of records whose names are near each other in alphabetical order.

    Catches typos that change a skeleton (``Kaybetov``/``Kaybekov``). Each distinct name is
    represented by its first ``representatives`` records (the others meet them through the
    exact-key rules); each representative is paired with the next ``window`` ones.
    """
    array = np.array(names, dtype=object)
    order = np.argsort(array, kind="stable")
    order = order[array[order] != ""]
    sorted_names = array[order]
    new_name = np.r_[True, sorted_names[1:] != sorted_names[:-1]]
    group = np.cumsum(new_name) - 1
    starts = np.flatnonzero(new_name)
    rank_in_group = np.arange(len(order)) - starts[group]
    chosen = order[rank_in_group < representatives].astype(np.int64)
    left = [chosen[:-offset] for offset in range(1, window + 1) if offset < len(chosen)]
    right = [chosen[offset:] for offset in range(1, window + 1) if offset < len(chosen)]
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    a, b = np.concatenate(left), np.concatenate(right)
    return np.minimum(a, b), np.maximum(a, b)


def candidate_pairs(
    data: Prepared, *, max_block_size: int = DEFAULT_MAX_BLOCK_SIZE, window: int = 4,
) -> tuple[IntArray, IntArray]:
    """The distinct candidate pairs (i < j) under all blocking rules, sorted."""
    codes: list[IntArray] = []
    keys = [(key, max_block_size) for key in blocking_keys(data).values()]
    keys += [(key, min(EXTRA_MAX_BLOCK_SIZE, max_block_size)) for key in extra_keys(data).values()]
    for key, cap in keys:
        left, right = pairs_sharing_key(key, cap)
        codes.append(left * np.int64(data.size) + right)
    for names in _name_strings(data):
        left, right = sorted_neighbours(names, window, representatives=2)
        keep = left != right
        codes.append(left[keep] * np.int64(data.size) + right[keep])
    unique = np.unique(np.concatenate(codes)) if codes else np.empty(0, np.int64)
    return unique // data.size, unique % data.size
