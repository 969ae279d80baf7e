"""All writes for estimation: run an estimate and keep it, reproduce a run, export a run.

A run is stored only when the library gives an estimate. When it refuses (too few lists, too
little overlap, a list that holds everyone, a model with no estimate) the refusal reaches the
caller as a ``ValidationFailed`` saying why, and nothing is written.

Randomness: every draw comes from the run's seed, so the stored table, method, parameters and
seed give the same result again with the same code (its version is stored with the run).
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.common.text import clean_text
from qantar.core import estimation
from qantar.core.errors import IntegrityFailure, QantarError, ValidationFailed
from qantar.core.estimation import (
    DEFAULT_METHOD,
    CaptureHistories,
    Estimate,
    Method,
    Options,
    SamplerSettings,
    estimate,
    estimate_stratified,
    parse_method,
)
from qantar.core.hashing import canonical_json, sha256_hex
from qantar.estimation import io, sources
from qantar.estimation.choices import DEFAULT_LEVEL, MAX_SEED, InputOrigin
from qantar.estimation.models import EstimationRun, Reproduction

TableInput = CaptureHistories | Mapping[str, CaptureHistories]


class EstimateRefused(ValidationFailed):
    """The library gave no estimate for this table; says why, with the documented count."""

    def __init__(self, error: ValidationFailed, observed: int) -> None:
        super().__init__(error.code, error.message, error.field)
        self.observed = observed


@dataclasses.dataclass(frozen=True)
class Computed:
    """What one computation gives: the result as stored, and the draws behind the plot."""

    result: dict[str, Any]
    draws: list[float]


def run_estimation(
    gate: Gate,
    collection: Collection | uuid.UUID | str,
    table: TableInput,
    method: Method | str = DEFAULT_METHOD,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    *,
    stratum_field: str = "",
    title: str = "",
    origin: str = InputOrigin.PASTED,
    provider: str = "",
    provider_params: Mapping[str, Any] | None = None,
    options: Options | None = None,
) -> EstimationRun:
    """Estimate the total from a capture-history table and keep the run (needs statistics).

    ``table`` is one table, or a mapping of stratum name to table to estimate each stratum
    separately and add up. A refusal raises ``ValidationFailed`` and stores nothing.
    """
    collection_id = collection.pk if isinstance(collection, Collection) else _uuid(collection)
    gate.require(collection_id, Capability.VIEW_STATISTICS)
    chosen = parse_method(method)
    seed = checked_seed(seed)
    title = clean_text(title, "title", max_length=200)
    stratum_field = clean_text(stratum_field, "stratum_field", max_length=100)
    if origin not in InputOrigin.values:
        raise ValidationFailed("bad_origin", "Unknown input origin.", "origin")
    if not isinstance(level, float | int) or not 0.5 <= level < 1:
        raise ValidationFailed("bad_level", "The level must be between 0.5 and 1.", "level")
    settings = options or Options()
    strata = dict(table) if isinstance(table, Mapping) else {}
    whole = io.combined_table(strata) if isinstance(table, Mapping) else table
    started = time.perf_counter()
    try:
        computed = compute(whole, strata, chosen, seed, level, settings)
    except ValidationFailed as error:
        raise EstimateRefused(error, whole.observed) from error
    seconds = time.perf_counter() - started
    table_json, strata_json = io.table_as_json(whole), io.strata_as_json(strata)
    run = EstimationRun(
        collection_id=collection_id,
        key_id=Collection.objects.get(pk=collection_id).records_key_id,
        title=title,
        created_by=gate.user,
        origin=origin,
        provider=provider,
        provider_params=plain(dict(provider_params or {})),
        input_table=table_json,
        strata=strata_json,
        stratum_field=stratum_field,
        input_sha256=io.input_digest(table_json, strata_json),
        method=chosen.value,
        parameters=plain(dataclasses.asdict(settings)),
        seed=seed,
        level=level,
        result=computed.result,
        draws=computed.draws,
        code_version=code_version(),
        seconds=round(seconds, 3),
    )
    # Computed before the transaction: a write lock is never held for a slow sampler.
    with transaction.atomic():
        run.save(force_insert=True)
        record_event(AuditAction.CREATE, actor=gate.user, obj=run, details={
            "method": run.method, "seed": seed, "input_sha256": run.input_sha256})
    return run


def run_from_provider(gate: Gate, name: str, params: Mapping[str, Any],
                      method: Method | str = DEFAULT_METHOD, seed: int = 0,
                      level: float = DEFAULT_LEVEL, title: str = "") -> EstimationRun:
    """Build the table with a registered provider (``params["collection"]`` keeps the run)."""
    provided = sources.provide(name, gate, params)
    return run_estimation(
        gate, params.get("collection"), provided.tables(), method, seed, level,
        stratum_field=provided.stratum_field, title=title, origin=InputOrigin.PROVIDER,
        provider=name, provider_params=dict(params) | {"summary": provided.summary})


def run_again(gate: Gate, run: EstimationRun, method: Method | str) -> EstimationRun:
    """The same input, seed and level with another method (from a comparison), kept as a run."""
    gate.require(run.collection_id, Capability.VIEW_STATISTICS)
    strata = io.strata_from_json(run.strata)
    return run_estimation(
        gate, run.collection_id, strata or io.table_from_json(run.input_table), method,
        run.seed, run.level, stratum_field=run.stratum_field, title=run.title,
        origin=run.origin, provider=run.provider, provider_params=run.provider_params,
        options=options_from(run.parameters))


def _uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed("bad_id", "Choose a collection.", "collection") from None


def reproduce(gate: Gate, run: EstimationRun) -> Reproduction:
    """Recompute a run from what it stored and keep the outcome; raise unless identical.

    The outcome is kept either way; a difference raises ``IntegrityFailure`` naming what
    differs and the code versions of the run and of now.
    """
    gate.require(run.collection_id, Capability.VIEW_STATISTICS)
    differences = _differences(run)
    with transaction.atomic():
        reproduction = Reproduction.objects.create(
            run=run, created_by=gate.user, code_version=code_version(),
            is_identical=not differences, differences=differences)
        record_event(AuditAction.CREATE, actor=gate.user, obj=reproduction,
                     collection_id=run.collection_id,
                     details={"run": str(run.pk), "is_identical": not differences})
    if differences:
        raise IntegrityFailure(
            "not_reproduced",
            f"The run could not be reproduced exactly; different: {', '.join(differences)}. "
            f"The run was made with {run.code_version}; this is {code_version()}.")
    return reproduction


def export_input(gate: Gate, run: EstimationRun) -> str:
    """The run's input table as a capture-history CSV (aggregate counts); audited."""
    _require_export(gate, run, "input_csv")
    return io.input_as_csv(run.input_table, run.strata, run.stratum_field)


def export_result(gate: Gate, run: EstimationRun) -> dict[str, Any]:
    """Everything needed to check or redo a run, as JSON; audited."""
    _require_export(gate, run, "result_json")
    return {
        "run": str(run.pk),
        "title": run.title,
        "created_at": run.created_at.isoformat(),
        "input_sha256": run.input_sha256,
        "input": run.input_table,
        "strata": run.strata,
        "stratum_field": run.stratum_field,
        "method": run.method,
        "parameters": run.parameters,
        "seed": run.seed,
        "level": run.level,
        "code_version": run.code_version,
        "result": run.result,
    }


def _require_export(gate: Gate, run: EstimationRun, what: str) -> None:
    gate.require(run.collection_id, Capability.VIEW_STATISTICS)
    gate.require(run.collection_id, Capability.EXPORT)
    record_event(AuditAction.EXPORT, actor=gate.user, obj=run, details={"export": what})


# --- computing ---------------------------------------------------------------------------------


def compute(table: CaptureHistories, strata: Mapping[str, CaptureHistories], method: Method,
            seed: int, level: float, options: Options) -> Computed:
    """The result of one method on a table (or on its strata, added up), as stored."""
    if not strata:
        found = estimate(table, method, seed, level, options)
        return _computed(found, {})
    stratified = estimate_stratified(strata, method, seed, level, options)
    parts = {name: _summary(part) for name, part in stratified.strata.items()}
    return _computed(stratified.total, parts)


def _computed(found: Estimate, strata: dict[str, Any]) -> Computed:
    draws = [float(value) for value in found.draws]
    result = _summary(found) | {
        "level": found.level,
        "method": found.method,
        "diagnostics": found.diagnostics,
        "strata": strata,
        "draws": len(draws),
        "draws_sha256": sha256_hex(canonical_json(plain(draws))),
    }
    return Computed(plain(result), plain(draws))


def _summary(found: Estimate) -> dict[str, Any]:
    return {
        "observed": found.observed,
        "estimate": found.estimate,
        "interval": list(found.interval),
        "model": found.model,
        "warnings": list(found.warnings),
    }


def _differences(run: EstimationRun) -> list[str]:
    try:
        table = io.table_from_json(run.input_table)
        strata = io.strata_from_json(run.strata)
        again = compute(table, strata, parse_method(run.method), run.seed, run.level,
                        options_from(run.parameters))
    except QantarError as error:
        return [f"refused ({error.message})"]
    differences = [key for key in sorted(set(again.result) | set(run.result))
                   if canonical_json(again.result.get(key)) != canonical_json(run.result.get(key))]
    if again.draws != list(run.draws):
        differences.append("draws")
    return differences


def options_from(parameters: Mapping[str, Any]) -> Options:
    """The library options a run was made with, from its stored parameters."""
    values = dict(parameters)
    try:
        sampler = SamplerSettings(**values.pop("sampler", {}))
        return Options(**values, sampler=sampler)
    except TypeError as error:
        raise ValidationFailed("unsupported_parameters", "This run's parameters are not "
                               f"understood by this version of the library: {error}.") from None


def checked_seed(seed: Any) -> int:
    """A seed as a whole number from 0 to 2,147,483,647."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValidationFailed("bad_seed", f"The seed must be a whole number from 0 to "
                               f"{MAX_SEED:,}.", "seed")
    return seed


def plain(value: Any) -> Any:
    """``value`` as plain JSON: numpy numbers as Python numbers, NaN and infinities as null."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


@lru_cache(maxsize=1)
def code_version() -> str:
    """Which code computed a result: the package, the estimation library's source, numpy."""
    folder = Path(estimation.__file__).parent
    digest = sha256_hex(b"".join(path.read_bytes() for path in sorted(folder.glob("*.py"))))
    return (f"qantar {metadata.version('qantar')}; estimation {digest[:12]}; "
            f"numpy {np.__version__}")
