"""Locate the literature tables in ``shared/mse-benchmarks`` beside the repository.

They are read in place, never copied into the repository. Without the folder the
tests skip with a reason, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qantar.core.estimation.table import CaptureHistories, from_csv_text


def benchmark_folder() -> Path:
    """``shared/mse-benchmarks`` next to the repository root (the folder with .git)."""
    root = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").exists())
    return root.parent / "shared" / "mse-benchmarks"


def load(name: str) -> CaptureHistories:
    """One benchmark table, or skip (fail in CI) when the shared folder is absent."""
    path = benchmark_folder() / name
    if not path.exists():
        reason = f"benchmark table {path} not found (shared/ must sit beside the repo)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return from_csv_text(path.read_text(encoding="utf-8"))
