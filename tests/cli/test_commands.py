"""Every command module loads and every command has help."""

from __future__ import annotations

from click.testing import CliRunner

from qantar.cli import COMMAND_MODULES, main


def test_every_command_module_loads_and_lists_its_commands():
    commands = main.list_commands(None)  # imports every module; a missing one fails here
    assert len(commands) >= len(COMMAND_MODULES)
    for name in commands:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage: main" in result.output or "Usage:" in result.output
