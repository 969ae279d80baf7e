"""Capture-history tables: parse, validate and hold the counts of overlapping lists.

A capture-history table has one 0/1 column per list, then ``count``: the number of
people found on exactly that combination of lists. The all-zero pattern (people on
no list) cannot be observed; a row for it is accepted only with a count of zero or
is ignored with a warning, because estimating it is the whole point.

Cells are indexed canonically: cell ``c`` (1 .. 2**t - 1) has bit ``j`` set when the
person is on list ``j`` (the first list is the least significant bit). This is the
ordering used by Chan, Silverman and Vincent (2021) and the R package
MultipleSystemsEstimation.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from qantar.core.errors import ValidationFailed

IntArray = npt.NDArray[np.int64]

MAX_LISTS = 12
MAX_BYTES = 20_000_000
MAX_ROWS = 100_000
COUNT_COLUMN = "count"


@dataclass(frozen=True)
class CaptureHistories:
    """Counts of people on each combination of lists (the all-zero cell excluded).

    ``cells[c]`` is the count for canonical cell ``c``; ``cells[0]`` is always 0
    and stands for the unobservable people on no list.
    """

    list_names: tuple[str, ...]
    cells: IntArray
    warnings: tuple[str, ...] = field(default=())

    @property
    def list_count(self) -> int:
        """How many lists the table has."""
        return len(self.list_names)

    @property
    def observed(self) -> int:
        """How many distinct people are on at least one list."""
        return int(self.cells.sum())

    def count_on_all(self, term: int) -> int:
        """People on every list in the bitmask ``term`` (whatever other lists they are on)."""
        index = np.arange(self.cells.size)
        return int(self.cells[(index & term) == term].sum())

    def list_sizes(self) -> tuple[int, ...]:
        """How many people each list holds."""
        return tuple(self.count_on_all(1 << j) for j in range(self.list_count))

    def patterns(self) -> tuple[IntArray, IntArray]:
        """The observed patterns (cells with a positive count) and their counts."""
        cells = np.flatnonzero(self.cells > 0)
        return cells.astype(np.int64), self.cells[cells].astype(np.int64)

    def with_cells(self, cells: IntArray) -> CaptureHistories:
        """The same lists with other counts (a bootstrap sample, a stratum)."""
        return CaptureHistories(self.list_names, cells.astype(np.int64), self.warnings)

    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        """Every observable pattern as (0/1 tuple, count), in canonical order."""
        bits = range(self.list_count)
        return [
            (tuple((c >> j) & 1 for j in bits), int(self.cells[c]))
            for c in range(1, self.cells.size)
        ]


def pattern_to_cell(pattern: Sequence[int]) -> int:
    """The canonical cell index of a 0/1 pattern (first list = least significant bit)."""
    return sum(1 << j for j, bit in enumerate(pattern) if bit)


def from_rows(
    list_names: Sequence[str], rows: Iterable[tuple[Sequence[int], int]]
) -> CaptureHistories:
    """Build a table from (pattern, count) rows; duplicate patterns are an error."""
    names = _checked_names(list_names)
    cells = np.zeros(1 << len(names), dtype=np.int64)
    seen: set[int] = set()
    warnings: list[str] = []
    for line, (pattern, count) in enumerate(rows, start=2):
        cell = _checked_cell(pattern, len(names), line)
        if cell in seen:
            raise ValidationFailed(
                "duplicate_pattern", f"Line {line}: the pattern appears twice.", "pattern"
            )
        seen.add(cell)
        if cell == 0:
            warnings.append(_zero_row_warning(count, line))
            continue
        cells[cell] = _checked_count(count, line)
    table = CaptureHistories(names, cells, tuple(warnings))
    _check_not_empty(table)
    return table


def from_csv_text(text: str) -> CaptureHistories:
    """Parse capture-history CSV text: 0/1 columns, one per list, then ``count``."""
    rows = list(csv.reader(io.StringIO(text.strip("\ufeff"))))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ValidationFailed("empty_file", "The file has no rows.")
    if len(rows) > MAX_ROWS + 1:
        raise ValidationFailed("too_many_rows", f"The file has more than {MAX_ROWS} rows.")
    header = [cell.strip() for cell in rows[0]]
    names = _names_from_header(header)
    parsed = [_parse_row(row, len(header), line) for line, row in enumerate(rows[1:], start=2)]
    return from_rows(names, parsed)


def from_csv_bytes(data: bytes) -> CaptureHistories:
    """Parse a capture-history CSV file of unknown encoding (UTF-8, UTF-16, cp1251)."""
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            "file_too_large", f"The file is larger than {MAX_BYTES // 1_000_000} MB."
        )
    return from_csv_text(decode_text(data))


def decode_text(data: bytes) -> str:
    """Decode bytes as UTF-16 (with a byte-order mark), UTF-8, or Windows-1251."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    if b"\x00" in data[:200]:
        # UTF-16 without a byte-order mark: ASCII text has a zero in every other byte.
        encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return _decode(data, encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _decode(data, "cp1251")


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ValidationFailed(
            "bad_encoding",
            f"The file could not be read as text ({encoding}): save it as UTF-8.",
        ) from error


def _names_from_header(header: list[str]) -> list[str]:
    lowered = [name.lower() for name in header]
    if COUNT_COLUMN not in lowered:
        raise ValidationFailed(
            "missing_count_column",
            "The header has no 'count' column: one 0/1 column per list, then 'count'.",
            COUNT_COLUMN,
        )
    if lowered.index(COUNT_COLUMN) != len(header) - 1:
        raise ValidationFailed(
            "count_not_last", "'count' must be the last column, after the list columns."
        )
    return header[:-1]


def _parse_row(row: list[str], width: int, line: int) -> tuple[list[int], int]:
    if len(row) != width:
        raise ValidationFailed(
            "malformed_row", f"Line {line}: expected {width} values, found {len(row)}."
        )
    values = [cell.strip() for cell in row]
    pattern = [_parse_bit(value, line) for value in values[:-1]]
    return pattern, _parse_count(values[-1], line)


def _parse_bit(value: str, line: int) -> int:
    if value not in ("0", "1"):
        raise ValidationFailed(
            "not_binary", f"Line {line}: list columns must be 0 or 1, found {value!r}.", "pattern"
        )
    return int(value)


def _parse_count(value: str, line: int) -> int:
    try:
        number = float(value)
    except ValueError:
        raise ValidationFailed(
            "bad_count", f"Line {line}: the count {value!r} is not a number.", COUNT_COLUMN
        ) from None
    if not np.isfinite(number) or number != int(number):
        raise ValidationFailed(
            "bad_count", f"Line {line}: the count {value!r} is not a whole number.", COUNT_COLUMN
        )
    return _checked_count(int(number), line)


def _checked_count(count: int, line: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int | np.integer):
        raise ValidationFailed(
            "bad_count", f"Line {line}: the count must be a whole number.", COUNT_COLUMN
        )
    if count < 0:
        raise ValidationFailed(
            "negative_count", f"Line {line}: the count {count} is negative.", COUNT_COLUMN
        )
    if count > 10**9:
        raise ValidationFailed(
            "bad_count", f"Line {line}: the count {count} is implausibly large.", COUNT_COLUMN
        )
    return int(count)


def _checked_cell(pattern: Sequence[int], width: int, line: int) -> int:
    if len(pattern) != width:
        raise ValidationFailed(
            "malformed_row", f"Line {line}: expected {width} list values, found {len(pattern)}."
        )
    if any(bit not in (0, 1) for bit in pattern):
        raise ValidationFailed(
            "not_binary", f"Line {line}: list columns must be 0 or 1.", "pattern"
        )
    return pattern_to_cell(pattern)


def _checked_names(list_names: Sequence[str]) -> tuple[str, ...]:
    names = tuple(str(name).strip() for name in list_names)
    if len(names) < 2:
        raise ValidationFailed(
            "too_few_lists",
            "At least two lists are needed; three or more for any check of list dependence.",
        )
    if len(names) > MAX_LISTS:
        raise ValidationFailed(
            "too_many_lists", f"At most {MAX_LISTS} lists are supported; merge some lists."
        )
    if any(not name for name in names) or len(set(names)) != len(names):
        raise ValidationFailed("bad_header", "Each list column needs a distinct, non-empty name.")
    return names


def _zero_row_warning(count: int, line: int) -> str:
    if count:
        return (
            f"Line {line}: the all-zero row (count {count}) was ignored: people on no list "
            "cannot be counted, only estimated."
        )
    return "The all-zero row was ignored."


def _check_not_empty(table: CaptureHistories) -> None:
    if table.observed == 0:
        raise ValidationFailed("no_people", "The table counts nobody.")


def strata_from_csv_text(text: str, column: str) -> dict[str, CaptureHistories]:
    """Split a CSV with a stratum column (e.g. region) into one table per stratum.

    Layout: list columns, the stratum column, then ``count``; every stratum must
    have the same lists.
    """
    rows = [row for row in csv.reader(io.StringIO(text.strip("\ufeff"))) if any(row)]
    if not rows:
        raise ValidationFailed("empty_file", "The file has no rows.")
    header = [cell.strip() for cell in rows[0]]
    if column not in header:
        raise ValidationFailed("missing_stratum_column",
                               f"The header has no {column!r} column.", column)
    where = header.index(column)
    groups: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        if len(row) != len(header):
            raise ValidationFailed("malformed_row", f"Expected {len(header)} values per row.")
        groups.setdefault(row[where].strip(), []).append(row[:where] + row[where + 1:])
    names = header[:where] + header[where + 1:]
    return {name: from_csv_text(_as_csv([names, *body])) for name, body in groups.items()}


def _as_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
