"""``qantar link``: link person lists in CSV files, without a database."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from qantar.cli.context import reports_errors
from qantar.core.errors import ValidationFailed
from qantar.core.linkage import (
    DEFAULT_THRESHOLD,
    capture_histories,
    capture_histories_csv,
    link,
    merge_results,
    read_records,
    splink_engine,
)
from qantar.core.linkage.records import ReadResult, Record

ENGINES = ("qantar", "splink-duckdb", "splink-spark")


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


def _link_rows(records: list[Record], engine: str, threshold: float, seed: int,
               duplicate_free: tuple[str, ...], spark_master: str, spark_driver_memory: str,
               workdir: Path | None) -> list[tuple[str, str, float]]:
    """(record_id, cluster_id, match_probability) per record, by the engine chosen."""
    if engine == "qantar":
        return list(link(records, threshold=threshold, seed=seed).assignments())
    result = splink_engine.link_with_splink(
        records, backend=engine.removeprefix("splink-"), threshold=threshold, seed=seed,
        duplicate_free_lists=duplicate_free, workdir=workdir, spark_master=spark_master,
        driver_memory=spark_driver_memory)
    return list(result.assignments())


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
@click.option("--engine", type=click.Choice(ENGINES), default="qantar", show_default=True,
              help="qantar: Qantar's own engine (the most accurate). splink-duckdb, "
                   "splink-spark: Splink fed Qantar's name keys, on DuckDB or on Spark, for "
                   "lists that outgrow one machine (pip install 'qantar[splink]' or "
                   "'qantar[spark]'; see docs/linkage.md).")
@click.option("--duplicate-free", "duplicate_free", multiple=True, metavar="LIST",
              help="Splink engines: a list that names each person at most once (repeat for "
                   "several lists); no two of its records join one person.")
@click.option("--spark-master", default="local[*]", show_default=True,
              help="splink-spark: where Spark runs (local[N] for N cores here, or a cluster "
                   "URL).")
@click.option("--spark-driver-memory", default="2g", show_default=True,
              help="splink-spark: memory of Spark's driver (all of Spark's memory with "
                   "local[N]).")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Splink engines: where spill, temporary and checkpoint files go (default: "
                   "a temporary directory).")
@reports_errors
def command(files: tuple[Path, ...], out: Path, histories: Path | None, threshold: float,
            seed: int, engine: str, duplicate_free: tuple[str, ...], spark_master: str,
            spark_driver_memory: str, workdir: Path | None) -> None:
    """Find the same people across person lists (CSV in the standard columns).

    One file may hold several lists in its `list` column; a blank `list` takes the file name.
    Any other column (address, phone, passport number...) is compared too, as an extra
    column: `<column>_matches`, exact/close/similar/different, weighted from the data.

    `--engine splink-duckdb` or `splink-spark` runs Splink with Qantar's name keys instead
    (standard columns only); Qantar's own engine, the default, is the more accurate.
    """
    if engine == "qantar" and duplicate_free:
        raise ValidationFailed("splink_only", "--duplicate-free is for the Splink engines; "
                               "Qantar's engine weighs one record per person itself.",
                               "duplicate_free")
    if engine != "qantar":
        splink_engine.require(engine.removeprefix("splink-"))  # before any work
    records = _read_all(files).records
    rows = _link_rows(records, engine, threshold, seed, duplicate_free, spark_master,
                      spark_driver_memory, workdir)
    _write_clusters(out, rows)
    clusters = {record_id: cluster_id for record_id, cluster_id, _ in rows}
    if histories:
        lists, history_rows = capture_histories(records, clusters)
        histories.write_text(capture_histories_csv(lists, history_rows), encoding="utf-8")
    people = len(set(clusters.values()))
    click.echo(f"{len(records)} records, {people} people; wrote {out}", err=True)
