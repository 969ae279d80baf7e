"""String similarity of interned strings, in bulk: edits and Jaro–Winkler.

Each distinct pair of strings is scored once, however many record pairs share it, with
rapidfuzz when it is installed and plain Python otherwise (same results, slower).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from qantar.core.linkage.grouping import distinct_inverse
from qantar.core.linkage.prepare import IntArray, Vocabulary

cpdist: Any
try:
    from rapidfuzz.distance import OSA, JaroWinkler
    from rapidfuzz.process import cpdist
except ImportError:  # pragma: no cover - exercised only without the optional speed-up
    cpdist = None

FloatArray = npt.NDArray[np.float64]
LevelArray = npt.NDArray[np.int8]


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
    codes, inverse = distinct_inverse(left[todo] * np.int64(size) + right[todo])
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
