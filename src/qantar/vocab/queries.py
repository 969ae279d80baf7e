"""Reads of vocabularies (public reference data: no access gate needed)."""

from __future__ import annotations

from django.db.models import QuerySet

from qantar.core.errors import ValidationFailed
from qantar.vocab.models import Term


def terms(vocabulary: str, include_deprecated: bool = False) -> QuerySet[Term]:
    """The terms of one vocabulary."""
    queryset = Term.objects.filter(vocabulary=vocabulary)
    return queryset if include_deprecated else queryset.filter(is_deprecated=False)


def term(vocabulary: str, code: str, field: str | None = None) -> Term:
    """One live term by code, or a clear error naming the vocabulary."""
    try:
        return Term.objects.get(vocabulary=vocabulary, code=code, is_deprecated=False)
    except Term.DoesNotExist:
        raise ValidationFailed(
            "unknown_term", f"“{code[:60]}” is not a known {vocabulary.replace('_', ' ')}.", field
        ) from None
