"""Linkage benchmark: engines on generated Kazakh/Russian lists, with known truth.

Usage::

    .venv/bin/python benchmarks/linkage/run.py [--sizes 2500,10000,200000,1000000]
        [--seed 2022] [--names dense,wide] [--engines qantar] [--write-results]

For each size and each name pool (``generator.py``: ``dense``, a few surnames covering much
of the population, the stress test for namesakes; ``wide``, surnames from many forefathers'
names) the four lists are written by ``generator.py`` (fixed seed) as CSV files with
their ``truth.csv``; each engine then runs on those files in a process of its own, so that
its peak memory and CPU time are its own. Figures per row: records, candidate pairs, wall
and CPU seconds (user + system, from reading the CSV files to the clusters), peak resident
memory, pairwise precision/recall/F1 against the truth, and the exact-name baseline measured
on the same lists. The load average before and after each run is printed, since the machine
may be shared.

Adding an engine: write a function ``(csv_paths) -> EngineRun`` (see :func:`run_qantar`) and
register it in :data:`ENGINES`; it becomes one more row per size. ``--write-results``
replaces the table at the top of the ``## Linkage`` section of ``benchmarks/RESULTS.md``
(its ``###`` subsections and the other sections are kept); without it the table is only printed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "RESULTS.md"


@dataclass
class EngineRun:
    """What one engine produced on one set of lists, and what it cost."""

    engine: str
    records: int
    candidate_pairs: int
    clusters: dict[str, str]
    wall_seconds: float
    cpu_seconds: float
    peak_mb: float
    stages: dict[str, float] = field(default_factory=dict)


def cpu_seconds() -> float:
    """User and system CPU seconds of this process so far (all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_qantar(csv_paths: list[Path]) -> EngineRun:
    """``qantar.core.linkage.link`` with default settings, timed from reading the files."""
    from qantar.core.linkage import link, merge_results, read_records

    start, start_cpu = time.perf_counter(), cpu_seconds()
    records = merge_results([read_records(path) for path in csv_paths]).records
    result = link(records)
    clusters = {record_id: cluster for record_id, cluster, _ in result.assignments()}
    wall, cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
    return EngineRun("qantar", len(records), len(result.left), clusters, wall, cpu, peak_mb(),
                     result.stage_seconds)


ENGINES: dict[str, Callable[[list[Path]], EngineRun]] = {"qantar": run_qantar}


def read_truth(directory: Path) -> dict[str, str]:
    """record_id → person_id from the generator's ``truth.csv``."""
    with (directory / "truth.csv").open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row["person_id"] for row in csv.DictReader(handle)}


def list_paths(directory: Path) -> list[Path]:
    """The list files of a generated directory, in name order."""
    return sorted(path for path in directory.glob("*.csv") if path.name != "truth.csv")


def exact_name_baseline(csv_paths: list[Path], truth: dict[str, str]) -> tuple[float, ...]:
    """(P, R, F1) of the simplest linkage: one person per (fine-key given name, surname,
    birth year)."""
    from qantar.core.linkage import merge_results, pairwise_scores, read_records
    from qantar.core.linkage.prepare import name_parts

    clusters: dict[str, tuple[str, str, str]] = {}
    for record in merge_results([read_records(path) for path in csv_paths]).records:
        parts = name_parts(record, record.sex)
        year = record.birth_date.year if record.birth_date else record.birth_year
        clusters[record.record_id] = (parts.given_full, parts.surname, str(year or ""))
    scores = pairwise_scores(clusters, truth)
    return scores.precision, scores.recall, scores.f1


def measure(engine: str, directory: Path) -> dict[str, object]:
    """Run one engine on one generated directory in this process and score it."""
    from qantar.core.linkage import pairwise_scores

    run = ENGINES[engine](list_paths(directory))
    scores = pairwise_scores(run.clusters, read_truth(directory))
    figures = asdict(run)
    del figures["clusters"]
    return figures | {"precision": scores.precision, "recall": scores.recall, "f1": scores.f1}


def generate(directory: Path, size: int, seed: int, names: str = "dense") -> None:
    """The four lists of about ``size`` records and their truth, written to ``directory``."""
    sys.path.insert(0, str(HERE))
    import generator

    generator.write_lists(directory, size, seed, names)


def run_in_child(engine: str, directory: Path) -> dict[str, object]:
    """:func:`measure` in a fresh process (its own peak memory), with the load around it."""
    before = os.getloadavg()[0]
    done = subprocess.run([sys.executable, __file__, "--measure", engine, str(directory)],
                          capture_output=True, text=True, check=True)
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures | {"load_before": before, "load_after": os.getloadavg()[0]}


def machine() -> str:
    """Host, processor, CPU count and Python version."""
    return (f"{platform.node()} · {platform.processor() or platform.machine()} · "
            f"{os.cpu_count()} CPUs · Python {platform.python_version()}")


def table(rows: list[dict[str, object]]) -> list[str]:
    """The results as Markdown table lines."""
    lines = ["| records | names | engine | candidate pairs | wall s | CPU s | peak MB | "
             "precision | recall | F1 | baseline P / R / F1 | load before/after |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for row in rows:
        baseline = row["baseline"]
        assert isinstance(baseline, list)
        lines.append(
            f"| {row['records']:,} | {row['names']} | {row['engine']} | "
            f"{row['candidate_pairs']:,} | "
            f"{row['wall_seconds']:.1f} | {row['cpu_seconds']:.1f} | {row['peak_mb']:.0f} | "
            f"{row['precision']:.4f} | {row['recall']:.4f} | {row['f1']:.4f} | "
            f"{baseline[0]:.4f} / {baseline[1]:.4f} / {baseline[2]:.4f} | "
            f"{row['load_before']:.1f} / {row['load_after']:.1f} |")
    return lines


def write_section(lines: list[str], seed: int) -> None:
    """Replace the ``## Linkage`` section of RESULTS.md, keeping the others."""
    section = "\n".join([
        "## Linkage", "", f"Run {dt.datetime.now():%Y-%m-%d %H:%M} on {machine()}, seed {seed}, "
        "`benchmarks/linkage/run.py`.", "", *lines, ""])
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    parts = text.split("\n## ")
    old = next((part for part in parts[1:] if part.startswith("Linkage")), "")
    # Subsections (### ...) of the old section, such as the Splink runs, are kept.
    subsections = "".join("\n### " + sub for sub in old.split("\n### ")[1:])
    kept = [parts[0]] + [part for part in parts[1:] if not part.startswith("Linkage")]
    RESULTS.write_text("\n## ".join(kept).rstrip("\n") + "\n\n" + section + subsections,
                       encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2500,10000,200000,1000000")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--names", default="dense,wide")
    parser.add_argument("--engines", default="qantar")
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="linkage-bench-") as scratch:
        for size in (int(text) for text in args.sizes.split(",")):
            for names in args.names.split(","):
                directory = Path(scratch) / f"{size}-{names}"
                generate(directory, size, args.seed, names)
                baseline = exact_name_baseline(list_paths(directory), read_truth(directory))
                for engine in args.engines.split(","):
                    row = run_in_child(engine, directory) | {"baseline": list(baseline),
                                                             "names": names}
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    lines = table(rows)
    print("\n".join(lines))
    if args.write_results:
        write_section(lines, args.seed)


if __name__ == "__main__":
    main()
