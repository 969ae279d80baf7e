"""``qantar load-demo``: load the demo data set from the five seed reports, and demo lists."""

from __future__ import annotations

import click

from qantar.cli.context import acting_user, as_option, reports_errors, setup_django


@click.command("load-demo")
@as_option
@reports_errors
def command(username: str | None) -> None:
    """Load the demo collections (idempotent), administered by the acting user.

    The seed reports' records, then illustrative person lists of the people they name,
    imported and linked so that the review queue has pairs to decide.
    """
    setup_django()
    from qantar.records.demo.loader import load_demo

    click.echo(load_demo(acting_user(username)))
