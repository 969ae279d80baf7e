"""Shared plumbing for CLI commands: Django set-up, error mapping, the acting user, the
collection named, the passphrase of sealed files."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from qantar.core.errors import QantarError

F = TypeVar("F", bound=Callable[..., Any])


def setup_django() -> None:
    """Configure Django for commands that touch the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qantar.settings")
    import django

    django.setup()


def reports_errors(func: F) -> F:
    """Turn a QantarError into a one-line message on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QantarError as error:
            where = f" ({error.field})" if error.field else ""
            click.echo(f"Error [{error.code}]{where}: {error.message}", err=True)
            sys.exit(error.exit_code)

    return wrapper  # type: ignore[return-value]


def acting_user(username: str | None) -> Any:
    """The user a command acts as (``--as`` or QANTAR_USER), checked to exist and be active."""
    from django.contrib.auth import get_user_model

    from qantar.common.context import channel
    from qantar.core.errors import ValidationFailed

    name = username or os.environ.get("QANTAR_USER", "")
    if not name:
        raise ValidationFailed("no_user", "Say who you are: --as USERNAME or QANTAR_USER.", "as")
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise ValidationFailed("unknown_user", f"No active user “{name[:60]}”.", "as")
    channel.set("cli")
    return user


def gate_for(username: str | None) -> Any:
    """The access gate of the acting user."""
    from qantar.common.access import Gate

    return Gate.for_user(acting_user(username))


as_option = click.option(
    "--as",
    "username",
    metavar="USERNAME",
    default=None,
    help="Act as this user (default: $QANTAR_USER).",
)


def collection_named(gate: Any, name: str) -> Any:
    """The collection with this name among those the user can see, or NotFound."""
    from qantar.accounts.models import Collection
    from qantar.core.errors import NotFound

    found = Collection.objects.filter(name=name, id__in=gate.collections()).first()
    if found is None:
        raise NotFound(f"No collection “{name[:60]}” that you can see.")
    return found


def export_passphrase(confirm: bool) -> str:
    """The passphrase of a sealed file: $QANTAR_EXPORT_PASSPHRASE, or asked for."""
    value = os.environ.get("QANTAR_EXPORT_PASSPHRASE")
    if value:
        return value
    return str(
        click.prompt("Passphrase for the sealed file", hide_input=True, confirmation_prompt=confirm)
    )
