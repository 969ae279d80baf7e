"""docs/cli.md is the commands' own help: it cannot fall behind."""

from __future__ import annotations

from pathlib import Path

from qantar.cli.reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_in_docs_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: run `qantar cli-reference > docs/cli.md`"
    )
