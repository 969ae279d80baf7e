"""The ``qantar`` command line: one Click group, one module per noun.

Commands parse arguments, call a service or a query, and print. Domain errors
(:class:`qantar.core.errors.QantarError`) become a clear message and an exit code.
"""

from __future__ import annotations

import importlib

import click

# Each module defines ``command`` (a Click command or group) or a list ``commands``.
COMMAND_MODULES = [
    "setup_",
    "serve",
    "i18n",
    "demo",
    "users",
    "keys",
    "audit",
    "transfer",
    "link",
    "estimate",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qantar")
def main() -> None:
    """Qantar: record, follow, link, count, publish and share evidence of violations."""


for _module_name in COMMAND_MODULES:
    _module = importlib.import_module(f"qantar.cli.{_module_name}")
    for _command in getattr(_module, "commands", None) or [_module.command]:
        main.add_command(_command)
