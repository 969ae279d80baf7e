"""Checking text that people type or import: length, control characters, emptiness."""

from __future__ import annotations

import unicodedata

from qantar.core.errors import ValidationFailed

NAME_MAX = 300
TITLE_MAX = 500
NARRATIVE_MAX = 200_000
_ALLOWED_CONTROLS = {"\n", "\t"}


def clean_text(
    value: object, field: str, *, max_length: int, required: bool = False, label: str = ""
) -> str:
    """Normalised text without control characters; ValidationFailed if empty or too long."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed("not_text", f"{label or field} must be text.", field)
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(
        char
        for char in text
        if char in _ALLOWED_CONTROLS or unicodedata.category(char) not in {"Cc", "Cs"}
    ).strip()
    if required and not text:
        raise ValidationFailed("required", f"{label or field} is required.", field)
    if len(text) > max_length:
        raise ValidationFailed(
            "too_long",
            f"{label or field} is {len(text):,} characters long; the limit is {max_length:,}.",
            field,
        )
    return text
