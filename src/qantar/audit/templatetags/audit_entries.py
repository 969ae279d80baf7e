"""Template helpers for audit entries: a one-line summary of what an entry records."""

from __future__ import annotations

from typing import Any

from django import template

from qantar.audit.queries import summary

register = template.Library()


@register.filter
def audit_summary(entry: Any) -> str:
    """The entry's details as short text (ids, field names and codes, never values)."""
    return summary(entry.details)
