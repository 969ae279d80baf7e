"""Records turned into columns of small integers that comparisons can work on in bulk.

Every name part is reduced to Qantar's fine key (:func:`qantar.core.names.romanize`) so that
scripts and romanisation systems no longer matter; strings are interned into one vocabulary
so that equal keys have equal ids. Missing values are -1.

Lists repeat themselves (the same spelling, place, IIN or date on many rows), so every
distinct value is worked out once and mapped back to the rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from qantar.core.errors import ValidationFailed
from qantar.core.iin import IIN, parse_iin
from qantar.core.linkage.grouping import distinct_inverse
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
FloatArray = npt.NDArray[np.float64]
_PATRONYMIC_SUFFIX = re.compile(r"(ovich|evich|ich|ovna|evna|ichna|inichna|uli|kizi)$")
_SEX_CODES = {"m": 0, "f": 1}
_Value = TypeVar("_Value", bound=Hashable)
_YEAR_DAYS = 366
_NAME_COLUMNS = ("given", "given_full", "surname", "surname_sex", "father", "sex")
_SKELETON_COLUMNS = ("given_skeleton", "surname_skeleton", "father_skeleton")
_BIRTH_COLUMNS = ("birth_year", "birth_month", "birth_day", "year_low", "year_high",
                  "birth_low", "birth_high", "birth_kind")


class BirthKind:
    """What a record says about its birth (codes of ``Prepared.birth_kind``)."""

    NONE = -1
    DATE = 0
    YEAR = 1
    AGE = 2


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


@functools.lru_cache(maxsize=50_000)
def _given_full(given: str, sex: str) -> str:
    """The full name a given name stands for, picked to suit the sex when it is known."""
    options = sorted(full_given_names(given))
    if len(options) == 1:
        return options[0]
    key = romanize(given)
    fulls = [option for option in options if option != key]
    suited = [option for option in fulls if given_name_sex(option).value == sex]
    return (suited or fulls)[0]


@functools.lru_cache(maxsize=200_000)
def _surname_key(surname: str) -> tuple[str, Sex]:
    """The male form of a surname (all its tokens run together) and the sex of its ending."""
    return surname_stem(" ".join(tokens(surname)).replace(" ", ""))


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
    surname_key, surname_sex = _surname_key(surname)
    sex = sex_hint or name_sex(first_given, surname, patronymic).value
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
    """Column arrays for n records (index i is ``records[i]``), plus the name vocabulary.

    Birth: ``birth_year/month/day`` as written (or from the IIN); ``birth_low``/``birth_high``
    the first and last day (ordinals) the person can have been born on, from a date, a year or
    an age; ``year_low``/``year_high`` the same in years; ``birth_kind`` a :class:`BirthKind`.
    """

    records: list[Record]
    vocabulary: Vocabulary
    skeletons: Vocabulary
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
    birth_low: IntArray
    birth_high: IntArray
    birth_kind: IntArray
    region: IntArray
    city: IntArray
    death: IntArray
    iin: IntArray
    list_id: IntArray
    given_known: npt.NDArray[np.bool_]
    given_frequency: FloatArray
    surname_frequency: FloatArray
    father_frequency: FloatArray
    region_frequency: FloatArray
    city_frequency: FloatArray
    death_frequency: FloatArray
    full_name: IntArray
    """Given name and surname (fine keys) as one id, -1 unless both are known."""
    full_name_counts: IntArray
    """How many records of each list (columns) have each ``full_name`` (rows)."""
    extra_names: tuple[str, ...] = ()
    """Names of the non-standard columns, sorted; column k of ``extra`` is the k-th."""
    extra: IntArray = field(default_factory=lambda: np.empty((0, 0), np.int64))
    """Interned normalised text of each extra column (rows: records), -1 where blank."""
    extra_vocabulary: Vocabulary = field(default_factory=Vocabulary)
    extra_frequency: FloatArray = field(default_factory=lambda: np.empty((0, 0)))

    @property
    def size(self) -> int:
        """The number of records."""
        return len(self.records)


def death_periods(records: Sequence[Record]) -> dict[str, tuple[dt.date, dt.date]]:
    """For each list, the period in which its people died: from the 5th to the 95th
    percentile of its dates of death. Ages in that list without a date of death are taken as
    of then. A list without any date of death takes the period of all lists (lists of one
    event share its time)."""
    by_list: dict[str, list[int]] = {}
    for record in records:
        if record.date_of_death:
            by_list.setdefault(record.list_name, []).append(record.date_of_death.toordinal())
    periods = {name: _middle(days) for name, days in by_list.items()}
    if by_list:
        overall = _middle([day for days in by_list.values() for day in days])
        periods |= {record.list_name: overall for record in records
                    if record.list_name not in periods}
    return periods


def _middle(days: list[int]) -> tuple[dt.date, dt.date]:
    """The 5th and 95th percentiles of some days."""
    low, high = np.percentile(np.array(days), [5, 95], method="nearest")
    return dt.date.fromordinal(int(low)), dt.date.fromordinal(int(high))


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February without one)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_interval(age: int, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last possible birthday of someone aged ``age`` when they died, between
    ``first`` and ``last`` (the same day when the date of death is known): born after
    ``first`` minus age+1 years and at most ``last`` minus age years."""
    return _years_before(first, age + 1) + dt.timedelta(days=1), _years_before(last, age)


def birth_fields(record: Record, iin: IIN | None, period: tuple[dt.date, dt.date] | None
                 ) -> tuple[int, int, int, int, int, int, int, int]:
    """(year, month, day, earliest year, latest year, earliest day, latest day, kind).

    -1 where unknown. An age is taken as of the date of death, else of the period in which
    the people of the record's list died (``period``, see :func:`death_periods`).
    """
    born = record.birth_date or (iin.birth_date if iin else None)
    if born:
        day = born.toordinal()
        return born.year, born.month, born.day, born.year, born.year, day, day, BirthKind.DATE
    if record.birth_year:
        year = record.birth_year
        return (year, -1, -1, year, year, dt.date(year, 1, 1).toordinal(),
                dt.date(year, 12, 31).toordinal(), BirthKind.YEAR)
    died = (record.date_of_death, record.date_of_death) if record.date_of_death else period
    if record.age is not None and died and died[0].year - record.age > 2:
        low, high = age_interval(record.age, *died)
        return (-1, -1, -1, low.year, high.year, low.toordinal(), high.toordinal(),
                BirthKind.AGE)
    return -1, -1, -1, -1, -1, -1, -1, BirthKind.NONE


def frequencies(ids: IntArray) -> FloatArray:
    """For each record, the share of records with the same value (NaN where missing)."""
    result = np.full(len(ids), np.nan)
    present = ids >= 0
    if present.any():
        _values, inverse = distinct_inverse(ids[present])
        result[present] = np.bincount(inverse)[inverse] / present.sum()
    return result


def _full_names(given: IntArray, surname: IntArray, list_id: IntArray) -> dict[str, IntArray]:
    """Each record's full name id and the count of each full name on each list."""
    both = (given >= 0) & (surname >= 0)
    names, ids = distinct_inverse(np.where(both, given * np.int64(1 << 31) + surname, -1))
    ids = np.where(both, ids - int(names[0] == -1 if len(names) else 0), -1)
    lists = int(list_id.max()) + 1 if len(list_id) else 1
    combos = int(ids.max()) + 1 if len(ids) else 0
    counts = np.bincount(ids[both] * lists + list_id[both], minlength=combos * lists)
    return {"full_name": ids, "full_name_counts": counts.reshape(combos, lists)}


def extra_columns(records: Sequence[Record]) -> tuple[IntArray, tuple[str, ...], Vocabulary]:
    """The records' non-standard columns as interned ids (normalised text), names sorted."""
    names = tuple(sorted({name for record in records for name in record.extra}))
    vocabulary = Vocabulary()
    table = np.full((len(records), len(names)), -1, dtype=np.int64)
    if names:
        for row, record in enumerate(records):
            for column, name in enumerate(names):
                table[row, column] = vocabulary.id(normalize(record.extra.get(name, "")))
    return table, names, vocabulary


def _by_distinct(values: Sequence[_Value], work: Callable[[_Value], tuple[int, ...]],
                 width: int) -> IntArray:
    """``work`` applied to each distinct value once, as rows of a table aligned with values."""
    index: dict[_Value, int] = {}
    positions = [index.setdefault(value, len(index)) for value in values]
    table = np.array([work(value) for value in index], dtype=np.int64).reshape(len(index), width)
    return table[np.array(positions, dtype=np.int64)] if values else table


def _name_table(records: Sequence[Record], sexes: list[str], vocabulary: Vocabulary,
                skeletons: Vocabulary) -> IntArray:
    """Interned name parts and their skeletons (columns of ``_NAME_COLUMNS``, then skeletons)."""
    spellings = [(r.full_name, r.given_name, r.surname, r.patronymic, sex)
                 for r, sex in zip(records, sexes, strict=True)]

    def work(spelling: tuple[str, str, str, str, str]) -> tuple[int, ...]:
        full_name, given_name, surname, patronymic, sex = spelling
        parts = name_parts(Record("", full_name=full_name, given_name=given_name,
                                  surname=surname, patronymic=patronymic), sex)
        return (vocabulary.id(parts.given), vocabulary.id(parts.given_full),
                vocabulary.id(parts.surname), _SEX_CODES.get(parts.surname_sex, -1),
                vocabulary.id(parts.father), _SEX_CODES.get(parts.sex, -1),
                skeletons.id(skeleton(parts.given_full)), skeletons.id(skeleton(parts.surname)),
                skeletons.id(skeleton(parts.father)))

    return _by_distinct(spellings, work, len(_NAME_COLUMNS) + len(_SKELETON_COLUMNS))


def _place_table(records: Sequence[Record], places: Vocabulary) -> IntArray:
    """(region id, city id) per record; a city with no region gives the region."""

    def work(place: tuple[str, str]) -> tuple[int, ...]:
        region_text, city_text = place
        city = place_key(city_text)
        return places.id(region_of(place_key(region_text) or city)), places.id(city)

    return _by_distinct([(r.region, r.city) for r in records], work, 2)


def prepare(records: Sequence[Record]) -> Prepared:
    """Column arrays for the records (pure; the same records give the same arrays)."""
    records = list(records)
    vocabulary, skeletons, places, lists = Vocabulary(), Vocabulary(), Vocabulary(), Vocabulary()
    iins = {text: _valid_iin(text) for text in {record.iin for record in records}}
    sexes = [record.sex or (iin.sex if (iin := iins[record.iin]) else "") for record in records]
    names = _name_table(records, sexes, vocabulary, skeletons)
    periods = death_periods(records)
    birth = np.array([birth_fields(r, iins[r.iin], periods.get(r.list_name))
                      for r in records], dtype=np.int64).reshape(len(records), 8)
    columns = {name: names[:, k].copy() for k, name in
               enumerate(_NAME_COLUMNS + _SKELETON_COLUMNS)}
    columns |= {name: birth[:, k].copy() for k, name in enumerate(_BIRTH_COLUMNS)}
    place = _place_table(records, places)
    columns |= {"region": place[:, 0].copy(), "city": place[:, 1].copy()}
    columns["death"] = np.array([r.date_of_death.toordinal() if r.date_of_death else -1
                                 for r in records], dtype=np.int64)
    columns["iin"] = np.array([int(found.number) if (found := iins[r.iin]) else -1
                               for r in records], dtype=np.int64)
    columns["list_id"] = np.array([lists.id(r.list_name or "-") for r in records],
                                  dtype=np.int64)
    known = np.array([is_known_given_name(text) for text in vocabulary.strings] + [False],
                     dtype=bool)[columns["given"]]
    extra, extra_names, extra_vocabulary = extra_columns(records)
    extra_frequency = np.stack([frequencies(extra[:, k]) for k in range(len(extra_names))],
                               axis=1) if extra_names else np.empty((len(records), 0))
    return Prepared(records, vocabulary, skeletons, **columns, given_known=known,
                    given_frequency=frequencies(columns["given_full"]),
                    surname_frequency=frequencies(columns["surname"]),
                    father_frequency=frequencies(columns["father"]),
                    region_frequency=frequencies(columns["region"]),
                    city_frequency=frequencies(columns["city"]),
                    death_frequency=frequencies(columns["death"]),
                    **_full_names(columns["given_full"], columns["surname"], columns["list_id"]),
                    extra_names=extra_names, extra=extra, extra_vocabulary=extra_vocabulary,
                    extra_frequency=extra_frequency)
