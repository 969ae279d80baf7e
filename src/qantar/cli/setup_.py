"""``qantar setup``: prepare a working instance (keys, database, vocabularies, demo, admin)."""

from __future__ import annotations

import click

from qantar.cli.context import reports_errors, setup_django


@click.command("setup")
@click.option("--demo/--no-demo", default=False, help="Load the demo data set on first run.")
@click.option(
    "--admin",
    "admin_username",
    default="admin",
    show_default=True,
    help="Username of the first administrator.",
)
@reports_errors
def command(demo: bool, admin_username: str) -> None:
    """Create keys, migrate, load vocabularies (and the demo) and the first administrator."""
    setup_django()
    from qantar.common import instance

    for line in instance.prepare(demo=demo, admin_username=admin_username):
        click.echo(line)
