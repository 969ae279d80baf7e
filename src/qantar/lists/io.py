"""Reading person lists from files, row by row, and mapping their headers to the standard columns.

Formats: CSV (separator ``,``, ``;`` or tab), XLSX (Excel) and ODS (LibreOffice). CSV text may be
UTF-8 (with or without BOM), UTF-16 or Windows-1251: the encoding is detected by reading the
whole file once before anything is imported, so a file is never half-decoded. Rows are read one
at a time (``csv``, ``openpyxl`` in read-only mode, ODS ``content.xml`` parsed incrementally),
so a file of millions of rows never sits in memory.

A row is a list of cell texts exactly as the file holds them; :func:`map_header` proposes which
column of the file is which standard column from English, Russian and Kazakh headers.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError, iterparse

from qantar.core.errors import ValidationFailed
from qantar.lists.choices import FileFormat

MAX_CELL_CHARS = 10_000
MAX_COLUMNS = 200
_SNIFF_BYTES = 64 * 1024
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

# Standard columns a file column can be mapped to; ``cause_of_death`` is recognised too (kept for
# the one list of people, never compared by linkage).
TARGETS = ("record_id", "full_name", "given_name", "surname", "patronymic", "birth_date",
           "birth_year", "age", "sex", "region", "city", "date_of_death", "iin",
           "cause_of_death")
NAME_TARGETS = ("full_name", "given_name", "surname", "patronymic")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "record_id": ("record id", "id", "no", "nr", "number", "#", "№", "n", "номер", "№ п п",
                  "п п", "порядковый номер", "рет саны", "реттік нөмір", "нөмір"),
    "full_name": ("full name", "name", "name and surname", "person", "фио", "ф и о",
                  "полное имя", "имя фамилия", "фамилия имя отчество", "аты жөні",
                  "толық аты жөні", "тегі аты", "тегі аты әкесінің аты"),
    "given_name": ("given name", "first name", "forename", "имя", "аты", "есімі", "есім"),
    "surname": ("surname", "last name", "family name", "фамилия", "тегі", "тек"),
    "patronymic": ("patronymic", "middle name", "father s name", "отчество",
                   "әкесінің аты"),
    "birth_date": ("birth date", "date of birth", "dob", "born", "дата рождения",
                   "туған күні", "туылған күні", "туған күні айы жылы"),
    "birth_year": ("birth year", "year of birth", "год рождения", "г р", "туған жылы",
                   "туылған жылы"),
    "age": ("age", "age at death", "возраст", "полных лет", "жасы", "жас"),
    "sex": ("sex", "gender", "пол", "жынысы", "жыныс"),
    "region": ("region", "oblast", "province", "область", "регион", "облыс", "өңір",
               "аймақ"),
    "city": ("city", "town", "locality", "place", "place of death", "город",
             "населенный пункт", "место гибели", "место смерти", "қала", "елді мекен",
             "қаза тапқан жері", "қайтыс болған жері"),
    "date_of_death": ("date of death", "death date", "died", "died on", "дата смерти",
                      "дата гибели", "дата кончины", "қайтыс болған күні",
                      "қаза тапқан күні", "өлген күні"),
    "iin": ("iin", "иин", "жсн", "identity number", "individual identification number"),
    "cause_of_death": ("cause of death", "cause", "причина смерти", "причина гибели",
                       "өлім себебі", "қаза себебі", "қайтыс болу себебі"),
}


def header_key(text: str) -> str:
    """A header reduced for comparison: case, punctuation, ``ё`` and spacing ignored."""
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е").replace("_", " ")
    text = re.sub(r"[^\w#№]+", " ", text)
    return " ".join(text.split())


_LOOKUP = {header_key(word): target for target, words in SYNONYMS.items() for word in words}
_LOOKUP.update({header_key(target): target for target in TARGETS})


def map_header(header: list[str]) -> dict[str, int]:
    """Standard column → index of the file column proposed for it (first match wins)."""
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        target = _LOOKUP.get(header_key(name))
        if target and target not in mapping:
            mapping[target] = index
    return mapping


def check_mapping(mapping: dict[str, int], header: list[str]) -> dict[str, int]:
    """The mapping if it is usable: known targets, existing columns, at least one name column."""
    for target, index in mapping.items():
        if target not in TARGETS:
            raise ValidationFailed("unknown_column", f"“{target[:40]}” is not a standard "
                                   f"column (use one of {', '.join(TARGETS)}).", "mapping")
        if not 0 <= index < len(header):
            raise ValidationFailed("unknown_column", f"Column {index + 1} does not exist.",
                                   "mapping")
    if len(set(mapping.values())) != len(mapping):
        raise ValidationFailed("column_twice", "One file column is mapped to two standard "
                               "columns.", "mapping")
    if not any(target in mapping for target in NAME_TARGETS):
        raise ValidationFailed("no_name_column", "No column holds names: map at least one of "
                               f"{', '.join(NAME_TARGETS)}.", "mapping")
    return mapping


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be read at all (reported with its line number, then skipped)."""

    line: int
    message: str


@dataclass
class Table:
    """An opened person-list file: its format, encoding, header and a way to stream its rows."""

    data: bytes | Path
    file_format: str
    encoding: str
    header: list[str]
    estimated_rows: int | None
    bad_rows: list[BadRow] = field(default_factory=list)

    def rows(self, after_line: int = 0) -> Iterator[tuple[int, list[str] | BadRow]]:
        """(line number, cells or a :class:`BadRow`) for every data row after ``after_line``.

        Line numbers count the header as line 1, as a spreadsheet or text editor shows them.
        """
        reader = {FileFormat.CSV: _csv_rows, FileFormat.XLSX: _xlsx_rows,
                  FileFormat.ODS: _ods_rows}[self.file_format]
        width = len(self.header)
        for line, cells in reader(self):
            if line == 1 or line <= after_line:
                continue
            yield line, _check_row(line, cells, width)


def _check_row(line: int, cells: list[str] | BadRow, width: int) -> list[str] | BadRow:
    if isinstance(cells, BadRow):
        return cells
    while len(cells) > width and cells[-1] == "":
        cells.pop()
    if len(cells) > width:
        return BadRow(line, f"{len(cells)} cells where the header has {width}")
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            return BadRow(line, f"column {index + 1} holds {len(cell):,} characters; the limit "
                          f"is {MAX_CELL_CHARS:,}")
    return cells + [""] * (width - len(cells))


# --- opening -----------------------------------------------------------------------------------


def _head(data: bytes | Path) -> bytes:
    if isinstance(data, bytes):
        return data[:_SNIFF_BYTES]
    with data.open("rb") as handle:
        return handle.read(_SNIFF_BYTES)


def _open_binary(data: bytes | Path) -> IO[bytes]:
    return io.BytesIO(data) if isinstance(data, bytes) else data.open("rb")


def detect_format(data: bytes | Path, file_name: str) -> str:
    """CSV, XLSX or ODS from the file's first bytes; a name that lies is an error."""
    head = _head(data)
    suffix = Path(file_name).suffix.casefold()
    if head.startswith(b"PK\x03\x04"):
        kind = FileFormat.ODS if _ODS_MIMETYPE in head[:200] else FileFormat.XLSX
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationFailed("old_excel", f"{file_name}: an old Excel (.xls) file. Save it as "
                               ".xlsx or CSV and import that.", "file")
    else:
        kind = FileFormat.CSV
    if suffix in {".xlsx", ".ods"} and suffix[1:] != kind:
        raise ValidationFailed("not_a_workbook", f"{file_name} is named {suffix} but is not "
                               f"such a file (it reads as {kind.upper()}).", "file")
    return kind


def open_table(data: bytes | Path, file_name: str) -> Table:
    """Open a person-list file and read its header; a file that cannot be read is an error."""
    if not isinstance(data, bytes) and not data.is_file():
        raise ValidationFailed("file_not_found", f"{file_name}: no such file.", "file")
    kind = detect_format(data, file_name)
    opener = {FileFormat.CSV: _open_csv, FileFormat.XLSX: _open_xlsx,
              FileFormat.ODS: _open_ods}[kind]
    table = opener(data, file_name)
    if not any(cell.strip() for cell in table.header):
        raise ValidationFailed("empty_file", f"{file_name}: the first row (the header) is "
                               "empty.", "file")
    if len(table.header) > MAX_COLUMNS:
        raise ValidationFailed("too_many_columns", f"{file_name}: {len(table.header)} columns; "
                               f"the limit is {MAX_COLUMNS}.", "file")
    if any(len(cell) > 300 for cell in table.header):
        raise ValidationFailed("bad_header", f"{file_name}: the first row is not a header "
                               "(a cell is longer than 300 characters).", "file")
    return table


# --- CSV ---------------------------------------------------------------------------------------


def detect_encoding(data: bytes | Path) -> str:
    """``utf-8-sig``, ``utf-16`` or ``cp1251``, checked over the whole file.

    Raises ``ValidationFailed`` for bytes that are none of these, or that are not text.
    """
    head = _head(data)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif head[:400].count(b"\x00") > len(head[:400]) // 4:
        candidates = ["utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"]
    else:
        candidates = ["utf-8-sig", "cp1251"]
    for encoding in candidates:
        if _decodes(data, encoding):
            return encoding
    raise ValidationFailed("unknown_encoding", "The file is not text in UTF-8, UTF-16 or "
                           "Windows-1251 (is it a spreadsheet saved under another name?).", "file")


def _decodes(data: bytes | Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with _open_binary(data) as handle:
        try:
            while chunk := handle.read(1 << 20):
                if "\x00" in decoder.decode(chunk):
                    return False
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _text_stream(table: Table) -> IO[str]:
    return io.TextIOWrapper(_open_binary(table.data), encoding=table.encoding, newline="")


def _delimiter(first_line: str) -> str:
    return max(",;\t", key=first_line.count)


def _open_csv(data: bytes | Path, file_name: str) -> Table:
    encoding = detect_encoding(data)
    table = Table(data, FileFormat.CSV, encoding, [], None)
    with _text_stream(table) as stream:
        first = stream.readline()
    if not first.strip():
        raise ValidationFailed("empty_file", f"{file_name}: the file is empty.", "file")
    header = next(csv.reader([first.rstrip("\r\n")], delimiter=_delimiter(first)), [])
    table.header = [cell.strip().lstrip("\ufeff") for cell in header]
    table.estimated_rows = _count_lines(data, encoding)
    return table


def _count_lines(data: bytes | Path, encoding: str) -> int:
    newline = "\n".encode(encoding.replace("-sig", ""))[-2:] if "16" in encoding else b"\n"
    count = 0
    with _open_binary(data) as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(newline)
    return max(count - 1, 0)


def _csv_rows(table: Table) -> Iterator[tuple[int, list[str] | BadRow]]:
    """CSV rows; a malformed row (an unclosed quote, a cell over the size limit) is a BadRow."""
    csv.field_size_limit(MAX_CELL_CHARS * 4)
    with _text_stream(table) as stream:
        first = stream.readline()
        stream.seek(0)
        reader = csv.reader(stream, delimiter=_delimiter(first), strict=True)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield reader.line_num, BadRow(reader.line_num, f"malformed CSV ({error})")
                continue
            if cells or reader.line_num == 1:
                yield reader.line_num, cells


# --- XLSX --------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A spreadsheet value as the text a person sees (dates as YYYY-MM-DD, 12.0 as 12)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _workbook(data: bytes | Path) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(_open_binary(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ValidationFailed("not_a_workbook", f"The file is not a readable Excel workbook "
                               f"({type(error).__name__}).", "file") from None


def _open_xlsx(data: bytes | Path, file_name: str) -> Table:
    book = _workbook(data)
    try:
        sheet = book.worksheets[0]
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        header = [_cell_text(value).strip() for value in first]
        while header and not header[-1]:
            header.pop()
        rows = sheet.max_row - 1 if sheet.max_row else None
    finally:
        book.close()
    return Table(data, FileFormat.XLSX, "", header, rows)


def _xlsx_rows(table: Table) -> Iterator[tuple[int, list[str] | BadRow]]:
    book = _workbook(table.data)
    try:
        for line, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            cells = [_cell_text(value) for value in values]
            if any(cells):
                yield line, cells
    finally:
        book.close()


# --- ODS ---------------------------------------------------------------------------------------


def _ods_content(data: bytes | Path) -> tuple[zipfile.ZipFile, IO[bytes]]:
    try:
        archive = zipfile.ZipFile(_open_binary(data))
        return archive, archive.open("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise ValidationFailed("not_a_workbook", f"The file is not a readable ODS spreadsheet "
                               f"({type(error).__name__}).", "file") from None


def _ods_cell(element: Any) -> str:
    value_type = element.get(f"{_OFFICE}value-type")
    if value_type == "date":
        return str(element.get(f"{_OFFICE}date-value", ""))[:10]
    if value_type in {"float", "percentage", "currency"}:
        return _cell_text(float(element.get(f"{_OFFICE}value", "0")))
    return "\n".join("".join(paragraph.itertext())
                     for paragraph in element.iter(f"{_TEXT}p"))


def _ods_raw_rows(data: bytes | Path) -> Generator[tuple[int, list[str]], None, None]:
    """Rows of the first sheet, streamed; repeated rows and cells expanded (trailing blanks not)."""
    archive, content = _ods_content(data)
    line, tables = 0, 0
    try:
        # Expat >= 2.4.1 (bundled with Python 3.11) refuses entity-expansion attacks, and
        # ElementTree never fetches external entities.
        for event, element in iterparse(content, events=("start", "end")):  # noqa: S314
            if event == "start" and element.tag == f"{_TABLE}table":
                tables += 1
            if event != "end" or element.tag != f"{_TABLE}table-row" or tables != 1:
                continue
            cells: list[str] = []
            for cell in element:
                if cell.tag not in {f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"}:
                    continue
                repeat = min(int(cell.get(f"{_TABLE}number-columns-repeated", "1")), MAX_COLUMNS)
                cells.extend([_ods_cell(cell)] * repeat)
            while cells and not cells[-1]:
                cells.pop()
            repeat_rows = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
            element.clear()
            for _ in range(repeat_rows if cells else 1):
                line += 1
                if cells:
                    yield line, list(cells)
            if not cells:
                line += repeat_rows - 1
    except ParseError as error:
        raise ValidationFailed("not_a_workbook", f"The ODS spreadsheet is damaged ({error}).",
                               "file") from None
    finally:
        content.close()
        archive.close()


def _open_ods(data: bytes | Path, file_name: str) -> Table:
    rows = _ods_raw_rows(data)
    try:
        first = next(rows, (0, []))
    finally:
        rows.close()
    header = [cell.strip() for cell in first[1]] if first[0] == 1 else []
    return Table(data, FileFormat.ODS, "", header, None)


def _ods_rows(table: Table) -> Iterator[tuple[int, list[str] | BadRow]]:
    yield from _ods_raw_rows(table.data)


def mapped_values(cells: list[str], mapping: dict[str, int]) -> dict[str, str]:
    """The standard columns of one row (stripped text; blank when not mapped)."""
    return {target: cells[index].strip() if index < len(cells) else ""
            for target, index in mapping.items()}


def display_name(values: dict[str, str]) -> str:
    """The name a row gives: its full name, or its name parts in the order the list wrote them."""
    if values.get("full_name"):
        return values["full_name"]
    parts = (values.get("surname", ""), values.get("given_name", ""), values.get("patronymic", ""))
    return " ".join(part for part in parts if part)
