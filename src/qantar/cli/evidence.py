"""``qantar evidence``: add evidence files, list them, verify their hashes, export one."""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import click

from qantar.cli.context import (
    as_option,
    collection_named,
    export_passphrase,
    gate_for,
    reports_errors,
    setup_django,
)
from qantar.evidence.choices import EvidenceKind

EXPORT_HELP = (
    "The file is written sealed with a passphrase ($QANTAR_EXPORT_PASSPHRASE, or asked for); "
    "open it with `qantar open-sealed`. Its SHA-256 is printed, to check the opened copy."
)


@click.group("evidence")
def command() -> None:
    """Evidence files: encrypted, fingerprinted, with a chain of custody."""


def _person_id(gate: Any, value: str) -> str:
    """A person given by id or by pseudonym, as an id."""
    if not value:
        return ""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        from qantar.records import queries

        found = queries.people(gate).filter(pseudonym=value.strip().upper()).first()
        return str(found.pk) if found else value


@command.command("add")
@as_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--collection", "collection_name", required=True, help="The collection (its name).")
@click.option("--kind", required=True, type=click.Choice(EvidenceKind.values))
@click.option("--person", default="", help="The person it is about: id or pseudonym.")
@click.option("--violation", default="", help="The violation it documents (id).")
@click.option("--event", default="", help="The event it documents (id).")
@click.option("--testimony", default="", help="The testimony it goes with (id).")
@click.option("--description", default="", help="What the file shows (encrypted).")
@click.option("--captured", default="", help="When it was taken or written (YYYY[-MM[-DD]]).")
@click.option("--received-from", default="", help="How and from whom it was received.")
@reports_errors
def add_command(username: str | None, path: Path, collection_name: str, **values: Any) -> None:
    """Encrypt a file into the evidence store as evidence of a record (any size up to the
    limit, read in chunks). Adding the same file again changes nothing."""
    setup_django()
    from qantar.evidence import services
    from qantar.evidence.store import receive_path

    gate = gate_for(username)
    collection = collection_named(gate, collection_name)
    values["person"] = _person_id(gate, values["person"])
    received = receive_path(path, services.max_upload_bytes())
    try:
        added = services.add_evidence(gate, collection, received, values)
    finally:
        received.discard()
    state = "stored" if added.is_new else "already stored: nothing changed"
    click.echo(f"{added.item.pk}  sha256 {added.item.sha256}  {state}")


@command.command("list")
@as_option
@click.option("--collection", "collection_name", default="", help="Only this collection.")
@click.option("--person", default="", help="Only files about this person (id or pseudonym).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@reports_errors
def list_command(username: str | None, collection_name: str, person: str, as_json: bool) -> None:
    """The evidence files you may open: id, date received, kind, type, size, SHA-256, name."""
    setup_django()
    from qantar.evidence import io, queries

    gate = gate_for(username)
    filters = {"person": _person_id(gate, person)}
    if collection_name:
        filters["collection"] = str(collection_named(gate, collection_name).pk)
    for item in queries.items(gate, filters):
        if as_json:
            click.echo(json.dumps(io.item_to_dict(item), ensure_ascii=False))
        else:
            click.echo(
                "\t".join(
                    [
                        str(item.pk),
                        item.received_at.date().isoformat(),
                        item.kind,
                        item.media_type,
                        str(item.size_bytes),
                        item.sha256,
                        item.original_name or "(erased)",
                    ]
                )
            )


@command.command("verify")
@as_option
@click.argument("item_ids", nargs=-1)
@click.option("--all", "verify_all", is_flag=True, help="Every file you may open.")
@reports_errors
def verify_command(username: str | None, item_ids: tuple[str, ...], verify_all: bool) -> None:
    """Decrypt and hash files again and compare with their recorded SHA-256.

    Exits with status 6 if any file is altered or missing. Each check joins the file's chain
    of custody.
    """
    setup_django()
    from qantar.core.errors import IntegrityFailure, ValidationFailed
    from qantar.evidence import queries, services
    from qantar.evidence.choices import VerificationStatus

    if not item_ids and not verify_all:
        raise ValidationFailed("nothing_to_verify", "Name the files (their ids), or --all.")
    gate = gate_for(username)
    items = list(queries.items(gate)) if verify_all else [queries.item(gate, i) for i in item_ids]
    failed = 0
    for item in items:
        status = services.verify_evidence(gate, item)
        failed += status in {VerificationStatus.ALTERED, VerificationStatus.MISSING}
        click.echo(f"{item.pk}  {status}")
    click.echo(f"{len(items)} checked, {failed} altered or missing.", err=True)
    stray = queries.stray_blob_count() if verify_all else 0
    if stray:
        click.echo(
            f"{stray} stored files belong to no item (left by interrupted saves; they "
            "cannot be opened).",
            err=True,
        )
    if failed:
        sys.exit(IntegrityFailure.exit_code)


@command.command("export", epilog=EXPORT_HELP)
@as_option
@click.argument("item_id")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The sealed file to write.",
)
@click.option(
    "--purpose",
    default="documentation",
    show_default=True,
    type=click.Choice(["documentation", "share_partners", "submit_un_courts"]),
    help="What it is for: the person's consent must allow it.",
)
@click.option("--to", "party", default="", help="Who receives it (recorded as a transfer).")
@reports_errors
def export_command(username: str | None, item_id: str, out: Path, purpose: str, party: str) -> None:
    """Export one evidence file, sealed, for a purpose the person consented to (a custody
    event). Photos and videos of a person also need their consent to the use of photographs."""
    setup_django()
    from qantar.core.container import MIN_PASSPHRASE, seal_container
    from qantar.core.errors import ValidationFailed
    from qantar.core.media import extension_for
    from qantar.evidence import queries, services

    gate = gate_for(username)
    item = queries.item(gate, item_id)
    passphrase = export_passphrase(confirm=True)
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationFailed(
            "weak_passphrase",
            f"Use a passphrase of at least {MIN_PASSPHRASE} characters for exported data.",
            "passphrase",
        )
    data = b"".join(services.export_file(gate, item, purpose, party))
    # The name inside the sealed file's clear header is neutral: the real name is sealed data.
    name = f"evidence-{item.pk}{extension_for(item.media_type)}"
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(seal_container(data, passphrase, name))
    click.echo(f"Wrote {out} (sealed). SHA-256 of the file inside: {item.sha256}")


@command.command("custody")
@as_option
@click.argument("item_id")
@reports_errors
def custody_command(username: str | None, item_id: str) -> None:
    """The chain of custody of one evidence file: when (UTC), who, what, to whom, note."""
    setup_django()
    from qantar.evidence import queries

    item = queries.item(gate_for(username), item_id)
    for event in item.custody.all():
        click.echo(
            "\t".join(
                [
                    event.at.isoformat(timespec="seconds"),
                    event.actor_label or "—",
                    event.action,
                    event.party or "",
                    event.note or "",
                ]
            )
        )
