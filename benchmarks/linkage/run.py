"""Linkage benchmark: Qantar (and Splink-DuckDB if installed) on generated Kazakh/Russian lists.

Usage: ``.venv/bin/python benchmarks/linkage/run.py [--sizes 10000,200000,1000000]``

Each size runs in its own process (so peak memory is that run's own), on lists made by
``generator.py`` with a fixed seed; prints machine, date and figures, and replaces the
``## Linkage`` section of ``benchmarks/RESULTS.md`` (other sections are kept).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "RESULTS.md"


def measure(size: int, seed: int) -> dict[str, float]:
    """Generate, link and score one size in this process."""
    sys.path.insert(0, str(HERE))
    import generator

    from qantar.core.linkage import link, pairwise_scores, read_records

    rows, truth = generator.generate(size, seed)
    baseline = exact_name_baseline(rows, truth)
    out = io.StringIO()
    writer = csv.DictWriter(out, generator.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    text = out.getvalue()
    del rows, out
    start = time.perf_counter()
    records = read_records(text).records
    result = link(records)
    clusters = {record_id: cluster for record_id, cluster, _ in result.assignments()}
    seconds = time.perf_counter() - start
    scores = pairwise_scores(clusters, truth)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"records": len(records), "seconds": seconds, "peak_mb": peak,
            "pairs": len(result.left), "precision": scores.precision,
            "recall": scores.recall, "f1": scores.f1, **baseline}


def exact_name_baseline(rows: list[dict[str, str]], truth: dict[str, int]) -> dict[str, float]:
    """Scores of the simplest linkage: one person per (fine-key given name, surname, year)."""
    from qantar.core.linkage import pairwise_scores
    from qantar.core.linkage.prepare import name_parts
    from qantar.core.linkage.records import record_from_row

    clusters: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        record, _failures = record_from_row(row, row["list"])
        parts = name_parts(record, record.sex)
        year = record.birth_date.year if record.birth_date else record.birth_year
        clusters[record.record_id] = (parts.given_full, parts.surname, str(year or ""))
    scores = pairwise_scores(clusters, truth)
    return {"baseline_precision": scores.precision, "baseline_recall": scores.recall,
            "baseline_f1": scores.f1}


def _machine() -> str:
    return (f"{platform.node()} · {platform.processor() or platform.machine()} · "
            f"{os.cpu_count()} CPUs · Python {platform.python_version()}")


def _splink_note() -> str:
    try:
        import splink  # noqa: F401
    except ImportError:
        return ("Splink is not installed (it is not a dependency; `pip install splink duckdb` "
                "was not attempted in this run): only Qantar and the exact-name baseline were "
                "measured.")
    return ("Splink is installed but its benchmark adapter is not written yet.")


def _section(figures: list[dict[str, float]], note: str) -> str:
    lines = ["## Linkage", "",
             f"Run {dt.datetime.now():%Y-%m-%d %H:%M} on {_machine()}.", "",
             "Generated lists (four styles, relatives, twins, namesakes; seed 2022), "
             "`qantar.core.linkage.link` with default settings; time includes reading the CSV.",
             "",
             "| records | candidate pairs | wall time (s) | peak memory (MB) | precision | recall "
             "| F1 | baseline P / R / F1 |", "|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in figures:
        lines.append(f"| {row['records']:,} | {row['pairs']:,} | {row['seconds']:.1f} | "
                     f"{row['peak_mb']:.0f} | {row['precision']:.4f} | {row['recall']:.4f} | "
                     f"{row['f1']:.4f} | {row['baseline_precision']:.4f} / "
                     f"{row['baseline_recall']:.4f} / {row['baseline_f1']:.4f} |")
    lines += ["", "Baseline, measured in the same run on the same lists: records with the same "
              "given name and surname (Qantar fine keys, either script) and birth year are one "
              "person."]
    return "\n".join([*lines, "", note, ""])


def write_section(section: str) -> None:
    """Replace the ``## Linkage`` section of RESULTS.md, keeping the others."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    parts = text.split("\n## ")
    kept = [parts[0]] + [part for part in parts[1:] if not part.startswith("Linkage")]
    RESULTS.write_text("\n## ".join(kept).rstrip("\n") + "\n\n" + section, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,200000,1000000")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.seed)))
        return
    figures = []
    for size in (int(text) for text in args.sizes.split(",")):
        done = subprocess.run([sys.executable, __file__, "--one", str(size),
                               "--seed", str(args.seed)], capture_output=True, text=True,
                              check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        figures.append(row)
        print(f"{size:>9,}: {row['seconds']:7.1f} s  {row['peak_mb']:6.0f} MB  "
              f"P={row['precision']:.4f} R={row['recall']:.4f} F1={row['f1']:.4f}", flush=True)
    section = _section(figures, _splink_note())
    write_section(section)
    print(section)


if __name__ == "__main__":
    main()
