"""``qantar cli-reference``: the command-line reference (docs/cli.md) from the commands' help."""

from __future__ import annotations

import click


def _section(command: click.Command, path: list[str]) -> list[str]:
    context = click.Context(
        command,
        info_name=" ".join(path),
        terminal_width=100,
        max_content_width=100,
        help_option_names=["-h", "--help"],
    )
    lines = [
        f"{'#' * min(len(path) + 1, 4)} `{' '.join(path)}`",
        "",
        "```text",
        command.get_help(context).replace("Usage: main", "Usage: qantar"),
        "```",
        "",
    ]
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None:
                lines += _section(sub, [*path, name])
    return lines


def render() -> str:
    """The whole reference as Markdown."""
    from qantar.cli import main

    header = [
        "# Command-line reference",
        "",
        "Generated from the commands' own help by `qantar cli-reference`; "
        "a test keeps it up to date.",
        "",
    ]
    return "\n".join(header + _section(main, ["qantar"])).rstrip() + "\n"


@click.command("cli-reference")
def command() -> None:
    """Print the command-line reference in Markdown (the source of docs/cli.md)."""
    click.echo(render(), nl=False)
