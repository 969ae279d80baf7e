"""Benchmark: importing, listing and searching people, with and without encryption.

Run: ``.venv/bin/python benchmarks/records.py [--people 100000]``

Each mode runs in its own process and its own temporary SQLite database. The baseline
("plain") goes through exactly the same services with the cipher replaced by the identity
function and no key-store writes, so the difference is the cost of encryption.
Writes the ``## Records: encryption`` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYLLABLES = ["ka", "sy", "mur", "at", "bek", "nur", "dau", "ren", "ai", "gul", "zhan", "bol",
             "er", "mek", "sul", "tan", "ar", "man", "as", "kar", "ly", "dos", "tay", "sa"]


def fake_name(rng: random.Random) -> tuple[str, str]:
    """A Kazakh-looking given name and surname, in Latin letters."""
    given = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return given, stem + rng.choice(["ov", "ev", "uly", "bayev", "ova", "kyzy"])


def run_mode(mode: str, people: int) -> dict[str, float]:
    """Run one mode in this process (called in a child process)."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "qantar.settings"
    django.setup()
    from django.core.management import call_command

    from qantar.common import keyring
    from qantar.common.instance import ensure_demo_key
    from qantar.core import crypto

    if mode == "plain":
        crypto.seal = lambda key, plaintext, context, key_version=1: b"Q1\x00\x01" + plaintext
        crypto.open_sealed = lambda key, blob, context: blob[4:]
        keyring.Keyring.new_data_keys = lambda self, c, owners: [uuid.uuid4() for _ in owners]
        keyring.Keyring.key = lambda self, key_id: b"\x00" * 32
    call_command("migrate", verbosity=0)
    ensure_demo_key()
    from qantar.accounts.models import User
    from qantar.accounts.services import create_collection
    from qantar.common.access import Gate
    from qantar.records import queries
    from qantar.records.services.bulk import import_people
    from qantar.vocab.services import sync_terms

    sync_terms()
    user = User.objects.create_superuser("bench", "", "bench password 12345")
    collection = create_collection(user, "Benchmark")
    gate = Gate.for_user(user)
    rng = random.Random(2022)
    rows, names = [], []
    for _ in range(people):
        given, surname = fake_name(rng)
        names.append(surname)
        rows.append({"names": [{"value": f"{given} {surname}", "language": "en"},
                               {"value": f"{surname} {given}", "kind": "transliteration"}],
                     "sex": rng.choice(["male", "female"]), "age": rng.randint(14, 80),
                     "notes": f"Detained in {rng.choice(['Almaty', 'Taraz', 'Aktobe'])}."})
    started = time.perf_counter()
    import_people(gate, collection.pk, rows)
    imported = time.perf_counter() - started

    keyring.reset_keyring()
    started = time.perf_counter()
    listed = sum(1 for person in queries.people(gate).iterator(chunk_size=2000)
                 if person.notes)
    listing = time.perf_counter() - started
    assert listed == people

    timings = []
    for surname in rng.sample(names, 200):
        started = time.perf_counter()
        page = list(queries.people(gate, {"q": surname})[:50])
        timings.append(time.perf_counter() - started)
        assert page
    return {"import_s": imported, "list_s": listing,
            "search_median_ms": statistics.median(timings) * 1000,
            "search_p95_ms": sorted(timings)[int(len(timings) * 0.95)] * 1000}


def child(mode: str, people: int) -> dict[str, float]:
    """Run a mode in a fresh process with its own data folder."""
    with tempfile.TemporaryDirectory(prefix=f"qantar-bench-{mode}-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env |= {"QANTAR_DATA_DIR": folder, "PYTHONPATH": str(ROOT / "src")}
        result = subprocess.run([sys.executable, __file__, "--child", mode, "--people",
                                 str(people)], env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{mode} run failed:\n{result.stderr[-3000:]}")
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def write_section(text: str) -> None:
    """Replace this benchmark's section of RESULTS.md, keeping the others."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    heading = "## Records: encryption"
    parts = current.split("\n## ")
    kept = [parts[0]] + [p for p in parts[1:] if not ("## " + p).startswith(heading)]
    path.write_text("\n## ".join(kept).rstrip() + "\n\n" + text + "\n", encoding="utf-8")


def main() -> None:
    """Run both modes and record the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--child", choices=["plain", "encrypted"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_mode(args.child, args.people)))
        return
    plain = child("plain", args.people)
    sealed = child("encrypted", args.people)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    lines = [
        "## Records: encryption",
        "",
        f"`benchmarks/records.py --people {args.people}` — {datetime.now(UTC):%Y-%m-%d}, "
        f"{machine}, SQLite. Two names per person; listing opens every person's notes.",
        "",
        "| step | plain (baseline) | encrypted | ratio |",
        "|---|---:|---:|---:|",
        f"| import {args.people:,} people | {plain['import_s']:.1f} s | "
        f"{sealed['import_s']:.1f} s | {sealed['import_s'] / plain['import_s']:.2f}× |",
        f"| list all, reading a sealed field | {plain['list_s']:.1f} s | "
        f"{sealed['list_s']:.1f} s | {sealed['list_s'] / plain['list_s']:.2f}× |",
        f"| search by name, median (200 queries) | {plain['search_median_ms']:.1f} ms | "
        f"{sealed['search_median_ms']:.1f} ms | |",
        f"| search by name, 95th percentile | {plain['search_p95_ms']:.1f} ms | "
        f"{sealed['search_p95_ms']:.1f} ms | |",
        "",
        "Targets: encrypted within 2× of plain; search median under 50 ms.",
    ]
    text = "\n".join(lines)
    print(text)
    write_section(text)


if __name__ == "__main__":
    main()
