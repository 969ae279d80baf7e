"""The Kazakh individual identification number (IIN, ЖСН/ИИН).

An IIN has twelve digits: ``YYMMDD`` (birth date), one digit for century and sex, four serial
digits and a check digit. The century-and-sex digit is 1/2 for men/women born in the 1800s,
3/4 in the 1900s and 5/6 in the 2000s. The check digit is the weighted sum of the first eleven
digits modulo 11 with weights 1..11; when that gives 10, the weights 3..11,1,2 are used; when
that gives 10 again the number is never issued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qantar.core.errors import ValidationFailed

_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURIES = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


@dataclass(frozen=True)
class IIN:
    """A checked IIN with what it encodes: the birth date and the sex (``"m"`` or ``"f"``)."""

    number: str
    birth_date: dt.date
    sex: str


def iin_check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when the number can never be issued."""
    digits = [int(char) for char in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def clean_iin(text: str) -> str:
    """The digits of an IIN as typed (spaces, dashes and dots removed)."""
    return "".join(char for char in text if char not in " -.\u00a0\t")


def parse_iin(text: str) -> IIN:
    """Check an IIN and decode it; raise ``ValidationFailed`` (code ``invalid_iin``) if wrong."""
    number = clean_iin(text)
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        raise ValidationFailed("invalid_iin", "An IIN has exactly twelve digits.", "iin")
    if iin_check_digit(number[:11]) != int(number[11]):
        raise ValidationFailed("invalid_iin", "The IIN check digit does not match.", "iin")
    century_digit = int(number[6])
    if century_digit not in _CENTURIES:
        raise ValidationFailed("invalid_iin", "The IIN century digit must be 1 to 6.", "iin")
    year = _CENTURIES[century_digit] + int(number[:2])
    try:
        birth_date = dt.date(year, int(number[2:4]), int(number[4:6]))
    except ValueError as error:
        raise ValidationFailed("invalid_iin", "The IIN encodes no real date.", "iin") from error
    return IIN(number, birth_date, "m" if century_digit % 2 else "f")


def is_valid_iin(text: str) -> bool:
    """Whether ``text`` is a well-formed IIN with a correct check digit and a real date."""
    try:
        parse_iin(text)
    except ValidationFailed:
        return False
    return True


def make_iin(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Build the IIN for a birth date, a sex (``"m"``/``"f"``) and a 4-digit serial number.

    Returns None for the serials that cannot be issued (their check digit would be 10).
    Used to make test and benchmark data; Qantar never invents IINs for real people.
    """
    century = (birth_date.year // 100) * 100
    base = {1800: 1, 1900: 3, 2000: 5}[century] + (0 if sex == "m" else 1)
    first_eleven = f"{birth_date:%y%m%d}{base}{serial % 10000:04d}"
    check = iin_check_digit(first_eleven)
    return None if check is None else f"{first_eleven}{check}"
