"""Parsing and validating capture-history tables: good input and every kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest

from qantar.core.errors import ValidationFailed
from qantar.core.estimation.table import (
    MAX_BYTES,
    from_csv_bytes,
    from_csv_text,
    from_rows,
    strata_from_csv_text,
)

GOOD = "A,B,C,count\n1,0,0,10\n0,1,0,8\n1,1,0,3\n0,0,1,5\n1,0,1,2\n0,1,1,1\n1,1,1,1\n"


def error_code(text: str) -> str:
    with pytest.raises(ValidationFailed) as caught:
        from_csv_text(text)
    return caught.value.code


def test_parses_counts_into_canonical_cells():
    table = from_csv_text(GOOD)
    assert table.list_names == ("A", "B", "C")
    assert table.cells.tolist() == [0, 10, 8, 3, 5, 2, 1, 1]
    assert table.observed == 30
    assert table.list_sizes() == (16, 13, 9)
    assert table.count_on_all(0b011) == 4


def test_missing_patterns_count_as_zero():
    table = from_csv_text("A,B,count\n1,0,4\n1,1,2\n")
    assert table.cells.tolist() == [0, 4, 0, 2]


def test_all_zero_row_is_ignored_with_a_warning():
    table = from_csv_text("A,B,count\n0,0,7\n1,0,4\n0,1,3\n1,1,2\n")
    assert table.observed == 9
    assert "ignored" in table.warnings[0]


def test_count_header_is_case_insensitive_and_bom_is_stripped():
    table = from_csv_text("\ufeffA,B,Count\n1,0,4\n0,1,3\n1,1,2\n")
    assert table.observed == 9


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A,B,C\n1,0,1\n", "missing_count_column"),
        ("A,count,B\n1,2,0\n", "count_not_last"),
        ("A,B,count\n1,2,3\n", "not_binary"),
        ("A,B,count\n1,x,3\n", "not_binary"),
        ("A,B,count\n1,0,-3\n", "negative_count"),
        ("A,B,count\n1,0,2.5\n", "bad_count"),
        ("A,B,count\n1,0,many\n", "bad_count"),
        ("A,B,count\n1,0,inf\n", "bad_count"),
        ("A,B,count\n1,0\n", "malformed_row"),
        ("A,B,count\n1,0,3\n1,0,4\n", "duplicate_pattern"),
        ("A,count\n1,3\n", "too_few_lists"),
        ("A,A,count\n1,0,3\n", "bad_header"),
        ("", "empty_file"),
        ("A,B,count\n1,0,0\n0,1,0\n", "no_people"),
    ],
)
def test_bad_input_gives_a_clear_error(text, code):
    assert error_code(text) == code


def test_too_many_lists_is_refused():
    header = ",".join(f"L{i}" for i in range(13)) + ",count\n"
    assert error_code(header + ",".join(["1"] * 13) + ",1\n") == "too_many_lists"


def test_cp1251_file_is_decoded():
    data = "Мемориал,Прокуратура,count\n1,0,4\n0,1,3\n1,1,2\n".encode("cp1251")
    assert from_csv_bytes(data).list_names == ("Мемориал", "Прокуратура")


def test_utf16_file_with_bom_is_decoded():
    data = "Адил,Сөз,count\n1,0,4\n0,1,3\n1,1,2\n".encode("utf-16")
    assert from_csv_bytes(data).list_names == ("Адил", "Сөз")


def test_utf16_file_without_bom_is_decoded():
    data = "A,B,count\n1,0,4\n0,1,3\n1,1,2\n".encode("utf-16-le")
    assert from_csv_bytes(data).observed == 9


def test_huge_file_is_refused_before_parsing():
    with pytest.raises(ValidationFailed) as caught:
        from_csv_bytes(b"A,B,count\n" + b"1,0,1\n" * (MAX_BYTES // 6 + 1))
    assert caught.value.code == "file_too_large"


def test_binary_garbage_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        from_csv_bytes(b"\xff\xfe\x00\xd8\x00\xd8")
    assert caught.value.code == "bad_encoding"


def test_rows_constructor_matches_csv():
    rows = [((1, 0), 4), ((0, 1), 3), ((1, 1), 2)]
    assert np.array_equal(from_rows(["A", "B"], rows).cells,
                          from_csv_text("A,B,count\n1,0,4\n0,1,3\n1,1,2\n").cells)


def test_strata_split_by_column():
    text = "A,B,region,count\n1,0,north,4\n0,1,north,3\n1,1,north,2\n1,0,south,5\n1,1,south,1\n"
    strata = strata_from_csv_text(text, "region")
    assert sorted(strata) == ["north", "south"]
    assert strata["south"].cells.tolist() == [0, 5, 0, 1]
