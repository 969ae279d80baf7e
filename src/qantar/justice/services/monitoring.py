"""Writes for trial monitoring, reported figures and the shipped reference data."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from qantar.accounts.models import Collection
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_revision
from qantar.common.access import Gate
from qantar.common.changes import snapshot
from qantar.common.text import NAME_MAX, NARRATIVE_MAX, clean_text
from qantar.common.values import clean_choice, clean_partial_date
from qantar.core.errors import ValidationFailed
from qantar.justice.choices import (
    Answer,
    FigureUnit,
    Funnel,
    FunnelStage,
    LegalCode,
    Openness,
)
from qantar.justice.models import (
    Article,
    FairTrialIndicator,
    IndicatorAnswer,
    MonitoringReport,
    Proceeding,
    ReportedFigure,
)
from qantar.justice.services import checks
from qantar.records.models import Organisation, Source

REFERENCE_FILE = Path(__file__).resolve().parent.parent / "data" / "reference.json"
INDICATOR_CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
FIGURE_FIELDS = ("indicator", "label", "value", "unit", "is_lower_bound", "is_approximate", "as_of",
                 "publisher", "is_official", "source", "funnel", "stage", "note")


# --- reference data ----------------------------------------------------------------------------


def _check_reference(data: Any) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list) or \
            not isinstance(data.get("indicators"), list):
        raise ValidationFailed("bad_reference", "The reference file needs articles and indicators.")
    for index, item in enumerate(data["articles"]):
        if not item.get("code") or not item.get("en") or item.get("legal_code") not in \
                LegalCode.values:
            raise ValidationFailed("bad_reference", f"Article {index}: code, en and a known "
                                   "legal_code are needed.")
    for index, item in enumerate(data["indicators"]):
        if not item.get("code") or not item.get("en") or \
                item.get("violation_answer", "") not in {"", "yes", "no"}:
            raise ValidationFailed("bad_reference", f"Indicator {index}: code, en and a "
                                   "violation_answer of yes, no or blank are needed.")


@transaction.atomic
def sync_reference(path: Path = REFERENCE_FILE) -> tuple[int, int]:
    """Create or update the shipped articles and fair-trial indicators (idempotent).

    Items no longer shipped are deprecated, never deleted. Returns (articles, indicators).
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    _check_reference(data)
    for item in data["articles"]:
        Article.objects.update_or_create(code=item["code"], defaults={
            "country": item.get("country", "KZ"), "legal_code": item["legal_code"],
            "number": item.get("number", ""), "category": item.get("category", ""),
            "title_en": item["en"], "title_ru": item.get("ru", ""),
            "title_kk": item.get("kk", ""), "note": item.get("note", ""),
            "is_deprecated": False})
    for item in data["indicators"]:
        FairTrialIndicator.objects.update_or_create(code=item["code"], defaults={
            "position": item.get("position", 0), "title_en": item["en"],
            "title_ru": item.get("ru", ""), "title_kk": item.get("kk", ""),
            "violation_answer": item.get("violation_answer", ""),
            "depends_on": item.get("depends_on", ""), "is_deprecated": False})
    Article.objects.exclude(code__in=[i["code"] for i in data["articles"]]).update(
        is_deprecated=True)
    FairTrialIndicator.objects.exclude(code__in=[i["code"] for i in data["indicators"]]).update(
        is_deprecated=True)
    return len(data["articles"]), len(data["indicators"])


# --- trial monitoring ------------------------------------------------------------------------


def _answers(report: MonitoringReport, items: Mapping[str, Any]) -> list[IndicatorAnswer]:
    indicators = {i.code: i for i in FairTrialIndicator.objects.filter(is_deprecated=False)}
    answers = []
    for code, given in items.items():
        indicator = indicators.get(code)
        if indicator is None:
            raise ValidationFailed("unknown_indicator",
                                   f"“{str(code)[:40]}” is not a fair-trial indicator.",
                                   "answers")
        value = given.get("answer") if isinstance(given, Mapping) else given
        if value in (None, ""):
            continue
        answer = IndicatorAnswer(report=report, indicator=indicator, key_id=report.key_id,
                                 answer=clean_choice(value, Answer, f"answer_{code}"))
        answer.is_violation = bool(indicator.violation_answer) and \
            answer.answer == indicator.violation_answer
        note = given.get("note") if isinstance(given, Mapping) else ""
        answer.note = checks.sealed(note, f"note_{code}", 5000)
        answers.append(answer)
    return answers


@transaction.atomic
def record_hearing_report(gate: Gate, proceeding: Proceeding,
                          data: Mapping[str, Any]) -> MonitoringReport:
    """Record a monitor's report on a hearing attended, with the fair-trial checklist.

    ``answers`` maps indicator codes to "yes"/"no"/"unclear"/"not_applicable" (or to
    ``{"answer": ..., "note": ...}``); unanswered indicators are simply left out.
    """
    checks.require_edit(gate, proceeding.collection_id)
    report = MonitoringReport(id=checks.given_id(data), collection_id=proceeding.collection_id,
                              key_id=proceeding.key_id, proceeding=proceeding,
                              monitor=gate.user if getattr(gate.user, "pk", None) else None)
    report.court = checks.reference(Organisation, data.get("court"), "court")
    report.judge = clean_text(data.get("judge"), "judge", max_length=NAME_MAX)
    report.held_on = clean_partial_date(data.get("held_on"), "held_on", required=True)
    report.openness = clean_choice(data.get("openness"), Openness, "openness", Openness.UNKNOWN)
    report.present = checks.sealed(data.get("present"), "present", 5000)
    report.notes = checks.sealed(data.get("notes"), "notes", NARRATIVE_MAX)
    answers = _answers(report, data.get("answers") or {})
    report.save(force_insert=True)
    IndicatorAnswer.objects.bulk_create(answers)
    record_revision(report, AuditAction.CREATE, gate.user,
                    {"held_on": (None, report.held_on), "answers": (None, len(answers))})
    return report


# --- reported figures ----------------------------------------------------------------------------


def _apply_figure(gate: Gate, figure: ReportedFigure, data: Mapping[str, Any]) -> None:
    figure.indicator = clean_text(data.get("indicator"), "indicator", max_length=80,
                                  required=True, label="The indicator")
    if not INDICATOR_CODE.fullmatch(figure.indicator):
        raise ValidationFailed("invalid_code", "The indicator is a short code in lower case "
                               "with underscores (complaints_received).", "indicator")
    figure.label = clean_text(data.get("label"), "label", max_length=300)
    value = checks.amount(data.get("value"), "value")
    if value is None:
        raise ValidationFailed("required", "The value is required.", "value")
    figure.value = value
    figure.unit = clean_choice(data.get("unit"), FigureUnit, "unit", FigureUnit.COUNT)
    if figure.unit == FigureUnit.PERCENT and value > 100:
        raise ValidationFailed("invalid_number", "A percentage cannot exceed 100.", "value")
    figure.is_lower_bound = bool(data.get("is_lower_bound"))
    figure.is_approximate = bool(data.get("is_approximate"))
    figure.as_of = clean_partial_date(data.get("as_of"), "as_of", required=True)
    figure.publisher = clean_text(data.get("publisher"), "publisher", max_length=300,
                                  required=True, label="The publisher")
    figure.is_official = bool(data.get("is_official", True))
    figure.source = checks.visible(gate, Source, data.get("source"), "source",
                                   figure.collection_id)
    figure.funnel = clean_choice(data.get("funnel"), Funnel, "funnel", "")
    figure.stage = clean_choice(data.get("stage"), FunnelStage, "stage", "")
    if bool(figure.funnel) != bool(figure.stage):
        raise ValidationFailed("stage_needs_funnel",
                               "Give both the funnel and its stage, or neither.", "stage")
    figure.note = clean_text(data.get("note"), "note", max_length=2000)


@transaction.atomic
def record_figure(gate: Gate, collection: Collection | uuid.UUID,
                  data: Mapping[str, Any]) -> ReportedFigure:
    """Record a number an authority or organisation published, with its date and source."""
    cid = checks.collection_id_of(collection)
    checks.require_edit(gate, cid)
    figure = ReportedFigure(id=checks.given_id(data), collection_id=cid,
                            key_id=Collection.objects.get(pk=cid).records_key_id)
    _apply_figure(gate, figure, data)
    figure.save(force_insert=True)
    record_revision(figure, AuditAction.CREATE, gate.user,
                    {name: (None, value) for name, value in
                     snapshot(figure, FIGURE_FIELDS).items()})
    return figure


__all__ = ["record_figure", "record_hearing_report", "sync_reference"]
