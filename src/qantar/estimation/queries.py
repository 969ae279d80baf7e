"""All reads for estimation, scoped by the access gate to collections with statistics rights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.common.access import Gate
from qantar.core.errors import PermissionDenied, QantarError
from qantar.core.estimation import (
    METHODS,
    CaptureHistories,
    Estimate,
    Method,
    Options,
    compare_methods,
    estimate_stratified,
)
from qantar.estimation import io
from qantar.estimation.models import EstimationRun, Reproduction
from qantar.estimation.services import options_from
from qantar.records.models import Source

# Fast enough to compare on every page view; LCMCR runs only when asked.
QUICK_METHODS = [m for m in Method if m is not Method.LCMCR]


def statistics_collections(gate: Gate) -> QuerySet[Collection]:
    """Collections where the user may see statistics; PermissionDenied when there are none."""
    ids = gate.collections(Capability.VIEW_STATISTICS)
    if not ids:
        raise PermissionDenied()
    return Collection.objects.filter(pk__in=ids).order_by("name")


def runs(gate: Gate) -> QuerySet[EstimationRun]:
    """Runs in the user's statistics collections, newest first (draws left out)."""
    return gate.scope(EstimationRun.objects.all(), Capability.VIEW_STATISTICS).select_related(
        "collection", "created_by").defer("draws").order_by("-created_at")


def run(gate: Gate, pk: Any) -> EstimationRun:
    """One run: NotFound outside the user's collections, PermissionDenied without statistics."""
    found = gate.fetch(EstimationRun.objects.select_related("collection", "created_by"), pk)
    gate.require(found.collection_id, Capability.VIEW_STATISTICS)
    return found


def reproductions(run_record: EstimationRun) -> QuerySet[Reproduction]:
    """Attempts to reproduce a run (the caller holds the run through the gate), newest first."""
    return run_record.reproductions.select_related("created_by").order_by("-created_at")


def citable_sources(gate: Gate) -> QuerySet[Source]:
    """Sources in the user's statistics collections, to choose lists from."""
    return gate.scope(Source.objects.all(), Capability.VIEW_STATISTICS).select_related(
        "collection").order_by("collection__name", "title")


@dataclass(frozen=True)
class Comparison:
    """One method's answer on a run's input: an estimate, or the reason it refused."""

    method: Method
    title: str
    result: Estimate | None
    error: QantarError | None
    is_run_method: bool


def compare(gate: Gate, run_record: EstimationRun,
            methods: Sequence[Method] = QUICK_METHODS) -> list[Comparison]:
    """Every method on the run's input with its seed, level and options (strata kept)."""
    gate.require(run_record.collection_id, Capability.VIEW_STATISTICS)
    options = options_from(run_record.parameters)
    seed, level = run_record.seed, run_record.level
    if run_record.strata:
        strata = io.strata_from_json(run_record.strata)
        results = {method: _stratified_total(strata, method, seed, level, options)
                   for method in methods}
    else:
        table = io.table_from_json(run_record.input_table)
        results = compare_methods(table, list(methods), seed, level, options)
    return [Comparison(method, METHODS[method].title,
                       found if isinstance(found, Estimate) else None,
                       found if isinstance(found, QantarError) else None,
                       method.value == run_record.method)
            for method, found in results.items()]


def _stratified_total(strata: dict[str, CaptureHistories], method: Method, seed: int,
                      level: float, options: Options) -> Estimate | QantarError:
    try:
        return estimate_stratified(strata, method, seed, level, options).total
    except QantarError as error:
        return error
