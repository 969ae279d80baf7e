"""Reading person-list files: encodings, formats, header mapping, bad rows (no database)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from qantar.core.errors import ValidationFailed
from qantar.lists import io as list_io

RUSSIAN = "№;Фамилия;Имя;Отчество;Дата рождения;Дата смерти;Место гибели\n" \
          "1;Саханбаев;Досай;Ерланович;05.03.1981;06.01.2022;Талдыкорган\n"


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """An Excel workbook with ``rows`` on its first sheet."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes(rows: list[list[str]]) -> bytes:
    """An ODS spreadsheet with ``rows`` (text cells) on its first sheet."""
    document = OpenDocumentSpreadsheet()
    table = Table(name="List")
    for row in rows:
        table_row = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def test_cp1251_csv_is_detected_and_russian_headers_are_mapped():
    table = list_io.open_table(RUSSIAN.encode("cp1251"), "official.csv")
    assert (table.file_format, table.encoding) == ("csv", "cp1251")
    assert list_io.map_header(table.header) == {
        "record_id": 0, "surname": 1, "given_name": 2, "patronymic": 3, "birth_date": 4,
        "date_of_death": 5, "city": 6}
    assert list(table.rows()) == [(2, ["1", "Саханбаев", "Досай", "Ерланович", "05.03.1981",
                                       "06.01.2022", "Талдыкорган"])]


def test_utf16_csv_with_kazakh_headers():
    text = "Тегі\tАты\tӘкесінің аты\tТуған күні\tЖынысы\tЖСН\nСаханбаев\tДөсай\tЕрланұлы\t" \
           "1981-03-05\tер\t810305300123\n"
    table = list_io.open_table(text.encode("utf-16"), "kk.csv")
    assert (table.file_format, table.encoding) == ("csv", "utf-16")
    assert list_io.map_header(table.header) == {
        "surname": 0, "given_name": 1, "patronymic": 2, "birth_date": 3, "sex": 4, "iin": 5}
    assert list(table.rows())[0][1][1] == "Дөсай"


def test_utf8_with_bom_and_english_headers():
    text = "\ufeffID,Full name,Date of birth,Gender,Oblast,Cause of death\nA1,Dosai,1981,m,x,y\n"
    table = list_io.open_table(text.encode("utf-8"), "ngo.csv")
    assert table.encoding == "utf-8-sig"
    assert list_io.map_header(table.header) == {
        "record_id": 0, "full_name": 1, "birth_date": 2, "sex": 3, "region": 4,
        "cause_of_death": 5}


def test_xlsx_rows_are_streamed_as_text():
    data = xlsx_bytes([["Фамилия", "Имя", "Дата смерти", "Возраст"],
                       ["Саханбаев", "Досай", dt.datetime(2022, 1, 6), 40],
                       [None, None, None, None],
                       ["Ахметова", "Айгуль", "05.01.2022", 31.0]])
    table = list_io.open_table(data, "list.xlsx")
    assert (table.file_format, table.header) == ("xlsx", ["Фамилия", "Имя", "Дата смерти",
                                                          "Возраст"])
    assert list(table.rows()) == [(2, ["Саханбаев", "Досай", "2022-01-06", "40"]),
                                  (4, ["Ахметова", "Айгуль", "05.01.2022", "31"])]


def test_ods_rows_are_streamed_as_text():
    data = ods_bytes([["ФИО", "Дата гибели"], ["Саханбаев Досай", "06.01.2022"],
                      ["Ахметова Айгуль", ""]])
    table = list_io.open_table(data, "list.ods")
    assert (table.file_format, table.header) == ("ods", ["ФИО", "Дата гибели"])
    assert list_io.map_header(table.header) == {"full_name": 0, "date_of_death": 1}
    assert list(table.rows()) == [(2, ["Саханбаев Досай", "06.01.2022"]),
                                  (3, ["Ахметова Айгуль", ""])]


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused():
    with pytest.raises(ValidationFailed) as error:
        list_io.open_table(b"surname,given_name\nA,B\n", "list.xlsx")
    assert error.value.code == "not_a_workbook"
    assert error.value.message == "list.xlsx is named .xlsx but is not such a file (it reads " \
                                  "as CSV)."


def test_a_damaged_workbook_is_refused():
    with pytest.raises(ValidationFailed) as error:
        list_io.open_table(b"PK\x03\x04" + b"\x00garbage" * 20, "list.xlsx")
    assert error.value.code == "not_a_workbook"


def test_bytes_that_are_not_text_are_refused():
    with pytest.raises(ValidationFailed) as error:
        list_io.open_table(bytes(range(256)) * 4, "list.csv")
    assert error.value.code == "unknown_encoding"


def test_bad_rows_carry_their_line_number_and_the_rest_is_read(tmp_path: Path):
    huge = "x" * (list_io.MAX_CELL_CHARS + 1)
    text = f"surname,given_name\nA,B\nC,D,E,F\n{huge},G\nH,I\n\"J,K\nL,M\n"
    table = list_io.open_table(text.encode(), "list.csv")
    rows = list(table.rows())
    assert rows[0] == (2, ["A", "B"])
    assert rows[1] == (3, list_io.BadRow(3, "4 cells where the header has 2"))
    assert rows[2] == (4, list_io.BadRow(4, "column 1 holds 10,001 characters; the limit is "
                                            "10,000"))
    assert rows[3] == (5, ["H", "I"])
    assert isinstance(rows[4][1], list_io.BadRow)
    assert rows[4][1].message.startswith("malformed CSV")


def test_a_ten_megabyte_cell_is_a_bad_row_not_a_crash():
    text = "surname,given_name\n" + "y" * (10 * 1024 * 1024) + ",Z\nA,B\n"
    rows = list(list_io.open_table(text.encode(), "big.csv").rows())
    assert isinstance(rows[0][1], list_io.BadRow)
    assert rows[-1] == (3, ["A", "B"])


def test_mapping_without_a_name_column_is_refused():
    with pytest.raises(ValidationFailed) as error:
        list_io.check_mapping({"birth_date": 0}, ["Дата рождения"])
    assert error.value.code == "no_name_column"
