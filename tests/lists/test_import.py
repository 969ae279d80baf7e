"""Importing person lists: provenance, original rows, idempotency, bad rows, bad files."""

from __future__ import annotations

import json

import pytest

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry
from qantar.common.access import Gate
from qantar.core.errors import PermissionDenied, ValidationFailed
from qantar.lists import io as list_io
from qantar.lists import queries, services
from qantar.lists.models import EntryToken, ImportedList, ImportJob, ListEntry
from tests.fixtures.factories import make_user, member
from tests.lists.conftest import OFFICIAL, details, write
from tests.lists.test_io import ods_bytes, xlsx_bytes


def _state() -> tuple[int, int, int, int, int]:
    return (ImportedList.all_objects.count(), ImportJob.all_objects.count(),
            ListEntry.all_objects.count(), EntryToken.objects.count(), AuditEntry.objects.count())


def test_a_cp1251_list_keeps_provenance_and_every_original_row(gate, collection, tmp_path):
    path = write(tmp_path, "official.csv", OFFICIAL, "cp1251")
    job = services.import_file(gate, collection, path, details=details(
        "Official", compiled_by="Prosecutor General's Office", compiled_on="2022-08",
        method="official"))
    imported = job.imported_list
    assert (imported.name, imported.compiled_by, imported.compiled_on, imported.method,
            imported.person_status) == ("Official", "Prosecutor General's Office", "2022-08",
                                        "official", "dead")
    assert (job.file_format, job.encoding, job.status, job.rows_imported, job.rows_rejected) == (
        "csv", "cp1251", "done", 3, 0)
    assert job.column_mapping == {"record_id": 0, "surname": 1, "given_name": 2,
                                  "patronymic": 3, "birth_date": 4, "region": 5,
                                  "date_of_death": 6}
    assert len(job.sha256) == 64
    first = ListEntry.objects.get(imported_list=imported, line=2)
    assert json.loads(first.original) == ["1", "Саханбаев", "Досай", "Ерланович", "05.03.1981",
                                          "Алматинская", "06.01.2022"]
    assert first.key_id == imported.key_id
    raw = ListEntry.objects.filter(pk=first.pk).values_list("original", flat=True)[0]
    assert "Саханбаев".encode() not in bytes(raw)


def test_entries_are_found_by_any_spelling_through_the_blind_index(gate, collection, tmp_path):
    job = services.import_file(gate, collection, write(tmp_path, "o.csv", OFFICIAL, "cp1251"),
                               details=details("Official"))
    found = queries.entries(gate, job.imported_list, "Sakhanbayev")
    assert [entry.line for entry in found] == [2]


def test_importing_the_same_file_twice_changes_nothing(gate, collection, tmp_path):
    path = write(tmp_path, "official.csv", OFFICIAL, "cp1251")
    first = services.import_file(gate, collection, path, details=details("Official"))
    before = _state()
    again = services.import_file(gate, collection, path, details=details("Official"))
    assert again.pk == first.pk
    assert _state() == before


def test_bad_rows_are_reported_by_line_and_the_rest_is_imported(gate, collection, tmp_path):
    text = ("record_id,surname,given_name,birth_date,age\n"
            "1,Саханбаев,Досай,05.03.1981,40\n"
            "2,Ахметова,Айгуль,31.02.1990,\n"
            "3,,,1990-01-01,\n"
            "4,Жумабеков,Нурлан,01.02.1975,47,extra\n"
            "1,Саханбаев,Досай,05.03.1981,40\n"
            f"5,{'я' * 20_000},Марат,,\n"
            "6,Садыков,<script>alert(1)</script>,,400\n")
    job = services.import_file(gate, collection, write(tmp_path, "bad.csv", text),
                               details=details("Messy"))
    assert (job.rows_imported, job.rows_rejected, job.cells_blanked) == (3, 4, 2)
    assert [(p.line, p.field, p.is_skipped) for p in services.job_problems(job)] == [
        (5, "row", True), (7, "row", True), (6, "record_id", True), (3, "birth_date", False),
        (4, "full_name", True), (8, "age", False)]
    assert list(ListEntry.objects.filter(job=job).values_list("line", flat=True)) == [2, 3, 8]
    hostile = ListEntry.objects.get(job=job, line=8)
    assert json.loads(hostile.original)[2] == "<script>alert(1)</script>"


@pytest.mark.parametrize(("name", "data", "code"), [
    ("list.xlsx", b"surname,given_name\nA,B\n", "not_a_workbook"),
    ("list.csv", bytes(range(256)) * 8, "unknown_encoding"),
    ("list.csv", "Дата рождения,Возраст\n1981,40\n".encode(), "no_name_column"),
    ("list.csv", b"", "empty_file"),
])
def test_a_file_that_cannot_be_a_list_changes_nothing(gate, collection, tmp_path, name, data,
                                                      code):
    path = tmp_path / name
    path.write_bytes(data)
    before = _state()
    with pytest.raises(ValidationFailed) as error:
        services.import_file(gate, collection, path, details=details("Broken"))
    assert error.value.code == code
    assert _state() == before


def test_an_analyst_cannot_import_and_nothing_changes(collection, tmp_path):
    analyst = member(make_user("analyst"), collection, Role.ANALYST)
    before = _state()
    with pytest.raises(PermissionDenied):
        services.import_file(Gate.for_user(analyst), collection,
                             write(tmp_path, "o.csv", OFFICIAL, "cp1251"),
                             details=details("Official"))
    assert _state() == before


def test_xlsx_and_ods_lists_are_imported(gate, collection):
    rows = [["Фамилия", "Имя", "Дата смерти"], ["Саханбаев", "Досай", "06.01.2022"],
            ["Ахметова", "Айгуль", "05.01.2022"]]
    for name, data in (("l.xlsx", xlsx_bytes(rows)), ("l.ods", ods_bytes(rows))):
        table = list_io.open_table(data, name)
        job, has_rows = services.start_import(gate, collection, table, file_name=name,
                                              details=details(name),
                                              mapping=list_io.map_header(table.header))
        services.import_rows(gate, job, table)
        assert (has_rows, job.file_format, job.rows_imported) == (True, name[2:], 2)
        assert json.loads(ListEntry.objects.get(job=job, line=3).original) == rows[2]


def test_an_interrupted_import_resumes_where_it_stopped(gate, collection, tmp_path, monkeypatch):
    monkeypatch.setattr(services.imports, "BATCH_SIZE", 2)
    lines = "".join(f"{n},Фамилия{n},Имя\n" for n in range(1, 8))
    path = write(tmp_path, "long.csv", "record_id,surname,given_name\n" + lines)
    table = list_io.open_table(path, path.name)
    job, _ = services.start_import(gate, collection, table, file_name=path.name,
                                   details=details("Long"), mapping=list_io.map_header(
                                       table.header))
    seen = []
    services.import_rows(gate, job, table, max_rows=4,
                         progress=lambda current, rows: seen.append(current.last_line))
    assert (seen, job.status, job.rows_imported, job.percent_done) == ([3, 5], "running", 4, 57)
    again = services.import_file(gate, collection, path, details=details("Long"))
    assert (again.status, again.rows_imported, again.percent_done) == ("done", 7, 100)
    assert ListEntry.objects.filter(job=job).count() == 7
