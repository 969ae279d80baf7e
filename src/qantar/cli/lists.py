"""``qantar lists``: import person lists, link them, follow review, export capture histories."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qantar.cli.context import (
    as_option,
    collection_named,
    gate_for,
    reports_errors,
    setup_django,
)

collection_option = click.option("--collection", "collection_name", required=True,
                                 help="The collection (its name).")


def _mapping(header: list[str], proposed: dict[str, int], overrides: tuple[str, ...]
             ) -> dict[str, int]:
    """The proposed mapping with ``--map "File header=standard_column"`` corrections."""
    from qantar.core.errors import ValidationFailed

    mapping = dict(proposed)
    for item in overrides:
        column, separator, target = item.rpartition("=")
        if not separator or column not in header:
            raise ValidationFailed("unknown_column", f"--map {item[:60]!r}: no column "
                                   f"“{column[:40]}” in the file.", "map")
        index = header.index(column)
        mapping = {key: value for key, value in mapping.items() if value != index}
        if target.strip():
            mapping[target.strip()] = index
    return mapping


def _show_mapping(header: list[str], mapping: dict[str, int]) -> None:
    chosen = {index: target for target, index in mapping.items()}
    for index, name in enumerate(header):
        click.echo(f"  {name or '(no header)':<30} → {chosen.get(index, '(original row only)')}",
                   err=True)


@click.group("lists")
def command() -> None:
    """Person lists: import, link, review, count."""


@command.command("import")
@as_option
@collection_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--list", "list_name", required=True, help="The list's name (new or existing).")
@click.option("--compiled-by", default="", help="Who compiled the list.")
@click.option("--compiled-on", default="", help="When (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--method", default="other", show_default=True,
              help="official, open_sources, survey, hospital_morgue, court or other.")
@click.option("--status", "person_status", default="unknown", show_default=True,
              help="The people on the list are: dead, alive, missing or unknown.")
@click.option("--map", "overrides", multiple=True, metavar='"HEADER=column"',
              help="Correct the column mapping (an empty column keeps it in the original only).")
@click.option("--yes", is_flag=True, help="Accept the column mapping without asking.")
@reports_errors
def import_command(username: str | None, collection_name: str, path: Path, list_name: str,
                   compiled_by: str, compiled_on: str, method: str, person_status: str,
                   overrides: tuple[str, ...], yes: bool) -> None:
    """Import a person list (CSV, XLSX or ODS, any size), streamed with a progress bar.

    Bad rows are reported with their line number and skipped. Importing the same file into the
    same list again changes nothing.
    """
    setup_django()
    from qantar.lists import io as list_io
    from qantar.lists import services

    gate = gate_for(username)
    collection = collection_named(gate, collection_name)
    table = list_io.open_table(path, path.name)
    mapping = _mapping(table.header, list_io.map_header(table.header), overrides)
    click.echo(f"{path.name}: {table.file_format}"
               f"{', ' + table.encoding if table.encoding else ''}; columns:", err=True)
    _show_mapping(table.header, mapping)
    if not yes and not click.confirm("Import with these columns?", err=True):
        sys.exit(1)
    details = {"name": list_name, "compiled_by": compiled_by, "compiled_on": compiled_on,
               "method": method, "person_status": person_status}
    job, has_rows = services.start_import(gate, collection, table, file_name=path.name,
                                          details=details, mapping=mapping)
    if not has_rows:
        click.echo(f"{path.name} is already in the list “{list_name}”: nothing changed.",
                   err=True)
        return
    with click.progressbar(length=table.estimated_rows or 0, label="Importing",
                           file=sys.stderr) as bar:
        job = services.import_rows(gate, job, table, progress=lambda _job, rows: bar.update(rows))
    for problem in services.job_problems(job):
        click.echo(f"Line {problem.line}, {problem.field}: {problem.message}", err=True)
    click.echo(f"{job.rows_imported} rows imported, {job.rows_rejected} skipped, "
               f"{job.cells_blanked} cells not understood.")


@command.command("link")
@as_option
@collection_option
@click.option("--list", "list_names", multiple=True, help="Link only these lists (repeatable).")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.5, show_default=True, help="Join pairs at or above this probability.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the random pairs used to estimate the model.")
@click.option("--accept", is_flag=True, help="Then accept the clusters as people.")
@reports_errors
def link_command(username: str | None, collection_name: str, list_names: tuple[str, ...],
                 threshold: float, seed: int, accept: bool) -> None:
    """Link a collection's lists in process; reviewers' decisions are used and obeyed."""
    setup_django()
    from qantar.core.errors import ValidationFailed
    from qantar.lists import services
    from qantar.lists.models import ImportedList

    gate = gate_for(username)
    collection = collection_named(gate, collection_name)
    chosen = None
    if list_names:
        chosen = list(ImportedList.objects.filter(collection=collection, name__in=list_names))
        if len(chosen) != len(set(list_names)):
            raise ValidationFailed("unknown_list", "A --list is not in this collection.", "list")
    run = services.run_linkage(gate, collection, chosen, threshold=threshold, seed=seed)
    click.echo(f"{run.record_count} entries, {run.cluster_count} people, {run.pair_count} pairs "
               f"scored, {run.labelled_count} reviewed pairs used; run {run.pk}")
    if accept:
        result = services.accept_clusters(gate, run)
        click.echo(f"{len(result.created)} people created, {len(result.joined)} joined, "
                   f"{len(result.conflicts)} clusters left for review.")


@command.command("review-stats")
@as_option
@collection_option
@reports_errors
def review_stats_command(username: str | None, collection_name: str) -> None:
    """Review progress on the latest run and agreement between reviewers."""
    setup_django()
    from qantar.lists import queries

    gate = gate_for(username)
    collection = collection_named(gate, collection_name)
    stats = queries.review_stats(gate, collection, queries.latest_run(gate, collection))
    agreement = "—" if stats.agreement is None else f"{stats.agreement:.0%}"
    click.echo(f"uncertain pairs: {stats.queue_total}\nreviewed: {stats.reviewed}\n"
               f"decisions: {stats.decisions}\nreviewers: {stats.reviewers}\n"
               f"pairs with two or more reviewers: {stats.pairs_with_two_reviewers}\n"
               f"agreement: {agreement}")


@command.command("capture-histories")
@as_option
@collection_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output.")
@reports_errors
def capture_histories_command(username: str | None, collection_name: str,
                              out: Path | None) -> None:
    """The overlap of the lists: one 0/1 column per list, then count (for estimation)."""
    setup_django()
    from qantar.lists import queries

    gate = gate_for(username)
    text = queries.capture_history_csv(gate, collection_named(gate, collection_name))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
