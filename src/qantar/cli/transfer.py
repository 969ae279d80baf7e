"""``qantar export`` and ``qantar import``: the Qantar bundle (JSON) and CSV of people."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from qantar.cli.context import (
    as_option,
    export_passphrase,
    gate_for,
    reports_errors,
    setup_django,
)

MAX_IMPORT_BYTES = 200 * 1024 * 1024
PASSPHRASE_HELP = (
    "Exports with names and identifying details are sealed with a passphrase: "
    "$QANTAR_EXPORT_PASSPHRASE, or asked for."
)


def _write(out: str, data: bytes) -> None:
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(out).write_bytes(data)


@click.command("export", epilog=PASSPHRASE_HELP)
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
    """Export what you may export: a JSON bundle, or CSV of people (standard list columns).

    Nothing identifying leaves in clear: if the export holds names or identifying details it is
    written as a sealed file (open it with `qantar open-sealed`).
    """
    setup_django()
    from qantar.accounts.choices import Capability
    from qantar.core.container import seal_container
    from qantar.records.io import export_bundle, people_rows

    gate = gate_for(username)
    if output_format == "json":
        text = json.dumps(export_bundle(gate, purpose), ensure_ascii=False, indent=1) + "\n"
    else:
        rows = people_rows(gate, purpose)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows.columns))
        writer.writeheader()
        writer.writerows(rows.rows)
        text = buffer.getvalue()
    identifying = any(gate.sees_identities(c) for c in gate.collections(Capability.EXPORT))
    data = text.encode("utf-8")
    if identifying:
        name = f"qantar-export.{output_format}"
        data = seal_container(data, export_passphrase(confirm=True), name)
    _write(out, data)


@click.command("open-sealed")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default="-")
@reports_errors
def open_sealed_command(path: Path, out: str) -> None:
    """Open a sealed export with its passphrase (write it only somewhere encrypted)."""
    from qantar.core.container import open_container

    _, data = open_container(path.read_bytes(), export_passphrase(confirm=False))
    _write(out, data)


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
    raw = path.read_bytes()
    if raw.startswith(b"QANTAR-SEALED/1"):
        from qantar.core.container import open_container

        raw = open_container(raw, export_passphrase(confirm=False))[1]
    try:
        bundle = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationFailed("bad_json", f"{path.name} is not UTF-8 JSON: {error}.") from None
    collection = Collection.objects.filter(name=collection_name, id__in=gate.collections()).first()
    if collection is None:
        raise NotFound(f"No collection “{collection_name[:60]}” that you can see.")
    click.echo(import_bundle(gate, collection, bundle).summary())


commands = [export_command, import_command, open_sealed_command]
