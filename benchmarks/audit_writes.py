"""Benchmark: the cost of auditing writes, and verifying a million-entry audit log.

Run: ``.venv/bin/python benchmarks/audit_writes.py [--writes 100000] [--entries 1000000]``

1. The same service write (an event's title changed through ``update_event``, which keeps a
   sealed revision) is run ``--writes`` times with the audit log on and ``--writes`` times with
   ``record_event`` replaced by a no-op (the baseline), in alternating blocks in one process
   and database so that load from elsewhere on the machine falls on both alike.
2. ``--entries`` audit entries are written straight into a fresh SQLite database (hashes
   computed as the application does) and ``qantar.audit.queries.verify`` is timed over them.

Writes the ``## Audit log: writes and verification`` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Audit log: writes and verification"


def _django() -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "qantar.settings"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from qantar.common.instance import ensure_demo_key
    from qantar.vocab.services import sync_terms

    ensure_demo_key()
    sync_terms()


def run_writes(writes: int, block: int = 500) -> dict[str, float]:
    """Time ``writes`` audited and ``writes`` unaudited service writes, interleaved.

    Blocks of ``block`` writes alternate between the two modes in one process and one
    database, so a busy machine slows both alike; the unaudited mode swaps ``record_event``
    for a no-op (the sealed revision is still written in both).
    """
    _django()
    import qantar.audit.services as audit_services
    from qantar.accounts.models import User
    from qantar.accounts.services import create_collection
    from qantar.common.access import Gate
    from qantar.records import services

    audited_record_event = audit_services.record_event
    user = User.objects.create_superuser("bench", "", "bench password 12345")
    collection = create_collection(user, "Benchmark")
    gate = Gate.for_user(user)
    event = services.record_event_record(gate, collection, {"title": "Start", "date": "2022-01"})
    seconds = {"audited": 0.0, "unaudited": 0.0}
    cpu = {"audited": 0.0, "unaudited": 0.0}
    for number in range(0, writes * 2, block):
        mode = "audited" if (number // block) % 2 else "unaudited"
        audit_services.record_event = (  # type: ignore[assignment]
            audited_record_event if mode == "audited" else (lambda *args, **kwargs: None)
        )
        started, started_cpu = time.perf_counter(), time.process_time()
        for offset in range(block):
            services.update_event(
                gate, event, {"title": f"Title {number + offset}", "date": "2022-01"}
            )
        seconds[mode] += time.perf_counter() - started
        cpu[mode] += time.process_time() - started_cpu
    audit_services.record_event = audited_record_event
    return {
        "plain_seconds": seconds["unaudited"],
        "audited_seconds": seconds["audited"],
        "plain_cpu": cpu["unaudited"],
        "audited_cpu": cpu["audited"],
    }


def run_verify(entries: int) -> dict[str, float]:
    """Write ``entries`` chained audit entries in bulk, then time a full verification."""
    _django()
    from qantar.audit.models import AuditEntry
    from qantar.audit.queries import verify
    from qantar.core.auditlog import GENESIS_CHAIN_HEX, sealed_entry

    start = datetime(2022, 1, 5, tzinfo=UTC)
    previous, batch = GENESIS_CHAIN_HEX, []
    started = time.perf_counter()
    for seq in range(1, entries + 1):
        moment = start + timedelta(seconds=seq)
        fields = {
            "seq": seq,
            "at": moment.isoformat(),
            "actor": "bench",
            "action": "update",
            "object_type": "records.event",
            "object_id": f"{seq:032x}",
            "ip": "127.0.0.1",
            "details": {"fields": ["title"], "via": "cli"},
        }
        sealed = sealed_entry(fields, previous)
        previous = str(sealed["chain_hash"])
        batch.append(
            AuditEntry(
                seq=seq,
                at=moment,
                actor_id="bench",
                action="update",
                object_type="records.event",
                object_id=fields["object_id"],
                ip="127.0.0.1",
                details=fields["details"],
                leaf_hash=sealed["leaf_hash"],
                chain_hash=previous,
            )
        )
        if len(batch) == 20_000:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)
    written = time.perf_counter() - started
    started = time.perf_counter()
    report = verify()
    elapsed = time.perf_counter() - started
    assert report.is_intact and report.size == entries, report.message
    return {"write_seconds": written, "verify_seconds": elapsed}


def child(args: list[str]) -> dict[str, float]:
    """Run one measurement in a fresh process and database."""
    with tempfile.TemporaryDirectory(prefix="qantar-bench-audit-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env |= {"QANTAR_DATA_DIR": folder}
        result = subprocess.run(
            [sys.executable, __file__, "--child", *args], env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise SystemExit(f"{args} failed:\n{result.stderr[-3000:]}")
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def write_section(text: str) -> None:
    """Replace this benchmark's section of RESULTS.md, keeping the others."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    parts = current.split("\n## ")
    kept = [parts[0]] + [p for p in parts[1:] if not ("## " + p).startswith(HEADING)]
    path.write_text("\n## ".join(kept).rstrip() + "\n\n" + text + "\n", encoding="utf-8")


def main() -> None:
    """Run the measurements and record them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    if args.child:
        kind, count = args.child[0], int(args.child[1])
        result = run_verify(count) if kind == "verify" else run_writes(count)
        print(json.dumps(result))
        return
    writes = child(["writes", str(args.writes)])
    verified = child(["verify", str(args.entries)])
    overhead = writes["audited_seconds"] / writes["plain_seconds"] - 1
    cpu_overhead = writes["audited_cpu"] / writes["plain_cpu"] - 1
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    text = "\n".join(
        [
            HEADING,
            "",
            f"`benchmarks/audit_writes.py --writes {args.writes} --entries {args.entries}` — "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine}, SQLite, load average {load}.",
            "",
            "The same service write (`update_event`, which also keeps a sealed revision) in "
            "alternating blocks of 500, with the audit log on and with `record_event` a no-op, "
            "in one process and one database.",
            "",
            "| measurement | wall | CPU |",
            "|---|---:|---:|",
            f"| {args.writes:,} event updates without the audit log (baseline) | "
            f"{writes['plain_seconds']:.1f} s ({args.writes / writes['plain_seconds']:.0f}/s) | "
            f"{writes['plain_cpu']:.1f} s |",
            f"| the same number of writes, audited | {writes['audited_seconds']:.1f} s "
            f"({args.writes / writes['audited_seconds']:.0f}/s) | {writes['audited_cpu']:.1f} s |",
            f"| cost of auditing | {overhead:+.0%} | {cpu_overhead:+.0%} |",
            f"| `verify` over {args.entries:,} entries read from the database | "
            f"{verified['verify_seconds']:.1f} s | |",
            "",
            "Targets: auditing adds under 30% to write time; verifying a million entries "
            "takes under a minute.",
        ]
    )
    print(text)
    write_section(text)


if __name__ == "__main__":
    main()
