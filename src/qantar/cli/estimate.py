"""``qantar estimate FILE.csv``: estimate the total from a capture-history CSV.

Reads one 0/1 column per list, then ``count``. Prints the observed total (a floor),
the estimate, its interval, the method and the model. Needs no database.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from qantar.cli.context import reports_errors
from qantar.core.errors import ValidationFailed
from qantar.core.estimation import (
    DEFAULT_METHOD,
    Estimate,
    Method,
    estimate,
    from_csv_bytes,
)
from qantar.core.estimation.table import MAX_BYTES

METHOD_NAMES = [method.value for method in Method]


@click.command(name="estimate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(METHOD_NAMES), default=DEFAULT_METHOD.value,
              show_default=True, help="Estimation method (see docs/estimation.md).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for random draws; the same seed gives the same result.")
@click.option("--level", type=float, default=0.95, show_default=True,
              help="Level of the interval.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reports_errors
def command(file: Path, method: str, seed: int, level: float, as_json: bool) -> None:
    """Estimate how many people were never documented, from overlapping lists."""
    table = from_csv_bytes(_read(file))
    result = estimate(table, method, seed=seed, level=level)
    click.echo(json.dumps(result.as_dict()) if as_json else _as_text(result))


def _read(file: Path) -> bytes:
    try:
        if file.stat().st_size > MAX_BYTES:
            raise ValidationFailed("file_too_large",
                                   f"{file} is larger than {MAX_BYTES // 1_000_000} MB.")
        return file.read_bytes()
    except OSError as error:
        raise ValidationFailed("unreadable_file",
                               f"Cannot read {file}: {error.strerror}.", "file") from None


def _as_text(result: Estimate) -> str:
    low, high = result.interval
    lines = [
        f"Observed (documented, a floor): {result.observed}",
        f"Estimated total:                {result.estimate:,.0f}",
        f"{result.level:.0%} interval:                   {low:,.0f} to {high:,.0f}",
        f"Method:                         {result.method}",
        f"Model:                          {result.model}",
    ]
    lines += [f"Warning: {warning}" for warning in result.warnings]
    return "\n".join(lines)
