"""Partial dates: sources say "January 2022", "mid-February 2022", "between 5 and 12 January".

A :class:`PartialDate` is a year, a year-month or a full date, maybe approximate, maybe a
range between two such dates. Its canonical text form is ISO-like and stable:

    ``2022``, ``2022-01``, ``2022-01-05``, ``~2022-02-15`` (approximate),
    ``2022-01-05/2022-01-12`` (range; either end may itself be partial).

Every partial date has an earliest and a latest possible day, used for filtering and sorting.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from qantar.core.errors import ValidationFailed

MIN_YEAR = 1900
MAX_YEAR = 2200

_POINT = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")
_DOTTED = re.compile(r"^(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})$")


@dataclass(frozen=True, order=True)
class DatePoint:
    """A year, a year-month or a full date."""

    year: int
    month: int | None = None
    day: int | None = None

    def earliest(self) -> date:
        """The first day this point can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last day this point can mean."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``."""
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"


@dataclass(frozen=True)
class PartialDate:
    """A possibly partial, possibly approximate date or range of dates."""

    start: DatePoint
    end: DatePoint | None = None
    is_approximate: bool = False

    def earliest(self) -> date:
        """The first day the date can mean."""
        return self.start.earliest()

    def latest(self) -> date:
        """The last day the date can mean."""
        return (self.end or self.start).latest()

    @property
    def is_range(self) -> bool:
        """True when the date is an interval between two points."""
        return self.end is not None

    def __str__(self) -> str:
        text = str(self.start) if self.end is None else f"{self.start}/{self.end}"
        return f"~{text}" if self.is_approximate else text

    def contains(self, day: date) -> bool:
        """True when ``day`` lies between the earliest and latest possible days."""
        return self.earliest() <= day <= self.latest()

    @classmethod
    def from_date(cls, day: date) -> PartialDate:
        """An exact day."""
        return cls(DatePoint(day.year, day.month, day.day))


def parse_point(text: str, field: str | None = None) -> DatePoint:
    """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``DD.MM.YYYY`` into a checked point."""
    text = text.strip()
    match = _POINT.match(text) or _DOTTED.match(text)
    if match is None:
        raise ValidationFailed(
            "invalid_date",
            f"“{text[:40]}” is not a date. Use YYYY, YYYY-MM or YYYY-MM-DD "
            "(or DD.MM.YYYY); prefix ~ for approximate, use / for a range.",
            field,
        )
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    return _checked_point(year, month, day, field)


def _checked_point(year: int, month: int | None, day: int | None, field: str | None) -> DatePoint:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            "impossible_date", f"The year {year} is outside {MIN_YEAR}–{MAX_YEAR}.", field
        )
    if month is not None and not 1 <= month <= 12:
        raise ValidationFailed("impossible_date", f"There is no month {month}.", field)
    if day is not None:
        assert month is not None
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValidationFailed(
                "impossible_date", f"{year:04d}-{month:02d} has no day {day}.", field
            )
    return DatePoint(year, month, day)


def parse_partial_date(text: str, field: str | None = None) -> PartialDate:
    """Parse the canonical text form (see module docstring); raise ValidationFailed if bad."""
    raw = text.strip()
    if not raw:
        raise ValidationFailed("invalid_date", "The date is empty.", field)
    if len(raw) > 64:
        raise ValidationFailed("invalid_date", "The date is too long to be a date.", field)
    is_approximate = raw.startswith("~")
    body = raw[1:].strip() if is_approximate else raw
    if "/" in body:
        left, _, right = body.partition("/")
        start, end = parse_point(left, field), parse_point(right, field)
        if end.latest() < start.earliest():
            raise ValidationFailed(
                "impossible_date", f"The range ends ({end}) before it starts ({start}).", field
            )
        return PartialDate(start, end, is_approximate)
    return PartialDate(parse_point(body, field), None, is_approximate)


def parse_optional(text: str | None, field: str | None = None) -> PartialDate | None:
    """Like :func:`parse_partial_date`, but blank text means no date."""
    if text is None or not text.strip():
        return None
    return parse_partial_date(text, field)
