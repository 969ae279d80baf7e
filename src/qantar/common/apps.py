"""App config for the shared building blocks."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Registers SQLite connection checks."""

    name = "qantar.common"
    label = "common"

    def ready(self) -> None:
        """Connect the per-connection SQLite hardening check."""
        from qantar.common import database

        database.install()
