"""Shared plumbing for CLI commands: Django set-up and error mapping."""

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
