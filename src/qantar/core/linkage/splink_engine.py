"""Splink, on DuckDB or on Spark, fed Qantar's name knowledge: an opt-in engine for lists
too large for one machine.

Qantar's own engine (:func:`qantar.core.linkage.link`) is the default and the more accurate
on Kazakh/Russian lists (see ``benchmarks/RESULTS.md``). This module runs a standard
`Splink <https://moj-analytical-services.github.io/splink/>`_ 5 model instead, so that lists
that outgrow one machine can be linked on a Spark cluster, with Qantar's knowledge of names
put into the columns Splink compares:

- names parsed by :func:`qantar.core.names.parse_name`, compared on their fine keys
  (:func:`romanize`, the male surname form from :func:`surname_stem`) with a phonetic level on
  :func:`skeleton` keys (short given names expanded by :func:`full_given_names`); places by
  :func:`qantar.core.linkage.places.place_key`; a missing sex taken from the name;
- the birth date, and the birth year (from a date, a year, or an age as of the year of death,
  else the list's commonest year of death) when either side has no full date;
- comparisons: names (Jaro-Winkler levels, term-frequency adjustment on exact matches), date
  of birth, birth year (exact, ±1, ±2), exact sex, region, city and IIN;
- candidate pairs: same IIN, same birth date, or the same skeletons of forename and surname;
- training: the prior from deterministic rules, u by random sampling (seeded), m by EM over
  three blockings (:func:`train`);
- people: Splink's single best links at the threshold, with the lists named as holding each
  person once (``duplicate_free_lists``) kept one record per person.

Splink, DuckDB and PySpark are optional (``pip install 'qantar[splink]'`` or
``'qantar[spark]'``) and imported only when a run starts; :func:`require` says clearly what
is missing. ``benchmarks/linkage/splink_baseline.py`` measures this set-up.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import importlib
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qantar.core.errors import QantarError
from qantar.core.linkage.places import place_key, region_of
from qantar.core.linkage.records import Record
from qantar.core.names import (
    full_given_names,
    name_sex,
    parse_name,
    romanize,
    skeleton,
    surname_stem,
    tokens,
)

BACKENDS = ("duckdb", "spark")
EXTRAS = {"duckdb": "splink", "spark": "spark"}
U_SAMPLE_PAIRS = 1e7
EM_BLOCKS = (
    ("forename", "surname", "patronymic"),
    ("birth_date", "surname"),
    ("birth_date", "patronymic"),
)
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


logger = logging.getLogger(__name__)


class EngineUnavailable(QantarError):
    """The engine asked for needs software that is not installed."""


# --- What is installed -----------------------------------------------------------------------


def _install_hint(backend: str) -> str:
    return f"pip install 'qantar[{EXTRAS[backend]}]'"


def require(backend: str) -> None:
    """Raise :class:`EngineUnavailable`, naming the extra to install, unless ``backend`` runs."""
    if backend not in BACKENDS:
        raise EngineUnavailable("unknown_engine", f"Unknown Splink backend {backend!r} "
                                f"(use {' or '.join(BACKENDS)}).", "engine")
    modules = ["splink", "duckdb", "pyarrow"] + (["pyspark"] if backend == "spark" else [])
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as error:
            raise EngineUnavailable(
                "engine_unavailable",
                f"The splink-{backend} engine needs {name}, which is not installed: "
                f"{_install_hint(backend)}", "engine") from error
    if backend == "spark" and not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise EngineUnavailable("engine_unavailable", "The splink-spark engine needs Java "
                                "(17 or later) on PATH or in JAVA_HOME.", "engine")


# --- Records as Splink reads them ------------------------------------------------------------


@functools.lru_cache(maxsize=200_000)
def parsed_name(full_name: str, given: str, surname: str, patronymic: str) -> tuple[str, ...]:
    """(given, surname, patronymic, sex) by Qantar's parser, or from the split columns."""
    if full_name.strip():
        name = parse_name(full_name)
        return name.given, name.surname, name.patronymic, name.sex.value
    given, surname, patronymic = (" ".join(tokens(part)) for part in (given, surname, patronymic))
    return given, surname, patronymic, name_sex(given, surname, patronymic).value


def fine_key(text: str) -> str:
    """Qantar's fine key of every token, run together."""
    return "".join(romanize(token) for token in tokens(text))


def sound_keys(keys: set[str]) -> list[str] | None:
    """Qantar skeletons of fine keys, as the array Splink's phonetic level intersects."""
    sounds = sorted({skeleton(key) for key in keys if key})
    return sounds or None


def name_columns(full_name: str, given_name: str, surname: str, patronymic: str, sex: str,
                 region: str, city: str) -> dict[str, Any]:
    """Name and place columns in Qantar's keys: one spelling across scripts and systems.

    ``sex`` is ``"m"``, ``"f"`` or blank (then taken from the name).
    """
    given, surname, patronymic, name_sex_value = parsed_name(full_name, given_name, surname,
                                                             patronymic)
    first_given = given.split()[0] if given else ""
    surname_key = "".join(surname_stem(token)[0] for token in tokens(surname))
    patronymic_key = fine_key(patronymic)
    region_key = region_of(place_key(region)) or region_of(place_key(city))
    return {
        "forename": romanize(first_given) or None,
        "forename_sounds": sound_keys(set(full_given_names(first_given))) if first_given else None,
        "forename_sound": skeleton(first_given) or None,
        "surname": surname_key or None,
        "surname_sounds": sound_keys({surname_key}),
        "surname_sound": skeleton(surname_key) or None,
        "patronymic": patronymic_key or None,
        "patronymic_sounds": sound_keys({patronymic_key}),
        "sex": sex or name_sex_value or None,
        "region": region_key or None,
        "city": place_key(city) or None,
    }


def birth_columns(born: dt.date | None, birth_year: int | None, age: int | None,
                  died: dt.date | None, reference_year: int | None) -> dict[str, Any]:
    """Birth date and year; a year from an age is the year of death minus the age."""
    year = born.year if born else birth_year
    as_of = died.year if died else reference_year
    if year is None and age is not None and as_of:
        year = as_of - age
    return {"birth_date": born, "birth_year": year}


def splink_row(record_id: str, list_name: str, names: dict[str, Any], births: dict[str, Any],
               iin: str) -> dict[str, Any]:
    """One record as Splink reads it, from its name and birth columns."""
    forename, surname = names["forename"], names["surname"]
    return {
        "record_id": record_id,
        "source_dataset": list_name,
        **names,
        **births,
        "iin": iin.strip() or None,
        "forename_surname": f"{forename} {surname}" if forename and surname else None,
    }


def death_years_by_list(deaths: Iterable[tuple[str, dt.date | None]]) -> dict[str, int]:
    """For each list, its commonest year of death, from (list, date of death) pairs."""
    counts: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    for list_name, died in deaths:
        if died:
            counts[list_name][died.year] += 1
    return {name: count.most_common(1)[0][0] for name, count in counts.items()}


def record_row(record: Record, reference_year: int | None) -> dict[str, Any]:
    """One :class:`Record` as Splink reads it."""
    names = name_columns(record.full_name, record.given_name, record.surname,
                         record.patronymic, record.sex, record.region, record.city)
    births = birth_columns(record.birth_date, record.birth_year, record.age,
                           record.date_of_death, reference_year)
    return splink_row(record.record_id, record.list_name, names, births, record.iin)


def arrow_type(column: str) -> Any:
    """The Arrow type of a prepared column (strings unless named otherwise)."""
    import pyarrow as pa

    if column == "birth_date":
        return pa.date32()
    if column == "birth_year":
        return pa.int32()
    return pa.list_(pa.string()) if column.endswith("_sounds") else pa.string()


def arrow_table(rows: Iterable[dict[str, Any]], batch_size: int = 100_000) -> Any:
    """Prepared rows as one Arrow table, built in batches so Python never holds every row."""
    import pyarrow as pa

    batches, batch, schema = [], [], None
    for row in rows:
        batch.append(row)
        if len(batch) == batch_size:
            schema = schema or pa.schema([(name, arrow_type(name)) for name in batch[0]])
            batches.append(pa.RecordBatch.from_pylist(batch, schema=schema))
            batch = []
    if batch:
        schema = schema or pa.schema([(name, arrow_type(name)) for name in batch[0]])
        batches.append(pa.RecordBatch.from_pylist(batch, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def records_table(records: Sequence[Record]) -> Any:
    """The records as one Arrow table in Splink's columns."""
    reference_years = death_years_by_list((r.list_name, r.date_of_death) for r in records)
    return arrow_table(record_row(record, reference_years.get(record.list_name))
                       for record in records)


# --- The Splink model ------------------------------------------------------------------------


def birth_year_comparison() -> Any:
    """Birth years, only when a side has no full date (full dates are compared as dates)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    no_year = (
        "birth_year_l IS NULL OR birth_year_r IS NULL OR "
        "(birth_date_l IS NOT NULL AND birth_date_r IS NOT NULL)"
    )
    return cl.CustomComparison(
        [
            cll.CustomLevel(no_year, "no year, or both full dates").configure(is_null_level=True),
            cll.ExactMatchLevel("birth_year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1),
            cll.AbsoluteDifferenceLevel("birth_year", 2),
            cll.ElseLevel(),
        ],
        output_column_name="birth_year",
    )


def name_comparisons() -> list[Any]:
    """Forename, surname and patronymic on Qantar's fine keys, with a phonetic level."""
    import splink.comparison_library as cl

    return [cl.NameComparison(part, dmeta_col_name=f"{part}_sounds")
            for part in ("forename", "surname", "patronymic")]


def other_comparisons() -> list[Any]:
    """Birth date, birth year, sex, region, city and IIN."""
    import splink.comparison_library as cl

    return [
        cl.DateOfBirthComparison("birth_date", input_is_string=False),
        birth_year_comparison(),
        cl.ExactMatch("sex"),
        cl.ExactMatch("region"),
        cl.ExactMatch("city"),
        cl.ExactMatch("iin"),
    ]


def common_blocking_rules() -> list[Any]:
    """Candidate pairs whatever the names: same IIN, same birth date."""
    from splink import block_on

    return [block_on("iin"), block_on("birth_date")]


def name_blocking_rules() -> list[Any]:
    """Candidate pairs by name: the same skeletons of forename and surname.

    This also covers equal fine keys. Rules with a birth year added (surname and year,
    forename and year) were measured at 200,000 records: they doubled the candidate pairs
    for 1-2% more true pairs, so they are left out.
    """
    from splink import block_on

    return [block_on("surname_sound", "forename_sound")]


def train(linker: Any, seed: int) -> None:
    """Prior from deterministic rules, u by random sampling, m by EM on three blockings.

    The prior: same IIN, or same forename, surname and birth date, assumed to find half the
    true pairs (a guess; Splink needs one). EM blockings must be rich in true pairs and must
    not use columns correlated with the comparisons they train (u is fixed at population
    values): same forename, surname and patronymic trains dates, sex, places and IIN; same
    birth date and surname, then same birth date and patronymic, train the names. Blocking
    on the names alone (3% true pairs at 200,000 records, namesakes being common) or adding
    the birth year or a place to a block (which biases the date and place comparisons)
    trained Splink into merging namesakes.

    EM can drive the m probability of a level that no match shows (an "all other" level)
    towards zero, geometrically with each iteration; Splink stops with an error once it
    underflows. On DuckDB the 10,000-record lists converge one iteration before that; on
    Spark (whose string similarities differ slightly) not. Such a block is run again with
    half the iterations (:func:`_em_with_fewer_iterations`), down to 3, then skipped with a
    warning (Splink keeps the estimates it had before the block).
    """
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on("iin"), block_on("forename", "surname", "birth_date")], recall=0.5
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    for columns in EM_BLOCKS:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns))
        except ValueError as error:
            if not _is_underflow(error):
                raise
            _em_with_fewer_iterations(linker, columns)


def _is_underflow(error: ValueError) -> bool:
    return "below the minimum allowed value" in str(error)


def _em_with_fewer_iterations(linker: Any, columns: tuple[str, ...]) -> None:
    """EM on ``columns`` again with at most half, a quarter... of the iterations.

    Splink has no public setting for this once the linker exists, so the linker's training
    settings (a frozen dataclass) are replaced for the retries and restored afterwards.
    """
    import dataclasses

    from splink import block_on

    settings = linker._settings_obj
    original = settings.training_settings
    iterations = original.max_iterations // 2
    try:
        while iterations >= 3:
            settings.training_settings = dataclasses.replace(original,
                                                             max_iterations=iterations)
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*columns))
            except ValueError as error:
                if not _is_underflow(error):
                    raise
                iterations //= 2
                continue
            logger.warning("Splink EM blocked on %s underflowed; trained with at most %d "
                           "iterations instead.", ", ".join(columns), iterations)
            return
    finally:
        settings.training_settings = original
    logger.warning("Splink EM blocked on %s underflowed; its estimates are not used.",
                   ", ".join(columns))


def make_linker(table: Any, comparisons: list[Any], blocking_rules: list[Any]) -> Any:
    """A linker over the union table, every pair within and across lists a candidate.

    One table, the union of the lists, with the list as Splink's ``source_dataset``, linked
    ``link_and_dedupe`` (the lists overlap and contain duplicates), so that Splink's
    one-to-one clustering knows the list of each record.
    """
    from splink import Linker, SettingsCreator

    settings = SettingsCreator(
        link_type="link_and_dedupe",
        unique_id_column_name="record_id",
        source_dataset_column_name="source_dataset",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking_rules,
        retain_matching_columns=False,
    )
    return Linker(table, settings, log_level=logging.WARNING)


# --- Backends --------------------------------------------------------------------------------


@dataclass
class Database:
    """A Splink database API and how to close it."""

    backend: str
    api: Any
    close: Callable[[], None]
    version: str


def duckdb_database(workdir: Path, memory_limit: str | None = "3GB",
                    threads: int | None = 2) -> Database:
    """An in-memory DuckDB with bounded memory and threads, spilling to ``workdir``."""
    import duckdb
    from splink import DuckDBAPI

    workdir.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(":memory:")
    if memory_limit:
        connection.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    connection.execute(f"SET temp_directory = '{workdir / 'duckdb_spill'}'")
    connection.execute("SET preserve_insertion_order = false")
    # DuckDB removes its spill files on close.
    return Database("duckdb", DuckDBAPI(connection=connection), connection.close,
                    duckdb.__version__)


def spark_session(workdir: Path, *, master: str = "local[2]", driver_memory: str = "2g",
                  shuffle_partitions: int = 8) -> Any:
    """A Spark session for Splink: its similarity functions, quiet, files under ``workdir``.

    ``master`` ``local[N]`` runs Spark in this machine's N cores; a cluster URL
    (``spark://host:7077``, ``yarn``...) runs it there. An existing session (one made by
    ``spark-submit``, say) is reused with its settings. The Spark UI is off; logging is at
    error level; temporary and checkpoint files go under ``workdir``.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    workdir.mkdir(parents=True, exist_ok=True)
    log_config = workdir / "log4j2.properties"
    log_config.write_text(_LOG4J, encoding="utf-8")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    java_options = f"-Dlog4j2.configurationFile={log_config.as_uri()}"
    builder: Any = SparkSession.builder
    session = (
        builder.master(master)
        .appName("qantar-splink")
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.local.dir", str(workdir / "spark_local"))
        .config("spark.sql.warehouse.dir", str(workdir / "spark_warehouse"))
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(workdir / "spark_checkpoints"))
    return session


def shuffle_partitions_for(records: int) -> int:
    """Few shuffle partitions for small inputs (Spark's 200 would be mostly overhead)."""
    return max(4, min(200, math.ceil(records / 25_000)))


def spark_database(workdir: Path, records: int, *, master: str = "local[2]",
                   driver_memory: str = "2g") -> Database:
    """Splink on a Spark session (see :func:`spark_session`); closing stops the session."""
    import pyspark
    from splink.backends.spark import SparkAPI

    session = spark_session(workdir, master=master, driver_memory=driver_memory,
                            shuffle_partitions=shuffle_partitions_for(records))
    # Parquet files break the lineage of each intermediate table: Splink's iterative
    # clustering outgrows the driver's memory with in-memory persisting.
    api = SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=session, break_lineage_method="parquet")
    return Database("spark", api, session.stop, pyspark.__version__)


def open_database(backend: str, workdir: Path, records: int, *, memory_limit: str | None = "3GB",
                  threads: int | None = 2, spark_master: str = "local[2]",
                  driver_memory: str = "2g") -> Database:
    """The database ``backend`` names, checked to be installed."""
    require(backend)
    if backend == "spark":
        return spark_database(workdir, records, master=spark_master, driver_memory=driver_memory)
    return duckdb_database(workdir, memory_limit, threads)


# --- Reading results, whatever the backend ---------------------------------------------------


def columns_of(frame: Any, columns: Sequence[str]) -> dict[str, list[Any]]:
    """Some columns of a Splink table as Python lists (by Arrow, on any backend)."""
    # The columns are this module's own names, never user input.
    selected = frame.query_sql(f"SELECT {', '.join(columns)} FROM {{this}}")  # noqa: S608
    try:
        table = selected.as_pyarrow_table()
    finally:
        selected.drop_table_from_database_and_remove_from_cache()
    return {column: table.column(column).to_pylist() for column in columns}


def count_rows(frame: Any) -> int:
    """The number of rows of a Splink table."""
    counted = frame.query_sql("SELECT count(*) AS n FROM {this}")
    try:
        return int(counted.as_pyarrow_table().column("n")[0].as_py())
    finally:
        counted.drop_table_from_database_and_remove_from_cache()


def cluster_ids(linker: Any, predictions: Any, threshold: float,
                duplicate_free_lists: Sequence[str] = (), *, is_one_per_list: bool = True
                ) -> dict[str, str]:
    """record_id → Splink's cluster id, every record (singletons included).

    ``is_one_per_list``: Splink's single best links (``duplicate_free_lists`` hold each
    person once); else connected components of the pairs at or above ``threshold``.
    """
    if is_one_per_list:
        clustered = linker.clustering.cluster_using_single_best_links(
            predictions,
            duplicate_free_datasets=list(duplicate_free_lists),
            threshold_match_probability=threshold,
        )
    else:
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
    try:
        columns = columns_of(clustered, ["record_id", "cluster_id"])
    finally:
        clustered.drop_table_from_database_and_remove_from_cache()
    return {str(record): str(cluster)
            for record, cluster in zip(columns["record_id"], columns["cluster_id"], strict=True)}


def strongest_links(predictions: Any, clusters: dict[str, str]) -> dict[str, float]:
    """For each record, the highest match probability of a pair inside its cluster."""
    pairs = columns_of(predictions, ["record_id_l", "record_id_r", "match_probability"])
    strongest: dict[str, float] = {}
    for left, right, probability in zip(pairs["record_id_l"], pairs["record_id_r"],
                                        pairs["match_probability"], strict=True):
        left, right = str(left), str(right)
        if clusters.get(left) != clusters.get(right):
            continue
        for record in (left, right):
            if probability > strongest.get(record, 0.0):
                strongest[record] = float(probability)
    return strongest


# --- The engine ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SplinkLinkResult:
    """People found by Splink: (record_id, cluster_id, match_probability) per record."""

    rows: list[tuple[str, str, float]]
    backend: str
    scored_pairs: int

    def assignments(self) -> Iterator[tuple[str, str, float]]:
        """(record_id, cluster_id, match_probability) for every record, in input order.

        Clusters are ``c1``, ``c2``... in order of first appearance; the probability is the
        strongest link of the record inside its cluster (0 for a record alone).
        """
        yield from self.rows


def link_with_splink(records: Sequence[Record], *, backend: str = "duckdb",
                     threshold: float = 0.5, seed: int = 0,
                     duplicate_free_lists: Sequence[str] = (),
                     workdir: Path | None = None, spark_master: str = "local[2]",
                     driver_memory: str = "2g", memory_limit: str | None = None,
                     threads: int | None = None) -> SplinkLinkResult:
    """Find the same people across ``records`` with Splink on ``backend`` ("duckdb"/"spark").

    ``duplicate_free_lists``: lists that name each person at most once; no two of their
    records are put in one cluster. ``workdir`` holds spill, temporary and checkpoint files
    (a temporary directory, removed afterwards, when None). ``seed`` seeds u sampling.
    Raises :class:`EngineUnavailable` when the backend's software is not installed.
    """
    require(backend)
    if not records:
        return SplinkLinkResult([], backend, 0)
    with tempfile.TemporaryDirectory(prefix="qantar-splink-") as scratch:
        base = workdir or Path(scratch)
        table = records_table(records)
        database = open_database(backend, base, len(records), memory_limit=memory_limit,
                                 threads=threads, spark_master=spark_master,
                                 driver_memory=driver_memory)
        try:
            splink_table = database.api.register(table, table_name="records")
            del table
            linker = make_linker(splink_table, name_comparisons() + other_comparisons(),
                                 common_blocking_rules() + name_blocking_rules())
            train(linker, seed)
            predictions = linker.inference.predict(threshold_match_probability=threshold)
            clusters = cluster_ids(linker, predictions, threshold, duplicate_free_lists)
            strongest = strongest_links(predictions, clusters)
            scored = count_rows(predictions)
        finally:
            database.close()
    labels: dict[str, str] = {}
    rows = []
    for record in records:
        cluster = clusters.get(record.record_id, f"alone:{record.record_id}")
        label = labels.setdefault(cluster, f"c{len(labels) + 1}")
        rows.append((record.record_id, label, round(strongest.get(record.record_id, 0.0), 6)))
    return SplinkLinkResult(rows, backend, scored)
