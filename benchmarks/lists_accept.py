"""Benchmark: accepting a linkage run's clusters as people, one by one and in batches.

Run: ``.venv/bin/python benchmarks/lists_accept.py [--records 4100,41000] [--seed 2022]
[--previous 41ef358] [--postgres postgres://postgres@127.0.0.1:5432/postgres]``

For each size the four generated lists (``benchmarks/linkage/generator.py``, fixed seed) are
imported into a fresh SQLite database and linked once (``run_linkage``, not timed); with
``--postgres`` (a URL whose user may create databases) the same is done again in a PostgreSQL
database ``qantar_bench_accept_prepared``. Each mode then runs in a process of its own on a copy
of that database (a file copy, or a PostgreSQL database made from it as a template) and of the
key store, so all accept exactly the same clusters:

* ``previous``: ``accept_clusters`` of the source tree at git revision ``--previous`` (by
  default the last one before the bulk path; ``--previous ''`` skips it), extracted with
  ``git archive`` and put first on the child's ``PYTHONPATH``;
* ``one_by_one``: the loop ``accept_clusters`` ran before the bulk path, on today's services —
  per cluster ``record_person`` (now the one-item case of ``record_people``), the entries'
  assignment with its audit entry, and ``flag_disagreements`` — in one transaction;
* ``bulk``: ``accept_clusters`` as it is now.

Afterwards each mode's database is checked: people and names counted, every person found by
a search on their first name, and the audit log verified. ``--profile MODE`` writes a cProfile
of that mode's accept to ``lists_accept-MODE-RECORDS.prof``. Writes the ``### Lists: accepting
people`` subsection of the ``## Linkage`` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
HEADING = "### Lists: accepting people"
MODES = ("previous", "one_by_one", "bulk")


def _django() -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "qantar.settings"
    django.setup()


def prepare(folder: Path, records: int, seed: int) -> dict[str, int]:
    """Import the generated lists into a fresh database and link them (called in a child)."""
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sys.path.insert(0, str(ROOT / "benchmarks" / "linkage"))
    import generator

    from qantar.accounts.models import User
    from qantar.accounts.services import create_collection
    from qantar.common.access import Gate
    from qantar.common.instance import ensure_demo_key
    from qantar.lists.services import import_file, run_linkage
    from qantar.vocab.services import sync_terms

    ensure_demo_key()
    sync_terms()
    user = User.objects.create_superuser("bench", "", "bench password 12345")
    collection = create_collection(user, "Benchmark")
    gate = Gate.for_user(user)
    for path in generator.write_lists(folder / "lists", records, seed):
        import_file(gate, collection, path, details={
            "name": path.stem, "compiled_by": "Generator", "compiled_on": "2022-02",
            "method": "open_sources", "person_status": "dead"})
    run = run_linkage(gate, collection)
    return {"entries": run.record_count, "clusters": run.cluster_count}


def one_by_one(gate, run) -> None:  # noqa: ANN001
    """The baseline: each cluster recorded, assigned and flagged on its own (the old loop)."""
    from collections import defaultdict

    from django.db import transaction

    from qantar.audit.choices import AuditAction
    from qantar.lists.models import RunAssignment
    from qantar.lists.services.people import _assign, _person_input, flag_disagreements
    from qantar.records import services as records

    groups = defaultdict(list)
    for item in RunAssignment.objects.filter(run=run).select_related(
            "entry", "entry__job", "entry__imported_list").order_by("cluster", "entry__line"):
        groups[item.cluster].append(item.entry)
    with transaction.atomic():
        for _, entries in sorted(groups.items()):
            person = records.record_person(gate, run.collection_id, _person_input(entries))
            _assign(gate, person, entries, AuditAction.UPDATE)
            flag_disagreements(person)


def accept(mode: str, profile: Path | None) -> dict[str, Any]:
    """Accept the latest run's clusters in ``mode`` and check the result (called in a child)."""
    _django()
    from qantar.accounts.models import User
    from qantar.audit.queries import verify
    from qantar.common.access import Gate
    from qantar.lists.models import LinkageRun
    from qantar.lists.services import accept_clusters
    from qantar.records import queries
    from qantar.records.models import Person, PersonName, SearchToken

    gate = Gate.for_user(User.objects.get(username="bench"))
    run = LinkageRun.objects.latest("created_at")
    work = (lambda: one_by_one(gate, run)) if mode == "one_by_one" else (
        lambda: accept_clusters(gate, run))
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, started_cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    people = list(Person.objects.filter(collection_id=run.collection_id))
    sample = people[:: max(1, len(people) // 200)]
    found = sum(person in queries.people(gate, {"q": person.names.all()[0].value.split()[0]})
                for person in sample)
    report = verify()
    return {"wall_s": wall, "cpu_s": cpu, "people": len(people),
            "names": PersonName.objects.count(), "tokens": SearchToken.objects.count(),
            "searched": len(sample), "found": found, "audit_intact": report.is_intact,
            "audit_size": report.size}


def _child(folder: Path, *args: str, source: Path = ROOT / "src", database: str = ""
           ) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"QANTAR_DATA_DIR": str(folder), "PYTHONPATH": str(source)}
    if database:
        env["DATABASE_URL"] = database
    result = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def previous_source(revision: str, folder: Path) -> Path:
    """The ``src`` tree of a git revision, extracted under ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


class Databases:
    """Where each mode's copy of the prepared data lives: SQLite files, or PostgreSQL
    databases made from the prepared one as a template (``--postgres ADMIN_URL``)."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    def url(self, name: str) -> str:
        """The URL of one benchmark database ("" for SQLite, which lives in the data folder)."""
        if not self.admin_url:
            return ""
        return urlunsplit(urlsplit(self.admin_url)._replace(path=f"/qantar_bench_accept_{name}"))

    def create(self, name: str, template: str = "") -> None:
        """A fresh database (PostgreSQL only), empty or copied from ``template``."""
        if not self.admin_url:
            return
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS qantar_bench_accept_{name}")
            connection.execute(f"CREATE DATABASE qantar_bench_accept_{name}"
                               + (f" TEMPLATE qantar_bench_accept_{template}" if template
                                  else ""))

    def drop(self, name: str) -> None:
        """Drop a benchmark database (PostgreSQL only)."""
        if self.admin_url:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS qantar_bench_accept_{name}")


def measure(records: int, args: argparse.Namespace, previous: Path | None,
            databases: Databases) -> dict[str, Any]:
    """Prepare one size, then run every mode on its own copy of the prepared data."""
    with tempfile.TemporaryDirectory(prefix="qantar-bench-accept-") as temporary:
        base = Path(temporary) / "prepared"
        started = time.perf_counter()
        databases.create("prepared")
        row: dict[str, Any] = {"records": records, "database": (
            "PostgreSQL" if databases.admin_url else "SQLite"), **_child(
            base, "--prepare", str(records), "--seed", str(args.seed),
            database=databases.url("prepared"))}
        row["prepare_s"] = time.perf_counter() - started
        for mode in MODES:
            if mode == "previous" and previous is None:
                continue
            copy = Path(temporary) / mode
            shutil.copytree(base, copy, ignore=shutil.ignore_patterns("lists"))
            databases.create(mode, template="prepared")
            profile = ROOT / f"lists_accept-{mode}-{records}.prof" if mode == args.profile else ""
            row[mode] = _child(copy, "--accept", mode, "--profile-to", str(profile),
                               source=previous if mode == "previous" and previous else
                               ROOT / "src", database=databases.url(mode))
            databases.drop(mode)
            shutil.rmtree(copy)
        databases.drop("prepared")
        print(json.dumps(row), flush=True)
        return row


def write_section(text: str) -> None:
    """Replace this subsection of RESULTS.md where it is (or add it at the end of
    ``## Linkage``), keeping everything else."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    current = path.read_text(encoding="utf-8")
    start = current.find(HEADING + "\n")
    if start < 0:
        start = end = current.find("\n## ", current.find("## Linkage\n") + 1) + 1
    else:
        ends = [i + 1 for i in (current.find("\n### ", start), current.find("\n## ", start))
                if i >= 0]
        end = min(ends) if ends else len(current)
    path.write_text(current[:start].rstrip() + "\n\n" + text.rstrip() + "\n\n"
                    + current[end:].lstrip("\n"), encoding="utf-8")


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def table(rows: list[dict[str, Any]], args: argparse.Namespace, started: str, load: str) -> str:
    """The subsection's text."""
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    sizes = args.records
    modes = [mode for mode in MODES if mode in rows[0]]
    label = {"previous": f"previous code ({args.previous})", "one_by_one": "one by one",
             "bulk": "bulk"}
    previous = args.previous or "''"
    databases = " and ".join(dict.fromkeys(row["database"] for row in rows))
    command = (f".venv/bin/python benchmarks/lists_accept.py --records {sizes} --seed "
               f"{args.seed} --previous {previous}" + (" --postgres URL" if args.postgres else ""))
    lines = [
        HEADING, "",
        f"`{command}` — {started}, {machine}, {databases}"
        + (" (on the same machine)" if args.postgres else "")
        + f"; load average before {load}, after {_load()}. Generated lists imported and linked "
        "once per size (not timed); each mode then accepts every cluster of that run in its own "
        "process on a copy of the database: the code before the bulk path, the same "
        "one-cluster-at-a-time loop on today's services, and `accept_clusters` now. Wall "
        "seconds (CPU seconds of the Python process), milliseconds of wall time per cluster, "
        "and how many times longer the others took than bulk.", "",
        "| database | entries | clusters | " + " | ".join(label[mode] for mode in modes)
        + " | ms per cluster | bulk faster than | people found by name | audit log |",
        "|---|---:|---:|" + "---:|" * len(modes) + "---:|---|---|---|",
    ]
    for row in rows:
        clusters, runs = row["clusters"], {mode: row[mode] for mode in modes}
        bulk = runs["bulk"]["wall_s"]
        cells = [row["database"], f"{row['entries']:,}", f"{clusters:,}"]
        cells += [f"{run['wall_s']:.1f} s ({run['cpu_s']:.1f})" for run in runs.values()]
        cells.append(" / ".join(f"{run['wall_s'] / clusters * 1000:.2f}"
                                for run in runs.values()))
        cells.append(", ".join(f"{label[mode].split(' (')[0]} {run['wall_s'] / bulk:.1f}×"
                               for mode, run in runs.items() if mode != "bulk"))
        cells.append(", ".join(f"{run['found']}/{run['searched']}" for run in runs.values()))
        intact = all(run["audit_intact"] for run in runs.values())
        cells.append(("verified" if intact else "BROKEN") + " ("
                     + " / ".join(f"{run['audit_size']:,}" for run in runs.values())
                     + " entries)")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Measure every size and record the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", default="4100,41000")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--previous", default="41ef358",
                        help="git revision measured as the previous code ('' to skip)")
    parser.add_argument("--postgres", default="", metavar="ADMIN_URL",
                        help="also measure on PostgreSQL (a URL that may create databases)")
    parser.add_argument("--profile", choices=MODES, help="write a cProfile of this mode")
    parser.add_argument("--no-write", action="store_true", help="only print the table")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--accept", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(Path(os.environ["QANTAR_DATA_DIR"]), args.prepare, args.seed)))
        return
    if args.accept:
        print(json.dumps(accept(args.accept, Path(args.profile_to) if args.profile_to else None)))
        return
    started, load = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", _load()
    with tempfile.TemporaryDirectory(prefix="qantar-bench-previous-") as folder:
        previous = previous_source(args.previous, Path(folder)) if args.previous else None
        rows = [measure(int(size), args, previous, Databases(url))
                for url in ["", *([args.postgres] if args.postgres else [])]
                for size in args.records.split(",")]
    text = table(rows, args, started, load)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
