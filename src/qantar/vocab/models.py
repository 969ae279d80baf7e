"""Vocabulary terms with labels in three languages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language

from qantar.vocab.choices import Vocabulary


class Term(models.Model):
    """One term of a controlled vocabulary. Retired terms are deprecated, never deleted."""

    vocabulary = models.CharField(max_length=32, choices=Vocabulary.choices)
    code = models.CharField(max_length=80)
    label_en = models.CharField(max_length=200)
    label_ru = models.CharField(max_length=200, blank=True)
    label_kk = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    is_deprecated = models.BooleanField(default=False)

    class Meta:
        ordering = ["vocabulary", "label_en"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="unique_term_code")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language, falling back to English."""
        language = (get_language() or "en")[:2]
        return getattr(self, f"label_{language}", "") or self.label_en
