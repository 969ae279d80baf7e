"""Capture-history tables to and from stored JSON and CSV, and the hash of a run's inputs.

A stored table lists every observable pattern in the library's canonical order (zeros
included), so the same counts always give the same JSON and the same SHA-256, however the
rows were ordered when they were typed in.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Mapping
from typing import Any

import numpy as np

from qantar.core.errors import ValidationFailed
from qantar.core.estimation import CaptureHistories, from_rows
from qantar.core.hashing import canonical_json, sha256_hex

TableJson = dict[str, Any]


def table_as_json(table: CaptureHistories) -> TableJson:
    """``{"lists": [...], "rows": [[0/1..., count], ...], "warnings": [...]}``."""
    return {
        "lists": list(table.list_names),
        "rows": [[*pattern, count] for pattern, count in table.rows()],
        "warnings": list(table.warnings),
    }


def table_from_json(data: Mapping[str, Any]) -> CaptureHistories:
    """The table a run was made from, with the parsing warnings it carried."""
    rows = [(row[:-1], row[-1]) for row in data["rows"] if row[-1]]
    table = from_rows(data["lists"], rows)
    return dataclasses.replace(table, warnings=tuple(data.get("warnings", ())))


def strata_as_json(strata: Mapping[str, CaptureHistories]) -> dict[str, TableJson]:
    """Each stratum's table as JSON, by stratum name."""
    return {name: table_as_json(table) for name, table in sorted(strata.items())}


def strata_from_json(data: Mapping[str, Any]) -> dict[str, CaptureHistories]:
    """The strata of a run as tables."""
    return {name: table_from_json(table) for name, table in data.items()}


def combined_table(strata: Mapping[str, CaptureHistories]) -> CaptureHistories:
    """The whole population's table: the strata added up pattern by pattern."""
    tables = list(strata.values())
    if not tables:
        raise ValidationFailed("no_strata", "No strata were given.")
    names = tables[0].list_names
    if any(table.list_names != names for table in tables):
        raise ValidationFailed("strata_lists_differ", "Every stratum must have the same lists.")
    cells = np.sum([table.cells for table in tables], axis=0)
    return CaptureHistories(names, cells.astype(np.int64))


def input_digest(table: TableJson, strata: Mapping[str, TableJson]) -> str:
    """SHA-256 of the canonical JSON of a run's input table and strata."""
    return sha256_hex(canonical_json({"table": dict(table), "strata": dict(strata)}))


def input_as_csv(table: TableJson, strata: Mapping[str, TableJson], stratum_field: str) -> str:
    """The input as a capture-history CSV (with a stratum column when there are strata)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if not strata:
        writer.writerow([*table["lists"], "count"])
        writer.writerows(table["rows"])
        return buffer.getvalue()
    writer.writerow([*table["lists"], stratum_field or "stratum", "count"])
    for name, stratum in strata.items():
        writer.writerows([*row[:-1], name, row[-1]] for row in stratum["rows"])
    return buffer.getvalue()
