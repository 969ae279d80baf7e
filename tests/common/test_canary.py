"""Canary sweep: a case with a unique canary in every sensitive field leaves no clear trace.

After pages (as administrator and analyst), evidence files uploaded and downloaded, an
administrator's edit, a deletion, a forced server error, exports and commands, the canary is
searched (`grep -a`-style, as bytes) in the SQLite database with its WAL and journal (or a
pg_dump), the key store, the evidence store, logs (the process's output), the temporary folder
and the exports. It may exist only inside encrypted values,
so it must not be found at all.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = Path(__file__).with_name("canary_scenario.py")


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def _postgres_database(name: str) -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def _drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_canary_is_found_nowhere_in_clear(tmp_path):
    canary = "zq" + secrets.token_hex(6)
    data_dir, temp_dir, export_dir = tmp_path / "var", tmp_path / "tmp", tmp_path / "exports"
    for folder in (temp_dir, export_dir):
        folder.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("QANTAR_") and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env |= {
        "QANTAR_DATA_DIR": str(data_dir),
        "TMPDIR": str(temp_dir),
        "PYTHONPATH": str(ROOT) + os.pathsep + str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "qantar.settings",
    }
    pg_name = f"qantar_canary_{uuid.uuid4().hex[:8]}"
    pg_url = _postgres_database(pg_name)
    if pg_url:
        env["DATABASE_URL"] = pg_url
    try:
        result = subprocess.run(
            [sys.executable, str(SCENARIO), canary, str(export_dir)],
            env=env,
            capture_output=True,
            timeout=600,
            cwd=ROOT,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output.decode(errors="replace")[-4000:]
        summary = json.loads(result.stdout.decode().strip().splitlines()[-1])
        assert set(summary["pages"].values()) == {200}
        assert summary["error_status"] == 500
        assert summary["cli"] == {
            "export_json": 0,
            "export_csv": 0,
            "export_analyst": 0,
            "audit_verify": 0,
            "evidence_verify": 0,
            "evidence_export": 0,
            "keys_status": 0,
        }
        dumps = []
        if pg_url:
            dump = subprocess.run(["pg_dump", pg_url], capture_output=True, timeout=300)
            assert dump.returncode == 0, dump.stderr
            dumps.append(("pg_dump", dump.stdout))
            assert b"records_personname" in dump.stdout
        else:
            assert (data_dir / "qantar.sqlite3").exists()
    finally:
        if pg_url:
            _drop_postgres(pg_name)

    places = [
        (str(path), path.read_bytes())
        for folder in (data_dir, temp_dir, export_dir)
        for path in _files(folder)
    ]
    places += [("process output (logs)", output), *dumps]
    exports = sorted(path.name for path in _files(export_dir))
    assert exports == ["all.json.sealed", "evidence.sealed", "people.csv.sealed", "stats.csv"]
    stored = [path for path in _files(data_dir / "evidence") if "blobs" in path.parts]
    assert len(stored) == 2  # the letter and the photo, encrypted
    needles = [canary.encode(), canary.encode("utf-16-le"), canary.upper().encode()]
    found = [name for name, content in places if any(n in content for n in needles)]
    assert found == []
