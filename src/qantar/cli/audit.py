"""``qantar audit``: verify the tamper-evident log and sign checkpoints for witnesses."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import click

from qantar.cli.context import acting_user, as_option, reports_errors, setup_django


@click.group("audit")
def command() -> None:
    """The audit log: verify, checkpoint, public key."""


@command.command("verify")
@click.option(
    "--against",
    "checkpoint_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A signed checkpoint the log must extend.",
)
@click.option(
    "--public-key", default=None, help="The witness's copy of the signing public key (base64)."
)
@reports_errors
def verify(checkpoint_path: Path | None, public_key: str | None) -> None:
    """Recompute every hash; name the first entry modified, deleted, inserted or reordered."""
    setup_django()
    from qantar.audit.queries import verify as verify_log

    text = checkpoint_path.read_text(encoding="utf-8") if checkpoint_path else None
    key = base64.b64decode(public_key) if public_key else None
    report = verify_log(text, key)
    click.echo(report.message)
    click.echo(f"size: {report.size}  root: {report.root_hex}")
    if not report.is_intact:
        sys.exit(6)


@command.command("checkpoint")
@as_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the checkpoint to this file (default: standard output).",
)
@reports_errors
def checkpoint(username: str | None, out: Path | None) -> None:
    """Sign the current tree head; send the file to a witness outside the country."""
    setup_django()
    from qantar.audit.services import write_checkpoint

    text = write_checkpoint(acting_user(username))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Checkpoint written to {out}.")


@command.command("public-key")
@reports_errors
def public_key() -> None:
    """Print the checkpoint signing public key (base64) for witnesses."""
    setup_django()
    from qantar.audit.queries import signing_public_key

    click.echo(base64.b64encode(signing_public_key()).decode("ascii"))
