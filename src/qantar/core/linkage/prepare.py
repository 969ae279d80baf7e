"""Records turned into columns of small integers that comparisons can work on in bulk.

Every name part is reduced to Qantar's fine key (:func:`qantar.core.names.romanize`) so that
scripts and romanisation systems no longer matter; strings are interned into one vocabulary
so that equal keys have equal ids. Missing values are -1.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from qantar.core.errors import ValidationFailed
from qantar.core.iin import IIN, parse_iin
from qantar.core.linkage.places import place_key, region_of
from qantar.core.linkage.records import Record
from qantar.core.names import (
    Sex,
    full_given_names,
    given_name_sex,
    is_known_given_name,
    name_sex,
    normalize,
    parse_name,
    romanize,
    skeleton,
    surname_stem,
    tokens,
)

IntArray = npt.NDArray[np.int64]
_PATRONYMIC_SUFFIX = re.compile(r"(ovich|evich|ich|ovna|evna|ichna|inichna|uli|kizi)$")
_SEX_CODES = {"m": 0, "f": 1}
_COLUMNS = ("given", "given_full", "surname", "surname_sex", "father", "given_skeleton",
            "surname_skeleton", "father_skeleton", "sex", "birth_year", "birth_month",
            "birth_day", "year_low", "year_high", "region", "city", "death", "iin", "list_id")


@dataclass(frozen=True)
class NameParts:
    """The comparable parts of one person's name (fine keys; empty when unknown)."""

    given: str
    given_full: str
    surname: str
    surname_sex: str
    father: str
    sex: str


class Vocabulary:
    """Interns strings as consecutive integer ids (the empty string is -1)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.strings: list[str] = []

    def id(self, text: str) -> int:
        """The id of ``text``, added if new; -1 for the empty string."""
        if not text:
            return -1
        found = self.ids.get(text)
        if found is None:
            found = self.ids[text] = len(self.strings)
            self.strings.append(text)
        return found


def father_key(patronymic: str) -> str:
    """The father's name in a patronymic: Абдрахманович, Abdrakhmanuly → ``abdrahman``."""
    parts = tokens(patronymic)
    if not parts:
        return ""
    key = romanize(parts[0])
    return key if len(parts) > 1 else (_PATRONYMIC_SUFFIX.sub("", key) or key)


def _given_full(given: str, sex: str) -> str:
    """The full name a given name stands for, picked to suit the sex when it is known."""
    options = sorted(full_given_names(given))
    if len(options) == 1:
        return options[0]
    key = romanize(given)
    fulls = [option for option in options if option != key]
    suited = [option for option in fulls if given_name_sex(option).value == sex]
    return (suited or fulls)[0]


def name_parts(record: Record, sex_hint: str) -> NameParts:
    """The name parts of a record: its own columns if filled, else its parsed full name."""
    if record.given_name or record.surname:
        given, surname, patronymic = record.given_name, record.surname, record.patronymic
        if not patronymic and record.full_name:
            patronymic = parse_name(record.full_name).patronymic
    else:
        parsed = parse_name(record.full_name)
        given, surname = parsed.given, parsed.surname
        patronymic = record.patronymic or parsed.patronymic
    given_tokens = tokens(given)
    first_given = given_tokens[0] if given_tokens else ""
    surname_key, surname_sex = surname_stem(" ".join(tokens(surname)).replace(" ", ""))
    implied = name_sex(first_given, surname, patronymic).value
    sex = sex_hint or implied
    return NameParts(
        given=romanize(first_given),
        given_full=_given_full(first_given, sex) if first_given else "",
        surname=surname_key,
        surname_sex=surname_sex.value if surname_sex is not Sex.UNKNOWN else "",
        father=father_key(patronymic),
        sex=sex,
    )


def _valid_iin(text: str) -> IIN | None:
    try:
        return parse_iin(text) if text else None
    except ValidationFailed:
        return None


@dataclass
class Prepared:
    """Column arrays for n records (index i is ``records[i]``), plus the name vocabulary."""

    records: list[Record]
    vocabulary: Vocabulary
    given: IntArray
    given_full: IntArray
    surname: IntArray
    surname_sex: IntArray
    father: IntArray
    given_skeleton: IntArray
    surname_skeleton: IntArray
    father_skeleton: IntArray
    sex: IntArray
    birth_year: IntArray
    birth_month: IntArray
    birth_day: IntArray
    year_low: IntArray
    year_high: IntArray
    region: IntArray
    city: IntArray
    death: IntArray
    iin: IntArray
    list_id: IntArray
    given_known: npt.NDArray[np.bool_]
    given_frequency: npt.NDArray[np.float64]
    surname_frequency: npt.NDArray[np.float64]
    extra_names: tuple[str, ...] = ()
    """Names of the non-standard columns, sorted; column k of ``extra`` is the k-th."""
    extra: IntArray = field(default_factory=lambda: np.empty((0, 0), np.int64))
    """Interned normalised text of each extra column (rows: records), -1 where blank."""
    extra_vocabulary: Vocabulary = field(default_factory=Vocabulary)
    extra_frequency: npt.NDArray[np.float64] = field(
        default_factory=lambda: np.empty((0, 0)))

    @property
    def size(self) -> int:
        """The number of records."""
        return len(self.records)


def reference_years(records: list[Record]) -> dict[str, int]:
    """For each list, the commonest year of death: ages in that list are taken as of then."""
    by_list: dict[str, Counter[int]] = {}
    for record in records:
        if record.date_of_death:
            by_list.setdefault(record.list_name, Counter())[record.date_of_death.year] += 1
    return {name: counts.most_common(1)[0][0] for name, counts in by_list.items()}


def _birth(
    record: Record, iin: IIN | None, reference: int | None
) -> tuple[int, int, int, int, int]:
    """(year, month, day, earliest year, latest year) of birth; -1 where unknown.

    An age is taken as of the year of death, else the list's commonest year of death; a
    person aged A that year was born in year-A-1 or year-A.
    """
    born = record.birth_date or (iin.birth_date if iin else None)
    if born:
        return born.year, born.month, born.day, born.year, born.year
    if record.birth_year:
        return record.birth_year, -1, -1, record.birth_year, record.birth_year
    year = record.date_of_death.year if record.date_of_death else reference
    if record.age is not None and year:
        return -1, -1, -1, year - record.age - 1, year - record.age
    return -1, -1, -1, -1, -1


def _frequencies(ids: IntArray) -> npt.NDArray[np.float64]:
    """For each record, the share of records with the same value (NaN where missing)."""
    result = np.full(len(ids), np.nan)
    present = ids >= 0
    if present.any():
        _values, inverse, counts = np.unique(ids[present], return_inverse=True, return_counts=True)
        result[present] = counts[inverse] / present.sum()
    return result


def extra_columns(records: list[Record]) -> tuple[IntArray, tuple[str, ...], Vocabulary]:
    """The records' non-standard columns as interned ids (normalised text), names sorted."""
    names = tuple(sorted({name for record in records for name in record.extra}))
    vocabulary = Vocabulary()
    table = np.full((len(records), len(names)), -1, dtype=np.int64)
    if names:
        for row, record in enumerate(records):
            for column, name in enumerate(names):
                table[row, column] = vocabulary.id(normalize(record.extra.get(name, "")))
    return table, names, vocabulary


def prepare(records: list[Record]) -> Prepared:
    """Column arrays for the records (pure; the same records give the same arrays)."""
    vocabulary = Vocabulary()
    skeletons = Vocabulary()
    places = Vocabulary()
    lists = Vocabulary()
    references = reference_years(records)
    rows: list[tuple[int, ...]] = []
    known_parts: dict[tuple[str, ...], NameParts] = {}
    for record in records:
        iin = _valid_iin(record.iin)
        sex = record.sex or (iin.sex if iin else "")
        # Lists repeat names: parse each distinct spelling once.
        spelling = (record.full_name, record.given_name, record.surname, record.patronymic, sex)
        parts = known_parts.get(spelling) or known_parts.setdefault(
            spelling, name_parts(record, sex))
        city = place_key(record.city)
        region = region_of(place_key(record.region) or city)
        born = _birth(record, iin, references.get(record.list_name))
        rows.append((
            vocabulary.id(parts.given), vocabulary.id(parts.given_full),
            vocabulary.id(parts.surname), _SEX_CODES.get(parts.surname_sex, -1),
            vocabulary.id(parts.father),
            skeletons.id(skeleton(parts.given_full)), skeletons.id(skeleton(parts.surname)),
            skeletons.id(skeleton(parts.father)),
            _SEX_CODES.get(parts.sex, -1), *born,
            places.id(region), places.id(city),
            record.date_of_death.toordinal() if record.date_of_death else -1,
            int(iin.number) if iin else -1, lists.id(record.list_name or "-"),
        ))
    table = np.array(rows, dtype=np.int64).reshape(len(records), len(_COLUMNS))
    columns = {name: table[:, index].copy() for index, name in enumerate(_COLUMNS)}
    strings = vocabulary.strings
    known = np.array([index >= 0 and is_known_given_name(strings[index])
                      for index in columns["given"].tolist()], dtype=bool)
    extra, extra_names, extra_vocabulary = extra_columns(records)
    extra_frequency = np.stack([_frequencies(extra[:, k]) for k in range(len(extra_names))],
                               axis=1) if extra_names else np.empty((len(records), 0))
    return Prepared(records, vocabulary, **columns, given_known=known,
                    given_frequency=_frequencies(columns["given_full"]),
                    surname_frequency=_frequencies(columns["surname"]),
                    extra_names=extra_names, extra=extra, extra_vocabulary=extra_vocabulary,
                    extra_frequency=extra_frequency)
