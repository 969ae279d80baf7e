"""``qantar link``: link person lists in CSV files, without a database."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from qantar.cli.context import reports_errors
from qantar.core.linkage import (
    DEFAULT_THRESHOLD,
    capture_histories,
    capture_histories_csv,
    link,
    merge_results,
    read_records,
)
from qantar.core.linkage.records import ReadResult


def _read_all(files: tuple[Path, ...]) -> ReadResult:
    """Records of all files as one input; row problems go to stderr."""
    result = merge_results([read_records(path) for path in files])
    for problem in result.problems:
        action = "row skipped" if problem.is_skipped else "cell ignored"
        click.echo(f"Warning: line {problem.line}, {problem.field}: {problem.message} "
                   f"({action})", err=True)
    return result


def _write_clusters(path: Path, rows: list[tuple[str, str, float]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["record_id", "cluster_id", "match_probability"])
        writer.writerows(rows)


@click.command("link")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write record_id,cluster_id,match_probability.")
@click.option("--capture-histories", "histories", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the overlap of the lists (one 0/1 column per list, then count).")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=DEFAULT_THRESHOLD, show_default=True,
              help="Join pairs at or above this match probability.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for the random pairs used to estimate the model.")
@reports_errors
def command(files: tuple[Path, ...], out: Path, histories: Path | None, threshold: float,
            seed: int) -> None:
    """Find the same people across person lists (CSV in the standard columns).

    One file may hold several lists in its `list` column; a blank `list` takes the file name.
    Any other column (address, phone, passport number...) is compared too, as an extra
    column: `<column>_matches`, exact/close/similar/different, weighted from the data.
    """
    records = _read_all(files).records
    result = link(records, threshold=threshold, seed=seed)
    rows = list(result.assignments())
    _write_clusters(out, rows)
    clusters = {record_id: cluster_id for record_id, cluster_id, _ in rows}
    if histories:
        lists, history_rows = capture_histories(records, clusters)
        histories.write_text(capture_histories_csv(lists, history_rows), encoding="utf-8")
    people = len(set(clusters.values()))
    click.echo(f"{len(records)} records, {people} people; wrote {out}", err=True)
