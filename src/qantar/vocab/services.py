"""Writes to vocabularies: loading the shipped terms (idempotent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from qantar.core.errors import ValidationFailed
from qantar.vocab.choices import Vocabulary
from qantar.vocab.models import Term

TERMS_FILE = Path(__file__).parent / "data" / "terms.json"
_LABELS = ("en", "ru", "kk")


def _validate(item: dict[str, Any], index: int) -> None:
    if item.get("vocabulary") not in Vocabulary.values:
        raise ValidationFailed(
            "unknown_vocabulary", f"Term {index}: unknown vocabulary {item.get('vocabulary')!r}."
        )
    if not item.get("code") or not item.get("en"):
        raise ValidationFailed("bad_term", f"Term {index}: a code and an English label are needed.")


@transaction.atomic
def sync_terms(path: Path = TERMS_FILE) -> int:
    """Create or update the shipped terms; terms no longer shipped are deprecated. Returns count."""
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    for index, item in enumerate(items):
        _validate(item, index)
    shipped = set()
    for item in items:
        Term.objects.update_or_create(
            vocabulary=item["vocabulary"],
            code=item["code"],
            defaults={
                "label_en": item["en"],
                "label_ru": item.get("ru", ""),
                "label_kk": item.get("kk", ""),
                "description": item.get("description_en", ""),
                "is_deprecated": False,
            },
        )
        shipped.add((item["vocabulary"], item["code"]))
    for item in items:
        if item.get("parent"):
            Term.objects.filter(vocabulary=item["vocabulary"], code=item["code"]).update(
                parent=Term.objects.get(vocabulary=item["vocabulary"], code=item["parent"])
            )
    for term in Term.objects.filter(is_deprecated=False):
        if (term.vocabulary, term.code) not in shipped:
            term.is_deprecated = True
            term.save(update_fields=["is_deprecated"])
    return len(items)
