"""Partial dates: "2022", "2022-01", "~2022-02-15", "2022-01-05/2022-01-12"."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qantar.core.dates import parse_optional, parse_partial_date
from qantar.core.errors import ValidationFailed


@pytest.mark.parametrize(("text", "canonical", "earliest", "latest"), [
    ("2022", "2022", date(2022, 1, 1), date(2022, 12, 31)),
    ("2022-2", "2022-02", date(2022, 2, 1), date(2022, 2, 28)),
    ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2022-01-05", "2022-01-05", date(2022, 1, 5), date(2022, 1, 5)),
    ("05.01.2022", "2022-01-05", date(2022, 1, 5), date(2022, 1, 5)),
    (" ~2022-02-15 ", "~2022-02-15", date(2022, 2, 15), date(2022, 2, 15)),
    ("2022-01-05/2022-01-12", "2022-01-05/2022-01-12", date(2022, 1, 5), date(2022, 1, 12)),
    ("2022-01/2022-11", "2022-01/2022-11", date(2022, 1, 1), date(2022, 11, 30)),
])
def test_partial_dates_parse_to_their_canonical_form_and_bounds(text, canonical, earliest,
                                                                latest):
    parsed = parse_partial_date(text)
    assert (str(parsed), parsed.earliest(), parsed.latest()) == (canonical, earliest, latest)


@pytest.mark.parametrize(("text", "code", "message"), [
    ("2022-02-30", "impossible_date", "2022-02 has no day 30."),
    ("2022-13", "impossible_date", "There is no month 13."),
    ("1850", "impossible_date", "The year 1850 is outside 1900–2200."),
    ("2022-01-12/2022-01-05", "impossible_date",
     "The range ends (2022-01-05) before it starts (2022-01-12)."),
    ("mid-February", "invalid_date",
     "“mid-February” is not a date. Use YYYY, YYYY-MM or YYYY-MM-DD (or DD.MM.YYYY); prefix ~ "
     "for approximate, use / for a range."),
    ("", "invalid_date", "The date is empty."),
])
def test_bad_dates_are_refused_with_a_clear_message(text, code, message):
    with pytest.raises(ValidationFailed) as raised:
        parse_partial_date(text, "date")
    assert (raised.value.code, raised.value.message, raised.value.field) == (code, message, "date")


def test_blank_optional_dates_are_none():
    assert parse_optional("  ") is None and parse_optional(None) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_every_real_day_round_trips(day):
    parsed = parse_partial_date(day.isoformat())
    assert parsed.earliest() == parsed.latest() == day
    assert parse_partial_date(str(parsed)) == parsed


@given(st.text(max_size=80))
def test_no_text_crashes_the_parser(text):
    try:
        parsed = parse_partial_date(text)
    except ValidationFailed:
        return
    assert parsed.earliest() <= parsed.latest()
