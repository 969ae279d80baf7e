"""``qantar export`` and ``qantar import``: the Qantar bundle (JSON) and CSV of people."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from qantar.cli.context import as_option, gate_for, reports_errors, setup_django

MAX_IMPORT_BYTES = 200 * 1024 * 1024


@click.command("export")
@as_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    help="File to write (default: standard output).",
)
@click.option(
    "--purpose",
    default="documentation",
    show_default=True,
    type=click.Choice(["documentation", "share_partners", "submit_un_courts", "statistics"]),
    help="What the export is for: people are included only if their consent allows.",
)
@reports_errors
def export_command(username: str | None, output_format: str, out: str, purpose: str) -> None:
    """Export what you may export: a JSON bundle, or CSV of people (standard list columns)."""
    setup_django()
    from qantar.records.io import export_bundle, people_rows

    gate = gate_for(username)
    handle = sys.stdout if out == "-" else open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        if output_format == "json":
            json.dump(export_bundle(gate, purpose), handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        else:
            rows = people_rows(gate)
            writer = csv.DictWriter(handle, fieldnames=list(rows.columns))
            writer.writeheader()
            writer.writerows(rows.rows)
    finally:
        if handle is not sys.stdout:
            handle.close()


@click.command("import")
@as_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--collection", "collection_name", required=True, help="Collection to import into.")
@reports_errors
def import_command(username: str | None, path: Path, collection_name: str) -> None:
    """Import a Qantar JSON bundle (idempotent: importing twice changes nothing)."""
    setup_django()
    from qantar.accounts.models import Collection
    from qantar.core.errors import NotFound, ValidationFailed
    from qantar.records.io import import_bundle

    gate = gate_for(username)
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise ValidationFailed("too_large", f"The file is larger than {MAX_IMPORT_BYTES:,} bytes.")
    try:
        bundle = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationFailed("bad_json", f"{path.name} is not UTF-8 JSON: {error}.") from None
    collection = Collection.objects.filter(name=collection_name, id__in=gate.collections()).first()
    if collection is None:
        raise NotFound(f"No collection “{collection_name[:60]}” that you can see.")
    click.echo(import_bundle(gate, collection, bundle).summary())


commands = [export_command, import_command]
