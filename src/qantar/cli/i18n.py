"""``qantar i18n``: compile the translation catalogues."""

from __future__ import annotations

import click

from qantar.cli.context import reports_errors, setup_django


@click.group("i18n")
def command() -> None:
    """Translation catalogues (locale/ru, locale/kk)."""


@command.command("compile")
@reports_errors
def compile_messages() -> None:
    """Compile .po catalogues to .mo."""
    setup_django()
    from django.core.management import call_command

    call_command("compilemessages", verbosity=0, ignore_patterns=[".venv", "node_modules"])
    click.echo("Translations compiled.")
