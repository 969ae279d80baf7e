"""Checking what people type or import before a justice service writes it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.common.access import Gate
from qantar.common.text import clean_text
from qantar.core.errors import NotFound, ValidationFailed
from qantar.justice.models import Article


def collection_id_of(collection: Collection | uuid.UUID | str) -> uuid.UUID:
    """The id of a collection given as an object or an id."""
    if isinstance(collection, Collection):
        return collection.pk
    try:
        return collection if isinstance(collection, uuid.UUID) else uuid.UUID(str(collection))
    except ValueError:
        raise ValidationFailed("invalid_id", "That is not a collection.", "collection") from None


def require_edit(gate: Gate, collection_id: uuid.UUID) -> None:
    """Refuse unless the user may edit complaints and proceedings in the collection."""
    gate.require(collection_id, Capability.EDIT_JUSTICE)


def exact_date(value: Any, field: str) -> date:
    """A full calendar date (deadlines need the day)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed("invalid_date", "Give the day as YYYY-MM-DD.", field) from None


def sealed(value: Any, field: str, max_length: int) -> str | None:
    """Text for a sealed field (None when blank, so nothing is encrypted for nothing)."""
    return clean_text(value, field, max_length=max_length) or None


def given_id(data: Mapping[str, Any]) -> uuid.UUID:
    """The id an import supplies (importing twice changes nothing), or a new one."""
    value = data.get("id")
    if not value:
        return uuid.uuid4()
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed("invalid_id", "The record id is not a UUID.", "id") from None


def reference(model: type[Model], value: Any, field: str) -> Any:
    """Public reference data (places, organisations) by id."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=value)
    except (model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise ValidationFailed("unknown_reference", "That record does not exist.", field) from None


def visible(gate: Gate, model: type[Model], value: Any, field: str,
            collection_id: uuid.UUID | None = None) -> Any:
    """A collection record the user may see (in the given collection), or a validation error."""
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, model) else value
    try:
        record = gate.fetch(model.objects.all(), pk)
    except NotFound:
        raise ValidationFailed("unknown_reference", "That record does not exist.", field) from None
    if collection_id is not None and record.collection_id != collection_id:
        raise ValidationFailed(
            "other_collection", "That record is in another collection.", field
        )
    return record


def visible_all(gate: Gate, model: type[Model], values: Iterable[Any] | None, field: str,
                collection_id: uuid.UUID) -> list[Any]:
    """Several visible records of one collection, without duplicates."""
    return [visible(gate, model, value, field, collection_id)
            for value in dict.fromkeys(values or [])]


def articles(codes: Iterable[str] | None, field: str = "articles") -> list[Article]:
    """Live articles by code ("kz-cc-146"), or a clear error naming the unknown one."""
    found = []
    for code in dict.fromkeys(codes or []):
        article = Article.objects.filter(code=code, is_deprecated=False).first()
        if article is None:
            raise ValidationFailed(
                "unknown_article", f"“{str(code)[:40]}” is not a known article.", field
            )
        found.append(article)
    return found


def whole_number(value: Any, field: str, *, minimum: int = 0, default: int | None = None,
                 label: str = "The number") -> int | None:
    """A whole number at or above ``minimum`` (or ``default`` when blank)."""
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("invalid_number", f"{label} must be a whole number.",
                               field) from None
    if number < minimum:
        raise ValidationFailed("invalid_number", f"{label} must be at least {minimum}.", field)
    return number


def amount(value: Any, field: str) -> Decimal | None:
    """A money amount or a figure's value (two decimals)."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise ValidationFailed("invalid_number", "That is not a number.", field) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise ValidationFailed("invalid_number", "The number is out of range.", field)
    return number.quantize(Decimal("0.01"))
