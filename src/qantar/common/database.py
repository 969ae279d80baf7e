"""Per-connection database hardening.

Django applies the PRAGMAs in settings (``init_command``); this module asserts them on every
new SQLite connection, so a misconfigured deployment fails loudly instead of leaking freed
pages (``secure_delete``) or ignoring foreign keys.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created

from qantar.core.errors import IntegrityFailure


def assert_sqlite_hardening(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Refuse an SQLite connection without secure_delete and foreign keys."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete")
        secure_delete = cursor.fetchone()[0]
        cursor.execute("PRAGMA foreign_keys")
        foreign_keys = cursor.fetchone()[0]
    if secure_delete != 1 or foreign_keys != 1:
        raise IntegrityFailure(
            "sqlite_not_hardened", "SQLite connection without secure_delete or foreign keys."
        )


def install() -> None:
    """Connect the check to every new connection."""
    connection_created.connect(assert_sqlite_hardening, dispatch_uid="qantar-sqlite-hardening")


def refresh_statistics() -> None:
    """Update the query planner's statistics (after bulk imports and at set-up).

    Without them SQLite can choose a collection-wide index over a selective one and turn a
    10 ms name search into a scan.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
