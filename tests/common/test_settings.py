"""Settings: production refuses to start without a secret key; SQLite is hardened."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QANTAR_")}
    return subprocess.run(
        [sys.executable, "-c", "import qantar.settings"],
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = _import_settings({"QANTAR_PRODUCTION": "1"})
    assert result.returncode != 0
    assert "QANTAR_SECRET_KEY must be set in production mode" in result.stderr


def test_production_mode_starts_with_a_secret_key():
    result = _import_settings({"QANTAR_PRODUCTION": "1", "QANTAR_SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_sqlite_connections_have_secure_delete_and_foreign_keys():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only PRAGMAs; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_sqlite_file_database_uses_wal_and_immediate_transactions(tmp_path):
    code = (
        "import django, os; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode');"
        "print(c.fetchone()[0], connection.transaction_mode)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean | {"QANTAR_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "qantar.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]
