"""Benchmark multiple systems estimation: model search and the LCMCR sampler.

Run: ``.venv/bin/python benchmarks/estimation.py``. Prints the machine, the date and the
figures, compares each against a baseline measured in the same run, and rewrites the
``## Estimation`` section of ``benchmarks/RESULTS.md`` (other sections are kept).

Budgets (issue 7): all hierarchical log-linear models of a 5-list table in under 5 s;
LCMCR, 50,000 iterations on a 4-list table of 5,000 people, in under 60 s on 2 cores.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import time
from pathlib import Path

import numpy as np

from qantar.core.estimation.existence import reduce
from qantar.core.estimation.lcmcr import SamplerSettings, sample_posterior
from qantar.core.estimation.loglinear import fit_batch
from qantar.core.estimation.models import all_models
from qantar.core.estimation.selection import Criterion, fit_models, rank_models
from qantar.core.estimation.table import CaptureHistories, from_csv_text, from_rows

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "mse-benchmarks"
BASELINE_SAMPLE = 400  # models fitted one at a time for the baseline, then scaled up


def machine() -> str:
    """One line describing where the benchmark ran."""
    return (f"{platform.platform()}; Python {platform.python_version()}; "
            f"{os.cpu_count()} CPUs; load average "
            f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}")


def five_list_table() -> tuple[str, CaptureHistories]:
    """The UK 2013 modern-slavery table (5 lists), or a simulated one without shared/."""
    path = SHARED / "uk_modern_slavery_2013_5lists.csv"
    if path.exists():
        return "UK 2013, 5 lists", from_csv_text(path.read_text(encoding="utf-8"))
    return "simulated, 5 lists", simulated_table(5, 3000, np.random.default_rng(5))


def simulated_table(lists: int, size: int, rng: np.random.Generator) -> CaptureHistories:
    """A population with two latent groups; returns the observed table."""
    chances = np.where(rng.random(size)[:, None] < 0.3, 0.45, 0.15) * np.ones((1, lists))
    on = rng.random((size, lists)) < chances
    cells = np.bincount((on * (1 << np.arange(lists))).sum(axis=1), minlength=1 << lists)
    rows = [(tuple((c >> j) & 1 for j in range(lists)), int(cells[c]))
            for c in range(1, 1 << lists)]
    return from_rows([f"L{j}" for j in range(lists)], rows)


def time_model_search(table: CaptureHistories) -> tuple[float, float, int, str]:
    """Vectorised search over all models, and one-at-a-time fitting as the baseline."""
    models = all_models(table.list_count, table.list_count - 1)
    start = time.perf_counter()
    best = rank_models(fit_models(table, models), Criterion.BIC)[0]
    batched = time.perf_counter() - start
    cells = table.cells.astype(float)
    start = time.perf_counter()
    for model in models[:BASELINE_SAMPLE]:
        reduction = reduce(model, cells)
        fit_batch(reduction.design, cells[None, 1:], reduction.live[None, :])
    one_by_one = (time.perf_counter() - start) * len(models) / BASELINE_SAMPLE
    return batched, one_by_one, len(models), f"{best.model.code()} -> {best.estimate:,.1f}"


def time_lcmcr(table: CaptureHistories) -> tuple[float, float, str]:
    """50,000 Gibbs iterations on patterns, and a per-person sampler as the baseline."""
    settings = SamplerSettings(burn_in=40_000, samples=1_000, thinning=10)
    start = time.perf_counter()
    result = sample_posterior(table, settings, np.random.default_rng(1))
    patterns = time.perf_counter() - start
    per_person = time_per_person_allocation(table, 3) * 50_000
    summary = f"median {result.median:,.0f}, ESS {result.diagnostics['effective_sample_size']:.0f}"
    return patterns, per_person, summary


def time_per_person_allocation(table: CaptureHistories, iterations: int) -> float:
    """Seconds per iteration of the class-allocation step done person by person."""
    rng = np.random.default_rng(2)
    patterns, counts = table.patterns()
    people = np.repeat(patterns, counts)
    bits = ((people[:, None] >> np.arange(table.list_count)) & 1).astype(float)
    capture = rng.beta(1, 1, size=(table.list_count, 10))
    weights = np.full(10, 0.1)
    start = time.perf_counter()
    for _ in range(iterations):
        for row in bits:
            like = weights * np.prod(np.where(row[:, None] > 0, capture, 1 - capture), axis=0)
            rng.choice(10, p=like / like.sum())
    return (time.perf_counter() - start) / iterations


def section(lines: list[str]) -> str:
    """The Markdown section written to RESULTS.md."""
    return "## Estimation\n\n" + "\n".join(lines) + "\n"


def write_results(text: str) -> None:
    """Replace (or append) the ``## Estimation`` section, keeping the others."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(r"## Estimation\n.*?(?=\n## |\Z)", re.S)
    new = pattern.sub(lambda _: text.rstrip("\n"), old) if pattern.search(old) else (
        old.rstrip("\n") + "\n\n" + text)
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    """Run both benchmarks, print and record them."""
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    name, table = five_list_table()
    batched, one_by_one, count, best = time_model_search(table)
    lcmcr_table = simulated_table(4, 8_250, np.random.default_rng(4))  # ~5,000 observed
    patterns, per_person, summary = time_lcmcr(lcmcr_table)
    lines = [
        f"`.venv/bin/python benchmarks/estimation.py` on {when}.",
        f"Machine: {machine()}.",
        "",
        "| task | ours (s) | baseline (s) | budget (s) |",
        "|---|---:|---:|---:|",
        f"| all {count} hierarchical models, {name}, BIC ({best}) | {batched:.2f} | "
        f"{one_by_one:.2f} (one model at a time, scaled from {BASELINE_SAMPLE}) | 5 |",
        f"| LCMCR 50,000 iterations, 4 lists, {lcmcr_table.observed:,} people observed "
        f"({summary}) | {patterns:.2f} | {per_person:.0f} (allocation step alone, "
        "person by person, scaled from 3 iterations) | 60 |",
    ]
    text = section(lines)
    print(text)
    write_results(text)


if __name__ == "__main__":
    main()
