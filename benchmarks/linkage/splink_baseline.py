"""Splink (on DuckDB, or on a local Spark) on the generated lists: the reference Qantar's
linkage is held to.

Usage::

    .venv/bin/python benchmarks/linkage/splink_baseline.py [--sizes 10000,200000,1000000]
        [--backend duckdb|spark] [--variants raw,romanized,qantar_names]

Library use (for ``run.py``)::

    result = run_splink(csv_paths, workdir, variant=Variant.QANTAR_NAMES, backend="duckdb")
    pairwise_scores(result.clusters["best_links_0.5"], truth)

Splink is an optional dependency (``pip install -e '.[bench]'``; the product's own extras are
``qantar[splink]`` and ``qantar[spark]``), imported only when a run starts. The Qantar-names
set-up (name and birth columns, comparisons, blocking, training, clustering, the DuckDB and
Spark databases) is the product's :mod:`qantar.core.linkage.splink_engine`, which ``qantar
link --engine splink-duckdb|splink-spark`` runs; this script adds the ``raw`` and
``romanized`` variants, reads the CSV files itself, and measures.

The model is a standard Splink 5 set-up, the same for every variant except for the name and
place columns:

- one table, the union of the lists, with the list as Splink's ``source_dataset``, linked
  ``link_and_dedupe``: every pair within and across lists is a candidate, exactly as
  ``dedupe_only`` over the union (the lists overlap and contain duplicates), and the list of
  each record is known to Splink's one-to-one clustering;
- comparisons: names (Jaro-Winkler levels, term-frequency adjustment on exact matches), date
  of birth (``DateOfBirthComparison``), birth year when either side has no full date (exact,
  ±1, ±2 years), exact sex, region, city and IIN;
- u by random sampling (10 million pairs, seeded), m by EM over three blocking rules (see
  :func:`train`), the prior from deterministic rules;
- prediction over the blocking rules in :func:`blocking_rules`, then three clusterings of
  the same predictions (:data:`CLUSTERINGS`): Splink's single best links at match probability
  0.5 with ``official``, ``ngo`` and ``media`` duplicate-free (the one-record-per-person
  knowledge Qantar's exclusivity uses; only ``survey`` repeats people), and connected
  components at 0.5 (Qantar's decision threshold) and at 0.95 (Splink's customary one).

Variants:

- ``raw``: Splink out of the box. Only generic cleaning a careful user does from the column
  descriptions: case and accent folding, dates parsed from both formats, the birth year from
  a date, a year or an age (as of the year of death, else the list's commonest year of death),
  full names split by each list's documented order. Cyrillic and Latin spellings stay apart.
- ``romanized``: as ``raw``, with Cyrillic romanised letter by letter under one standard
  table (ICAO Doc 9303, via :func:`qantar.core.names.transliterate`), as a careful user would
  with any transliteration library; no Qantar keys, parsing or place names.
- ``qantar_names``: Splink fed Qantar's name knowledge (read-only imports): names parsed by
  :func:`qantar.core.names.parse_name`, compared on their fine keys (:func:`romanize`, the
  male surname form from :func:`surname_stem`) with a phonetic level on :func:`skeleton` keys
  (short given names expanded by :func:`full_given_names`), places by
  :func:`qantar.core.linkage.places.place_key`, a missing sex taken from the name.

Measurement: wall and CPU seconds (all DuckDB threads, as user + system time of the process)
from reading the CSV files to the clusters; peak memory is the process's resident set
high-water mark over the call (reset at the start where Linux allows), which includes what
DuckDB allocates outside Python. DuckDB runs with 2 threads and a memory limit, spilling to
``workdir``. Randomness: u sampling is seeded; everything else is deterministic.

With ``backend="spark"`` Splink runs on a local Spark (``local[2]``, a 2 GB driver, the
Spark UI off, few shuffle partitions for small inputs, temporary and checkpoint files under
``workdir``; see :func:`qantar.core.linkage.splink_engine.spark_session`). The session is
started inside the timing (it is part of the cost). Spark's work happens in a Java process
started by this one: its CPU time is added to this process's, and its resident high-water
mark to this process's peak (a sum of two peaks, so an upper bound).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import enum
import functools
import json
import logging
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qantar.core.linkage import splink_engine as engine
from qantar.core.linkage.evaluation import pairwise_scores
from qantar.core.names import System, transliterate

HERE = Path(__file__).resolve().parent
U_SAMPLE_PAIRS = engine.U_SAMPLE_PAIRS
# Lists whose full names put the given name first (generator.py documents each list's order).
GIVEN_NAME_FIRST = frozenset({"media"})
# Lists that name each person once (generator.py: only ``survey`` has duplicates).
DUPLICATE_FREE_LISTS = ("official", "ngo", "media")
EM_BLOCKS = engine.EM_BLOCKS


class Variant(enum.StrEnum):
    """What Splink is given to compare names and places with."""

    RAW = "raw"
    ROMANIZED = "romanized"
    QANTAR_NAMES = "qantar_names"


@dataclass(frozen=True)
class Clustering:
    """One way of turning scored pairs into people."""

    name: str
    threshold: float
    is_one_per_list: bool


CLUSTERINGS = (
    Clustering("best_links_0.5", 0.5, True),
    Clustering("components_0.5", 0.5, False),
    Clustering("components_0.95", 0.95, False),
)


@dataclass(frozen=True)
class SplinkResult:
    """The outcome and cost of one Splink run.

    ``clusters`` maps the name of each of :data:`CLUSTERINGS` to record_id → cluster id
    (every record, singletons included), ready for ``pairwise_scores``. ``candidate_pairs``
    counts the pairs the prediction blocking rules generate (each scored once);
    ``scored_pairs`` those at or above the lowest threshold.
    """

    variant: str
    records: int
    candidate_pairs: int
    scored_pairs: int
    clusters: dict[str, dict[str, str]]
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    stage_seconds: dict[str, float]
    splink_version: str
    duckdb_version: str
    backend: str = "duckdb"
    backend_version: str = ""


# --- Reading and preparing records ---------------------------------------------------------


def read_rows(csv_paths: list[Path]) -> Iterator[dict[str, str]]:
    """The rows of the CSV files in the standard person-list columns, one at a time."""
    for path in csv_paths:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)


def fold(text: str) -> str:
    """Lower case without accents (as DuckDB's ``strip_accents(lower(...))``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@functools.lru_cache(maxsize=100_000)
def parse_date(text: str) -> dt.date | None:
    """A date written ``dd.mm.yyyy`` or ``yyyy-mm-dd``; None if blank or invalid."""
    text = text.strip()
    try:
        if "." in text:
            return dt.datetime.strptime(text, "%d.%m.%Y").date()
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def whole_number(text: str) -> int | None:
    """An integer, or None when blank or not a number."""
    text = text.strip()
    return int(text) if text.isdigit() else None


def death_years_by_list(rows: Iterator[dict[str, str]]) -> dict[str, int]:
    """For each list, its commonest year of death (the year its ages are taken as of)."""
    return engine.death_years_by_list((row["list"], parse_date(row["date_of_death"]))
                                      for row in rows)


def birth_columns(row: dict[str, str], reference_year: int | None) -> dict[str, Any]:
    """Birth date and year; a year from an age is the year of death minus the age."""
    return engine.birth_columns(
        parse_date(row["birth_date"]), whole_number(row["birth_year"]), whole_number(row["age"]),
        parse_date(row["date_of_death"]), reference_year)


def split_full_name(parts: list[str], given_first: bool) -> tuple[str, str, str]:
    """(forename, surname, patronymic) of name tokens in a list's documented order."""
    if len(parts) < 2:
        return "", " ".join(parts), ""
    if given_first:
        return parts[0], parts[-1], " ".join(parts[1:-1])
    return parts[1], parts[0], " ".join(parts[2:])


@functools.lru_cache(maxsize=200_000)
def romanized(text: str) -> str:
    """Cyrillic romanised letter by letter (ICAO Doc 9303, the passport table), folded."""
    return fold(transliterate(text, System.ICAO))


def written_names(row: dict[str, str], spell: Callable[[str], str]) -> dict[str, Any]:
    """Name and place columns as written, through ``spell``; full names split by list order."""
    if row["full_name"].strip():
        parts = spell(row["full_name"]).split()
        given, surname, patronymic = split_full_name(parts, row["list"] in GIVEN_NAME_FIRST)
    else:
        given, surname, patronymic = (
            spell(row[c]) for c in ("given_name", "surname", "patronymic")
        )
    return {
        "forename": given or None,
        "surname": surname or None,
        "patronymic": patronymic or None,
        "sex": fold(row["sex"]) or None,
        "region": spell(row["region"]) or None,
        "city": spell(row["city"]) or None,
    }


def qantar_names(row: dict[str, str]) -> dict[str, Any]:
    """Name and place columns in Qantar's keys, as the product's Splink engine makes them."""
    return engine.name_columns(row["full_name"], row["given_name"], row["surname"],
                               row["patronymic"], fold(row["sex"]), row["region"], row["city"])


def prepared_row(
    row: dict[str, str], variant: Variant, reference_year: int | None
) -> dict[str, Any]:
    """One record as Splink reads it."""
    if variant is Variant.QANTAR_NAMES:
        names = qantar_names(row)
    else:
        names = written_names(row, fold if variant is Variant.RAW else romanized)
    return engine.splink_row(row["record_id"], row["list"], names,
                             birth_columns(row, reference_year), row["iin"])


def prepare(csv_paths: list[Path], variant: Variant, batch_size: int = 100_000) -> Any:
    """The records as one Arrow table, built in batches so Python never holds every row.

    Two passes over the files: the first finds each list's commonest year of death.
    """
    reference_years = death_years_by_list(read_rows(csv_paths))
    return engine.arrow_table(
        (prepared_row(row, variant, reference_years.get(row["list"]))
         for row in read_rows(csv_paths)),
        batch_size,
    )


# --- The Splink model ----------------------------------------------------------------------


def comparisons(variant: Variant) -> list[Any]:
    """Splink comparisons: names by variant, then birth, sex, places and IIN."""
    import splink.comparison_library as cl

    if variant is not Variant.QANTAR_NAMES:
        names = [
            cl.ForenameSurnameComparison(
                "forename", "surname", forename_surname_concat_col_name="forename_surname"
            ),
            cl.NameComparison("patronymic"),
        ]
    else:
        names = engine.name_comparisons()
    return [*names, *engine.other_comparisons()]


def blocking_rules(variant: Variant) -> list[Any]:
    """Candidate pairs: same IIN, same birth date, or the same name.

    The same name is, raw, the same forename and surname as written (either way round, since
    the order of a full name is a guess); with Qantar's keys, the same skeletons of both,
    which also covers equal fine keys. Rules with a birth year added (surname and year,
    forename and year) were measured at 200,000 records: they doubled the candidate pairs
    for 1-2% more true pairs, so they are left out.
    """
    from splink import block_on

    if variant is not Variant.QANTAR_NAMES:
        names = [
            block_on("forename", "surname"),
            "l.forename = r.surname AND l.surname = r.forename",
        ]
    else:
        names = engine.name_blocking_rules()
    return [*engine.common_blocking_rules(), *names]


train = engine.train


def make_linker(table: Any, variant: Variant) -> Any:
    """A Splink linker over the union table, every pair within and across lists a candidate."""
    return engine.make_linker(table, comparisons(variant), blocking_rules(variant))


def clusters_of(linker: Any, predictions: Any, clustering: Clustering) -> dict[str, str]:
    """record_id → cluster id under ``clustering``."""
    return engine.cluster_ids(linker, predictions, clustering.threshold, DUPLICATE_FREE_LISTS,
                              is_one_per_list=clustering.is_one_per_list)


def count_candidate_pairs(table: Any, variant: Variant) -> int:
    """Exact number of distinct pairs the prediction blocking rules generate."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    counts = count_comparisons_from_blocking_rules(
        table,
        blocking_rules=blocking_rules(variant),
        link_type="link_and_dedupe",
        unique_id_column_name="record_id",
        source_dataset_column_name="source_dataset",
        record_sample_proportion=1.0,
    )
    return int(counts[-1]["cumulative_comparison_count"])


# --- Measuring ------------------------------------------------------------------------------


def reset_peak_memory() -> bool:
    """Reset the kernel's resident-set high-water mark of this process (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_memory_mb(is_reset: bool) -> float:
    """Peak resident memory since the reset (else since the process started), in MB."""
    if is_reset:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User and system CPU time of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def descendants(pid: int | None = None) -> list[int]:
    """The processes started by this one (Spark's Java process), children's children too."""
    found: list[int] = []
    pending = [pid or os.getpid()]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(text) for text in (task / "children").read_text().split()]
            except OSError:
                continue
            found.extend(children)
            pending.extend(children)
    return found


def child_usage() -> tuple[float, float]:
    """(CPU seconds, sum of resident high-water marks in MB) of the live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu, peak = 0.0, 0.0
    for pid in descendants():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        peak += sum(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    return cpu, peak


def run_splink(
    csv_paths: list[Path],
    workdir: Path,
    *,
    variant: Variant = Variant.RAW,
    memory_limit: str = "3GB",
    threads: int = 2,
    seed: int = 2022,
    backend: str = "duckdb",
    spark_master: str = "local[2]",
    driver_memory: str = "2g",
) -> SplinkResult:
    """Deduplicate the union of the lists with Splink on ``backend``; cost and clusters.

    ``backend``: ``"duckdb"`` (``memory_limit``, ``threads``) or ``"spark"``
    (``spark_master``, ``driver_memory``). Timing starts before the CSV files are read and
    ends when the clusters are in Python; counting candidate pairs afterwards is not timed.
    ``seed`` seeds u sampling only. The process's peak-memory mark is reset at the start, so
    call this in a process of its own (as :func:`main` does) if the caller measures its own
    peak too; with Spark, call it in a process that has not started Spark before.
    """
    import splink

    engine.require(backend)
    is_reset = reset_peak_memory()
    stages: dict[str, float] = {}
    start, start_cpu = time.perf_counter(), cpu_seconds()
    start_child_cpu = child_usage()[0]
    mark = start
    records = prepare(csv_paths, variant)
    stages["read and prepare"] = time.perf_counter() - mark
    mark = time.perf_counter()
    database = engine.open_database(backend, workdir, records.num_rows,
                                    memory_limit=memory_limit, threads=threads,
                                    spark_master=spark_master, driver_memory=driver_memory)
    table = database.api.register(records, table_name="records")
    del records
    linker = make_linker(table, variant)
    stages["start backend"] = time.perf_counter() - mark
    mark = time.perf_counter()
    train(linker, seed)
    stages["train"] = time.perf_counter() - mark
    mark = time.perf_counter()
    lowest = min(clustering.threshold for clustering in CLUSTERINGS)
    predictions = linker.inference.predict(threshold_match_probability=lowest)
    scored_pairs = engine.count_rows(predictions)
    stages["predict"] = time.perf_counter() - mark
    clusters = {}
    for clustering in CLUSTERINGS:
        mark = time.perf_counter()
        clusters[clustering.name] = clusters_of(linker, predictions, clustering)
        stages[clustering.name] = time.perf_counter() - mark
    wall, cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
    child_cpu, child_peak = child_usage()
    cpu += child_cpu - start_child_cpu
    peak = peak_memory_mb(is_reset) + child_peak
    candidate_pairs = count_candidate_pairs(table, variant)
    database.close()  # DuckDB removes its spill files; Spark stops
    return SplinkResult(
        variant.value,
        len(clusters[CLUSTERINGS[0].name]),
        candidate_pairs,
        int(scored_pairs),
        clusters,
        wall,
        cpu,
        peak,
        stages,
        splink.__version__,
        _duckdb_version(),
        database.backend,
        database.version,
    )


def _duckdb_version() -> str:
    import duckdb

    return str(duckdb.__version__)


# --- Command line ---------------------------------------------------------------------------


def read_truth(directory: Path) -> dict[str, str]:
    """record_id → person_id from the generator's ``truth.csv``."""
    with (directory / "truth.csv").open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row["person_id"] for row in csv.DictReader(handle)}


def measure_one(
    directory: Path, variant: Variant, memory_limit: str, backend: str = "duckdb"
) -> dict[str, Any]:
    """Run Splink on the lists in ``directory`` and score it against the truth."""
    paths = sorted(path for path in directory.glob("*.csv") if path.name != "truth.csv")
    load_before = os.getloadavg()
    suffix = "" if backend == "duckdb" else f"-{backend}"
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger(engine.__name__).addHandler(handler)
    result = run_splink(
        paths,
        directory / f"work-{variant.value}{suffix}",
        variant=variant,
        memory_limit=memory_limit,
        backend=backend,
    )
    truth = read_truth(directory)
    figures: dict[str, Any] = {
        "variant": result.variant,
        "records": result.records,
        "candidate_pairs": result.candidate_pairs,
        "scored_pairs": result.scored_pairs,
        "wall_seconds": result.wall_seconds,
        "cpu_seconds": result.cpu_seconds,
        "peak_mb": result.peak_rss_mb,
        "stages": result.stage_seconds,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "splink": result.splink_version,
        "duckdb": result.duckdb_version,
        "backend": result.backend,
        "backend_version": result.backend_version,
        "engine_warnings": warnings,
    }
    for name, clusters in result.clusters.items():
        scores = pairwise_scores(clusters, truth)
        figures[name] = (scores.precision, scores.recall, scores.f1)
    return figures


def generate_lists(directory: Path, size: int, seed: int, names: str = "dense") -> None:
    """The four lists and their truth, as ``run.py`` makes them (same generator and seed)."""
    sys.path.insert(0, str(HERE))
    import generator

    generator.write_lists(directory, size, seed, names)


def row_text(size: int, figures: dict[str, Any]) -> str:
    """One Markdown table row: size, cost, and P / R / F1 under each clustering."""
    load = ", ".join(f"{value:.1f}" for value in figures["load_after"])
    scores = " | ".join(
        " / ".join(f"{value:.3f}" for value in figures[clustering.name])
        for clustering in CLUSTERINGS
    )
    return (
        f"| {size:,} | {figures['backend']} | {figures['variant']} | {figures['records']:,} | "
        f"{figures['candidate_pairs']:,} | {figures['wall_seconds']:.1f} | "
        f"{figures['cpu_seconds']:.1f} | {figures['peak_mb']:.0f} | {load} | {scores} |"
    )


def machine() -> str:
    """Date, processor, cores, Python and load average, for the record."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {platform.platform()} · "
        f"{os.cpu_count()} CPUs ({models[0] if models else platform.machine()}) · "
        f"Python {platform.python_version()} · load average {load}"
    )


def run_child(
    directory: Path, variant: str, memory_limit: str, backend: str = "duckdb"
) -> dict[str, Any]:
    """Measure one size and variant in a fresh process, so that its peak is its own."""
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--one",
            str(directory),
            "--variants",
            variant,
            "--memory-limit",
            memory_limit,
            "--backend",
            backend,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"{variant} ({backend}) on {directory} failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,200000,1000000")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--names", default="dense", help="the generator's name pool: dense or wide")
    parser.add_argument("--variants", default=",".join(Variant))
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB's memory limit")
    parser.add_argument(
        "--backend",
        default="duckdb",
        help="duckdb, spark (a local Spark on 2 cores), or both: duckdb,spark",
    )
    parser.add_argument("--workdir", type=Path, help="where lists and spill files go")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        figures = measure_one(args.one, Variant(args.variants), args.memory_limit, args.backend)
        print(json.dumps(figures))
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="splink-bench-"))
    print(f"{machine()} · seed {args.seed} · names {args.names} · lists in {workdir}",
          flush=True)
    print(
        "| size | backend | variant | records | candidate pairs | wall s | CPU s | peak MB "
        "| load after | " + " | ".join(f"{c.name} P / R / F1" for c in CLUSTERINGS) + " |",
        flush=True,
    )
    for size in (int(text) for text in args.sizes.split(",")):
        directory = workdir / (str(size) if args.names == "dense" else f"{size}-{args.names}")
        if not (directory / "truth.csv").exists():
            generate_lists(directory, size, args.seed, args.names)
        for backend in args.backend.split(","):
            for variant in args.variants.split(","):
                figures = run_child(directory, variant, args.memory_limit, backend)
                print(row_text(size, figures), flush=True)
                print(f"<!-- {json.dumps(figures)} -->", flush=True)


if __name__ == "__main__":
    main()
