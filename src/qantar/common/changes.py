"""Comparing a record before and after an edit, for history (old and new values)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(item) for item in value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` (FKs as ids, many-to-many as sorted codes)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = (
                sorted(term.code for term in getattr(obj, name).all())
                if obj.pk and not obj._state.adding
                else []
            )
        elif field.is_relation:
            values[name] = str(getattr(obj, field.attname) or "") or None
        else:
            values[name] = _comparable(getattr(obj, name))
    return values


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose values differ, as (old, new)."""
    return {
        name: (before.get(name), after[name])
        for name in after
        if _comparable(before.get(name)) != _comparable(after[name])
    }
