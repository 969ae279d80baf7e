"""Person-list records in the standard columns, and reading them from CSV.

Columns: ``record_id, list, full_name, given_name, surname, patronymic, birth_date,
birth_year, age, sex, region, city, date_of_death, iin`` — any may be blank except
``record_id``. Any other column (an address, a phone number, a passport number...) is kept
in :attr:`Record.extra` and compared as text (see :mod:`qantar.core.linkage.comparisons`).
One file may hold several lists in its ``list`` column; a blank ``list`` takes the file's
name. Encodings: UTF-8 (with or without BOM), UTF-16 (with BOM) and Windows-1251
are recognised; separators ``,``, ``;`` and tab.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qantar.core.errors import ValidationFailed

COLUMNS = ("record_id", "list", "full_name", "given_name", "surname", "patronymic",
           "birth_date", "birth_year", "age", "sex", "region", "city", "date_of_death", "iin")
NAME_COLUMNS = ("full_name", "given_name", "surname", "patronymic")
_SEXES = {"m": "m", "male": "m", "man": "m", "м": "m", "муж": "m", "мужской": "m", "ер": "m",
          "f": "f", "female": "f", "woman": "f", "ж": "f", "жен": "f", "женский": "f",
          "әйел": "f", "w": "f"}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_MAX_FILE_BYTES = 2_000_000_000
# Shared by every record without extra columns (typed read-only, so never changed).
_NO_EXTRA: Mapping[str, str] = {}


def _no_extra() -> Mapping[str, str]:
    """The shared empty mapping (one per process, not one per record)."""
    return _NO_EXTRA


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a person list, cleaned: blank text is ``""``, blank numbers are None."""

    record_id: str
    list_name: str = ""
    full_name: str = ""
    given_name: str = ""
    surname: str = ""
    patronymic: str = ""
    birth_date: dt.date | None = None
    birth_year: int | None = None
    age: int | None = None
    sex: str = ""
    region: str = ""
    city: str = ""
    date_of_death: dt.date | None = None
    iin: str = ""
    extra: Mapping[str, str] = field(default_factory=_no_extra, hash=False)
    """Non-standard columns (column → non-blank text); each becomes one comparison."""


@dataclass(frozen=True)
class RowProblem:
    """Something wrong with one row: where, which column, what, and whether it was skipped."""

    line: int
    field: str
    message: str
    is_skipped: bool


@dataclass
class ReadResult:
    """The records read and the problems met on the way."""

    records: list[Record] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Text from bytes in UTF-8 (BOM or not), UTF-16 (BOM or not) or Windows-1251."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data[:200].count(b"\x00") > len(data[:200]) // 4:
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251")


@functools.lru_cache(maxsize=100_000)
def parse_date(text: str) -> dt.date | None:
    """A date written ``YYYY-MM-DD`` or ``DD.MM.YYYY`` (also with / or -); None if blank.

    Raises ``ValueError`` for text that is not such a date.
    """
    text = text.strip()
    if not text:
        return None
    iso = _ISO.match(text)
    if iso:
        return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    day_first = _DAY_FIRST.match(text)
    if day_first:
        return dt.date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
    raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD or DD.MM.YYYY)")


def parse_whole_number(text: str, low: int, high: int) -> int | None:
    """A whole number between ``low`` and ``high``; None if blank; ``ValueError`` otherwise."""
    text = text.strip()
    if not text:
        return None
    number = int(float(text.replace(",", "."))) if re.fullmatch(r"\d+([.,]0+)?", text) else None
    if number is None or not low <= number <= high:
        raise ValueError(f"not a number from {low} to {high}: {text!r}")
    return number


@functools.lru_cache(maxsize=1_000)
def parse_sex(text: str) -> str:
    """``"m"``, ``"f"`` or ``""`` from the many ways lists write sex; ``ValueError`` if unknown."""
    key = text.strip().casefold().rstrip(".")
    if not key:
        return ""
    if key not in _SEXES:
        raise ValueError(f"unknown sex {text!r} (use m or f)")
    return _SEXES[key]


def _cell(row: dict[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _typed_fields(row: dict[str, str]) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """The typed values of a row's date, number and sex columns, and the cells that failed."""
    parsers: dict[str, Callable[[str], object]] = {
        "birth_date": parse_date,
        "date_of_death": parse_date,
        "birth_year": lambda text: parse_whole_number(text, 1850, 2100),
        "age": lambda text: parse_whole_number(text, 0, 130),
        "sex": parse_sex,
    }
    values: dict[str, object] = {}
    failures: list[tuple[str, str]] = []
    for column, parser in parsers.items():
        try:
            values[column] = parser(_cell(row, column))
        except ValueError as error:
            values[column] = "" if column == "sex" else None
            failures.append((column, str(error)))
    return values, failures


def record_from_row(row: dict[str, str], default_list: str,
                    extra_columns: tuple[str, ...] = ()) -> tuple[Record, list[tuple[str, str]]]:
    """A record from one CSV row; unreadable cells are blanked and returned as failures.

    ``extra_columns``: the row's non-standard columns, kept (when not blank) in ``extra``.
    """
    values, failures = _typed_fields(row)
    text = {column: _cell(row, column) for column in
            ("full_name", "given_name", "surname", "patronymic", "region", "city", "iin")}
    extra = {column: value for column in extra_columns if (value := _cell(row, column))}
    record = Record(record_id=_cell(row, "record_id"),
                    list_name=_cell(row, "list") or default_list, **text,  # type: ignore[arg-type]
                    **values,  # type: ignore[arg-type]
                    extra=extra or _NO_EXTRA)
    return record, failures


def extra_columns(columns: list[str]) -> tuple[str, ...]:
    """The non-standard, named columns of a header, in file order."""
    return tuple(column for column in columns if column and column not in COLUMNS)


def _reader(text: str) -> csv.DictReader[str]:
    """A CSV reader with the separator guessed from the header line."""
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def _check_header(columns: list[str] | None, source: str) -> None:
    """Raise a clear error when the header cannot be a person list."""
    if not columns:
        raise ValidationFailed("empty_file", f"{source}: the file is empty.", "file")
    if "record_id" not in columns:
        raise ValidationFailed("missing_column",
                               f"{source}: line 1: no record_id column (found: "
                               f"{', '.join(columns)}).", "record_id")
    if not any(column in columns for column in NAME_COLUMNS):
        raise ValidationFailed("missing_column",
                               f"{source}: line 1: no name column (need one of "
                               f"{', '.join(NAME_COLUMNS)}).", "full_name")


def read_text(text: str, *, default_list: str = "", source: str = "input") -> ReadResult:
    """Read records from CSV text; bad rows are reported and skipped, bad cells blanked."""
    reader = _reader(text)
    columns = [column.strip().lstrip("\ufeff") for column in reader.fieldnames or []]
    _check_header(columns, source)
    reader.fieldnames = columns
    extras = extra_columns(columns)
    result = ReadResult()
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        problem = _row_problem(row, seen, len(columns))
        if problem:
            result.problems.append(RowProblem(line, problem[0], problem[1], True))
            continue
        record, failures = record_from_row(row, default_list, extras)
        seen.add(record.record_id)
        result.problems.extend(RowProblem(line, column, message, False)
                               for column, message in failures)
        result.records.append(record)
    return result


def _row_problem(row: dict[str, str], seen: set[str], width: int) -> tuple[str, str] | None:
    """Why a row must be skipped, or None."""
    if None in row or any(value is None for value in row.values()):
        return "row", f"expected {width} cells, found a different number"
    record_id = _cell(row, "record_id")
    if not record_id:
        return "record_id", "blank record_id"
    if record_id in seen:
        return "record_id", f"record_id {record_id!r} appears twice"
    if not any(_cell(row, column) for column in NAME_COLUMNS):
        return "full_name", "no name in any name column"
    return None


def read_records(source: Path | str | bytes, *, default_list: str = "") -> ReadResult:
    """Read a person-list CSV from a path, from CSV text or from raw bytes.

    A ``str`` that names an existing file is read as a path; other strings are CSV text.
    A blank ``list`` cell takes ``default_list``, or the file's name without extension.
    Raises ``ValidationFailed`` for input that cannot be a person list (no header, no
    ``record_id`` or name column, unreadable file); row problems are returned, not raised.
    """
    if isinstance(source, bytes):
        return read_text(decode(source), default_list=default_list)
    path = Path(source) if isinstance(source, Path) or "\n" not in source else None
    if path is None or (isinstance(source, str) and not path.is_file()):
        if isinstance(source, Path):
            raise ValidationFailed("file_not_found", f"{source}: no such file.", "file")
        return read_text(str(source), default_list=default_list)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationFailed("unreadable_file", f"{path}: {error.strerror}.", "file") from error
    if len(data) > _MAX_FILE_BYTES:
        raise ValidationFailed("file_too_large", f"{path}: larger than 2 GB.", "file")
    return read_text(decode(data), default_list=default_list or path.stem, source=str(path))


def merge_results(results: list[ReadResult]) -> ReadResult:
    """Records of several files as one input; a record_id seen twice is skipped and reported."""
    merged = ReadResult()
    seen: set[str] = set()
    for result in results:
        merged.problems.extend(result.problems)
        for record in result.records:
            if record.record_id in seen:
                merged.problems.append(RowProblem(0, "record_id", f"record_id "
                                                  f"{record.record_id!r} is in two files", True))
                continue
            seen.add(record.record_id)
            merged.records.append(record)
    return merged
