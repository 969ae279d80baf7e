"""Benchmark: verify a 1,000,000-entry audit log with the pure-Python core.

Run with ``.venv/bin/python benchmarks/audit_verify.py`` (``--size`` for another size,
``--no-write`` to leave RESULTS.md alone). Entries are synthetic dicts held in memory, shaped
like what the Django layer will pass; the lead's end-to-end benchmark adds the database reads.

Two baselines are timed in the same run, so the figures can be compared across machines:
SHA-256 alone over the same canonical bytes (the floor for any verifier that re-hashes every
entry), and canonical JSON + SHA-256 (the floor for one that must also re-serialise them).
The result replaces the ``## Audit log verification (core)`` section of RESULTS.md and leaves
every other section as it was.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple, TypeVar

from qantar.core import merkle
from qantar.core.auditlog import ENTRY_FIELDS, GENESIS_CHAIN_HEX, sealed_entry, verify_log
from qantar.core.checkpoint import Checkpoint
from qantar.core.hashing import canonical_json

SECTION = "## Audit log verification (core)"
RESULTS = Path(__file__).with_name("RESULTS.md")
BUDGET_SECONDS = 60.0
ACTIONS = ("record.create", "record.update", "evidence.add", "person.link", "export.create")
T = TypeVar("T")


class Timing(NamedTuple):
    """Wall-clock seconds (what a user waits) and CPU seconds (robust on a busy machine)."""

    wall: float
    cpu: float


def synthetic_fields(seq: int) -> dict[str, object]:
    """One plausible audit entry: ids, an action, field names and a content hash."""
    return {
        "seq": seq,
        "at": f"2022-{1 + seq % 12:02d}-{1 + seq % 28:02d}T{seq % 24:02d}:{seq % 60:02d}:00Z",
        "actor": f"3f2a6c1e-0000-4000-8000-{seq % 40:012d}",
        "action": ACTIONS[seq % len(ACTIONS)],
        "object_type": "person",
        "object_id": f"9b1d4e2a-0000-4000-8000-{seq:012d}",
        "ip": f"10.{seq % 256}.{seq // 256 % 256}.7",
        "details": {
            "fields": ["full_name", "birth_date"],
            "sha256": hashlib.sha256(seq.to_bytes(8, "big")).hexdigest(),
            "collection": "Алматы-2022",
        },
    }


def build_log(size: int) -> list[dict[str, object]]:
    """A correctly sealed log of ``size`` entries."""
    entries: list[dict[str, object]] = []
    previous = GENESIS_CHAIN_HEX
    for seq in range(1, size + 1):
        entry = sealed_entry(synthetic_fields(seq), previous)
        previous = str(entry["chain_hash"])
        entries.append(entry)
    return entries


def timed(function: Callable[[], T]) -> tuple[Timing, T]:
    """Wall-clock and CPU seconds of one call, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu), result


def time_sha256_only(entries: list[dict[str, object]]) -> Timing:
    """Seconds for baseline 1, serialising first (untimed) so only hashing is measured."""
    blobs = [canonical_json({name: entry[name] for name in ENTRY_FIELDS}) for entry in entries]
    seconds, _ = timed(lambda: sha256_only(blobs))
    return seconds


def sha256_only(blobs: list[bytes]) -> None:
    """Baseline 1: hash pre-serialised canonical bytes, nothing else."""
    sha256 = hashlib.sha256
    for blob in blobs:
        sha256(b"\x00" + blob).digest()


def serialise_and_hash(entries: list[dict[str, object]]) -> None:
    """Baseline 2: canonical JSON of each entry's fields, then SHA-256."""
    sha256 = hashlib.sha256
    for entry in entries:
        sha256(b"\x00" + canonical_json({name: entry[name] for name in ENTRY_FIELDS})).digest()


def half_checkpoint(entries: list[dict[str, object]]) -> Checkpoint:
    """A checkpoint over the first half of the log, as an older signed tree head."""
    size = len(entries) // 2
    root = merkle.root(bytes.fromhex(str(entry["leaf_hash"])) for entry in entries[:size])
    return Checkpoint("benchmark", size, root.hex(), "2022-01-07T00:00:00Z", "benchmark")


def machine() -> str:
    """Platform, Python, CPU count and load, for the record."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{platform.platform()}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs ({cpu_model()}); load average {load}"
    )


def cpu_model() -> str:
    """The CPU model name where Linux reports it."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "unknown CPU"


def run(size: int) -> tuple[list[tuple[str, Timing]], str]:
    """Time every step; return (label, timing) rows and a one-line verdict."""
    build_seconds, entries = timed(lambda: build_log(size))
    sha_seconds = time_sha256_only(entries)
    json_seconds, _ = timed(lambda: serialise_and_hash(entries))
    verify_seconds, report = timed(lambda: verify_log(entries))
    checkpoint = half_checkpoint(entries)
    anchored_seconds, anchored = timed(lambda: verify_log(entries, checkpoint))
    if not (report.is_intact and anchored.is_intact and report.size == size):
        raise SystemExit(f"verification failed on a sound log: {report.message}")
    rows = [
        ("build and seal the synthetic log (not part of verification)", build_seconds),
        ("baseline: SHA-256 of the pre-serialised canonical bytes", sha_seconds),
        ("baseline: canonical JSON + SHA-256 per entry", json_seconds),
        ("`verify_log`, no checkpoint", verify_seconds),
        (f"`verify_log` against a checkpoint of {checkpoint.size:,} entries", anchored_seconds),
    ]
    slowest = max(verify_seconds.wall, anchored_seconds.wall)
    verdict = (
        f"{'within' if slowest < BUDGET_SECONDS else 'OVER'} the {BUDGET_SECONDS:.0f} s budget "
        f"(core only, slowest verify {slowest:.1f} s); root {report.root_hex}"
    )
    return rows, verdict


def section(size: int, rows: list[tuple[str, Timing]], verdict: str) -> str:
    """The Markdown section recording this run."""
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        SECTION,
        "",
        f"`.venv/bin/python benchmarks/audit_verify.py --size {size}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {machine()}. Peak memory {peak_mib:,.0f} MiB (the log is held in memory).",
        "",
        "| step | wall s | CPU s | CPU µs per entry |",
        "|---|---:|---:|---:|",
        *(
            f"| {label} | {timing.wall:.2f} | {timing.cpu:.2f} | {timing.cpu / size * 1e6:.2f} |"
            for label, timing in rows
        ),
        "",
        f"Result: {verdict}.",
        "",
    ]
    return "\n".join(lines)


def replace_section(document: str, new_section: str) -> str:
    """``document`` with our section replaced (or appended), other sections untouched."""
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(document):
        return pattern.sub(lambda _: new_section + "\n", document, count=1).rstrip("\n") + "\n"
    if not document.strip():
        document = "# Benchmark results\n"
    return document.rstrip("\n") + "\n\n" + new_section


def write_results(new_section: str) -> None:
    """Update RESULTS.md in one atomic replace, so a concurrent reader never sees half a file."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    descriptor, temporary = tempfile.mkstemp(dir=RESULTS.parent, suffix=".tmp")
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(replace_section(current, new_section))
    os.replace(temporary, RESULTS)


def main(argv: list[str]) -> int:
    """Run the benchmark, print it, and record it in RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    options = parser.parse_args(argv)
    rows, verdict = run(options.size)
    text = section(options.size, rows, verdict)
    print(text)
    if not options.no_write:
        write_results(text)
        print(f"Recorded in {RESULTS}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
