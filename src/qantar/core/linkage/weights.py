"""Bits of evidence per pair: log2(m/u) per level, adjusted for how common the value is.

Exact agreement on a common value says less than on a rare one: the weight of an agreeing
name, patronymic, place, date of death or extra column becomes log2(m / share of records
with the value) (*term frequency*). Names of people are not independent of one another
(namesakes are commoner than the product of given-name and surname frequencies says), which
:func:`namesake_adjustment` corrects for pairs inside one list. Deterministic.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qantar.core.linkage.comparisons import FEATURE_INDEX, FEATURES, LevelArray
from qantar.core.linkage.model import Parameters
from qantar.core.linkage.prepare import IntArray, Prepared

FloatArray = npt.NDArray[np.float64]
_GIVEN = FEATURE_INDEX["given_name_matches"]
_SURNAME = FEATURE_INDEX["surname_matches"]
# Features whose agreement is weighted by the frequency of the value, and the levels that
# are: for names, the typo levels too, by the frequency of the commoner spelling (the one
# that was probably meant); for the others, exact agreement only.
_FREQUENCY_COLUMNS = {"given_name_matches": ("given_frequency", 4),
                      "surname_matches": ("surname_frequency", 4),
                      "patronymic_matches": ("father_frequency", 2),
                      "region_matches": ("region_frequency", 1),
                      "city_matches": ("city_frequency", 1),
                      "death_date_matches": ("death_frequency", 1)}


def frequency_adjustments(data: Prepared, a: IntArray, b: IntArray, levels: LevelArray,
                          parameters: Parameters, index: int) -> FloatArray:
    """Bits added to feature ``index`` of each pair for the frequency of the agreed value.

    log2(u of exact agreement / share of records with the value): with the u already in the
    weight, exact agreement on a value counts log2(m / its share). The share is the larger
    of the two records' (for a typo level, the commoner spelling). 0 for other levels and for
    features without frequencies.
    """
    result = np.zeros(len(a))
    found = _frequency_column(data, index)
    if found is None:
        return result
    frequency, levels_adjusted = found
    column = levels[:, index]
    chosen = np.flatnonzero((column >= 0) & (column < levels_adjusted))
    share = np.fmax(frequency[a[chosen]], frequency[b[chosen]])
    known = ~np.isnan(share)
    floor = 1.0 / max(data.size, 1)
    result[chosen[known]] = (np.log2(parameters.u[index][0])
                             - np.log2(np.clip(share[known], floor, None)))
    return result


def _frequency_column(data: Prepared, index: int) -> tuple[FloatArray, int] | None:
    """The value frequencies behind feature ``index`` and how many of its levels they
    adjust, or None if it has none."""
    if index >= len(FEATURES):
        return np.asarray(data.extra_frequency[:, index - len(FEATURES)]), 1
    found = _FREQUENCY_COLUMNS.get(FEATURES[index].name)
    return None if found is None else (np.asarray(getattr(data, found[0])), found[1])


def feature_weight(data: Prepared, a: IntArray, b: IntArray, levels: LevelArray,
                   parameters: Parameters, index: int) -> FloatArray:
    """Bits of evidence from feature ``index`` for each pair (0 where it is missing)."""
    table = parameters.weights()[index]
    column = levels[:, index]
    base = np.where(column >= 0, table[np.maximum(column, 0)], 0.0)
    base += frequency_adjustments(data, a, b, levels, parameters, index)
    if index == _SURNAME:
        base += namesake_adjustment(data, a, b, levels)
    return base


def namesake_adjustment(data: Prepared, a: IntArray, b: IntArray, levels: LevelArray
                        ) -> FloatArray:
    """Bits taken from an exact surname when the full name is commoner than its parts say.

    Given name and surname frequencies multiply only if people's names are independent;
    namesakes are commoner than that. A list that names each person once shows how many
    people bear a full name: a second bearer on any list (beyond the pair's own records)
    means another person has it, whatever the product of the frequencies says. The weight
    of the pair's name agreement is then log2(m / that share) instead: the correction is
    log2(product / share) when negative, else 0.
    """
    result = np.zeros(len(a))
    both = np.flatnonzero((levels[:, _GIVEN] == 0) & (levels[:, _SURNAME] == 0)
                          & (data.full_name[a] == data.full_name[b]) & (data.full_name[a] >= 0)
                          & (data.list_id[a] == data.list_id[b]))
    if not len(both):
        return result
    first, second = a[both], b[both]
    counts = data.full_name_counts[data.full_name[first]].astype(float)
    sizes = np.bincount(data.list_id, minlength=counts.shape[1]).astype(float)
    rows = np.arange(len(both))
    counts -= 1.0
    same_list = data.list_id[first] == data.list_id[second]
    counts[rows[same_list], data.list_id[first][same_list]] -= 1.0
    share = (np.maximum(counts, 0.0) / np.maximum(sizes, 1.0)).max(axis=1)
    product = (np.fmax(data.given_frequency[first], data.given_frequency[second])
               * np.fmax(data.surname_frequency[first], data.surname_frequency[second]))
    known = (share > 0) & (product > 0)
    result[both[known]] = np.minimum(np.log2(product[known] / share[known]), 0.0)
    return result


def feature_weights(data: Prepared, a: IntArray, b: IntArray, levels: LevelArray,
                    parameters: Parameters) -> FloatArray:
    """Bits of evidence from each feature for each pair (rows: pairs, columns: features)."""
    return np.stack([feature_weight(data, a, b, levels, parameters, index)
                     for index in range(levels.shape[1])], axis=1).reshape(len(a), -1)


def standard_and_extra_bits(data: Prepared, a: IntArray, b: IntArray, levels: LevelArray,
                            parameters: Parameters) -> tuple[FloatArray, FloatArray]:
    """The summed bits of the standard features and of the extra columns of each pair
    (without keeping a column per feature, which large inputs cannot afford)."""
    standard, extra = np.zeros(len(a)), np.zeros(len(a))
    for index in range(levels.shape[1]):
        weight = feature_weight(data, a, b, levels, parameters, index)
        if index < len(FEATURES):
            standard += weight
        else:
            extra += weight
    return standard, extra
