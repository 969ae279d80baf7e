"""Checking values of closed sets and partial dates that people type or import."""

from __future__ import annotations

from typing import Any

from qantar.common.text import clean_text
from qantar.core.dates import parse_optional
from qantar.core.errors import ValidationFailed


def clean_choice(value: Any, choices: Any, field: str, default: str | None = None) -> str:
    """A value of a closed set (``TextChoices``), or a clear error listing the allowed values.

    A blank value takes ``default`` when one is given.
    """
    if (value is None or value == "") and default is not None:
        return default
    if value not in choices.values:
        raise ValidationFailed(
            "invalid_choice",
            f"“{str(value)[:60]}” is not one of: {', '.join(choices.values)}.",
            field,
        )
    return str(value)


def clean_partial_date(value: Any, field: str, *, required: bool = False) -> str:
    """A partial date in canonical form ('' when blank and not required)."""
    text = clean_text(value, field, max_length=64)
    parsed = parse_optional(text, field)
    if parsed is None and required:
        raise ValidationFailed("required", "The date is required.", field)
    return str(parsed) if parsed else ""
