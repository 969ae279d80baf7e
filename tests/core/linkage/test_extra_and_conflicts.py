"""Extra columns as comparisons, conflicts that strong evidence can outweigh, namesakes."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
from click.testing import CliRunner

from qantar.cli import main
from qantar.core.linkage import Record, link, read_records
from qantar.core.linkage.comparisons import date_digits, one_digit_apart, text_levels
from qantar.core.linkage.engine import CONFLICT_BITS
from qantar.core.linkage.exclusivity import share_between_namesakes
from qantar.core.linkage.prepare import Vocabulary

HEADER = "record_id,list,given_name,surname,birth_date,passport,address\n"


GIVEN = ["Aidos", "Nurlan", "Marat", "Erlan", "Serik", "Bolat", "Asset", "Dauren", "Kanat",
         "Ruslan"]
SURNAMES = ["Akhmetov", "Seitov", "Omarov", "Zhumabaev", "Kasymov", "Nurpeisov", "Tokayev",
            "Baimukhanov"]


def _person(index: int, list_name: str = "a", prefix: str = "p") -> Record:
    """Person ``index``: every fortieth shares the name, born 3 or 5 years apart."""
    return Record(f"{prefix}{index}", list_name, given_name=GIVEN[index % 10],
                  surname=SURNAMES[index % 8],
                  birth_date=dt.date(1960 + index % 7, 1 + index % 12, 1 + index % 28),
                  extra={"passport": f"N{1000 + index}", "address": f"{index} abay street"})


def _people() -> list[Record]:
    """120 people on list ``a`` and a third of them again on list ``b`` (``d…``)."""
    return [_person(index) for index in range(120)] + [
        _person(index, "b", "d") for index in range(0, 120, 3) if index not in (3, 6)]


def _variant(index: int, record_id: str, given_name: str, passport: str) -> Record:
    """Person ``index`` on list ``b`` under another given name and passport."""
    person = _person(index)
    return Record(record_id, "b", given_name=given_name, surname=person.surname,
                  birth_date=person.birth_date,
                  extra={"passport": passport, "address": person.extra["address"]})


def test_read_records_keeps_extra_columns_and_drops_blank_cells():
    text = HEADER + "r1,a,Aidos,Seitov,1990-01-02,N123, 5 Abay  Street \nr2,a,Marat,Omarov,,,\n"
    records = read_records(text).records
    assert dict(records[0].extra) == {"passport": "N123", "address": "5 Abay  Street"}
    assert dict(records[1].extra) == {}
    assert Record("x").extra == {}


def test_text_levels_exact_close_similar_different():
    vocabulary = Vocabulary()
    texts = ["wallaby place", "wallaby plaec", "kent street", "tent streat", "sa", "wa",
             "1804974", "1804947"]
    ids = np.array([vocabulary.id(text) for text in texts], dtype=np.int64)
    left = ids[[0, 0, 2, 4, 6, 0, 0]]
    right = np.r_[ids[[0, 1, 3, 5, 7, 2]], -1]
    assert text_levels(vocabulary, left, right).tolist() == [0, 1, 2, 3, 1, 3, -1]


def test_birth_date_one_digit_typo():
    digits = date_digits(np.array([1956, 1965, 1956, 1957]), np.array([4, 4, 4, 4]),
                         np.array([9, 9, 28, 9]))
    assert digits[0].tolist() == [1, 9, 5, 6, 0, 4, 0, 9]
    assert one_digit_apart(digits[[0, 0, 0]], digits[[1, 2, 3]]).tolist() == [True, False, True]


def test_extra_columns_become_learned_features():
    result = link(_people())
    assert [feature.name for feature in result.features][-2:] == [
        "address_matches", "passport_matches"]
    pair = next(p for p in result.pairs() if {p.left_id, p.right_id} == {"p9", "d9"})
    levels = {evidence.feature: evidence.level for evidence in pair.explanation}
    assert (levels["passport_matches"], levels["address_matches"]) == ("exact", "exact")
    clusters = {record_id: cluster for record_id, cluster, _ in result.assignments()}
    assert all(clusters[f"p{index}"] == clusters[f"d{index}"] for index in range(0, 120, 3)
               if index not in (3, 6))
    assert len(set(clusters.values())) == 120


def test_a_conflict_is_outweighed_only_by_other_evidence():
    records = _people()
    # Same passport and address, surname and birth date, but another given name (a clerk
    # wrote the wrong one): linked through the extra columns despite the conflict.
    records.append(_variant(3, "q3", "Zhanar", "N1003"))
    # A twin: same surname, birth date and address, other given name and passport.
    records.append(_variant(5, "t5", "Timur", "N9999"))
    result = link(records)
    clusters = {record_id: cluster for record_id, cluster, _ in result.assignments()}
    assert clusters["p3"] == clusters["q3"]
    assert clusters["p5"] != clusters["t5"]
    twin = next(p for p in result.pairs() if {p.left_id, p.right_id} == {"p5", "t5"})
    assert twin.explanation[-1].feature == "no_conflict"
    assert twin.probability < 0.01


def test_twins_without_extra_columns_stay_apart_whatever_agrees():
    twins = [Record(f"t{i}", "a", given_name=name, surname="Seitov", patronymic="Bolatovich",
                    birth_date=dt.date(1999, 2, 1), region="Shymkent", city="Shymkent")
             for i, name in enumerate(["Aidos", "Aidar"])]
    result = link(_people() + twins)
    clusters = {record_id: cluster for record_id, cluster, _ in result.assignments()}
    assert clusters["t0"] != clusters["t1"]
    pair = next(p for p in result.pairs() if {p.left_id, p.right_id} == {"t0", "t1"})
    conflict = pair.explanation[-1]
    positive = sum(e.weight for e in pair.explanation[:-1] if e.weight > 0)
    negative = sum(e.weight for e in pair.explanation[:-1] if e.weight < 0)
    assert conflict.feature == "no_conflict"
    # The conflict cancels what the standard fields said for the match and adds CONFLICT_BITS.
    assert conflict.weight == round(CONFLICT_BITS - max(positive + negative, 0.0), 3)


def test_namesakes_share_the_odds():
    # Record 0 (list 0) matches 1 and 2 (list 1, two different people) at odds 3 each, and
    # 3 (list 2) alone; 4 and 5 (list 1) are one person written twice.
    left = np.array([0, 0, 0, 0, 0, 4], dtype=np.int64)
    right = np.array([1, 2, 3, 4, 5, 5], dtype=np.int64)
    probability = np.array([0.75, 0.75, 0.75, 0.5, 0.5, 0.9])
    lists = np.array([0, 1, 1, 2, 3, 3], dtype=np.int64)
    shared = share_between_namesakes(6, left, right, probability, lists, threshold=0.5)
    assert shared.round(4).tolist() == [0.4286, 0.4286, 0.75, 0.5, 0.5, 0.9]


def test_cli_passes_other_columns_through_as_comparisons(tmp_path):
    rows = [f"{r.record_id},{r.list_name},{r.given_name},{r.surname},{r.birth_date},"
            f"{r.extra['passport']},{r.extra['address']}\n" for r in _people()]
    rows.append("q3,b,Zhanar,Zhumabaev,1963-04-04,N1003,3 abay street\n")
    source = tmp_path / "lists.csv"
    source.write_text(HEADER + "".join(rows), encoding="utf-8")
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(main, ["link", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    clusters = {row["record_id"]: row["cluster_id"]
                for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert clusters["p3"] == clusters["q3"]
    assert len(set(clusters.values())) == 120
