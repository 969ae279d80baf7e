"""``qantar serve``: run the web application (loopback only by default)."""

from __future__ import annotations

import sys

import click

from qantar.cli.context import reports_errors, setup_django


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; keep 127.0.0.1 unless behind a TLS proxy.",
)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@reports_errors
def command(host: str, port: int, workers: int) -> None:
    """Serve Qantar with gunicorn (static files through whitenoise)."""
    setup_django()
    from django.core.management import call_command

    from qantar.common.keyring import get_keyring

    get_keyring()  # fail now, clearly, if the key is missing or the passphrase wrong
    call_command("collectstatic", interactive=False, verbosity=0)
    click.echo(f"Qantar is running at http://{host}:{port}/ (Ctrl+C to stop)")

    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "qantar.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--access-logformat",
        '%(t)s "%(m)s %(U)s" %(s)s',
    ]
    run()
