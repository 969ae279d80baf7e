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
    "reference",
    "link",
    "estimate",
    "lists",
    "evidence",
]


class ModuleGroup(click.Group):
    """Loads each command's module when it is used, so one slow or broken module cannot stop
    the others (tests/cli check that every module loads)."""

    def _modules(self) -> dict[str, click.Command]:
        found: dict[str, click.Command] = {}
        for module_name in COMMAND_MODULES:
            module = importlib.import_module(f"qantar.cli.{module_name}")
            for command in getattr(module, "commands", None) or [module.command]:
                found[str(command.name)] = command
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._modules())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module_name in COMMAND_MODULES:
            try:
                module = importlib.import_module(f"qantar.cli.{module_name}")
            except ModuleNotFoundError as error:
                if error.name != f"qantar.cli.{module_name}":
                    raise
                continue
            for command in getattr(module, "commands", None) or [module.command]:
                if command.name == cmd_name:
                    return command
        return None


@click.group(cls=ModuleGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qantar")
def main() -> None:
    """Qantar: record, follow, link, count, publish and share evidence of violations."""
