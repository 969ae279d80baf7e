"""The CLI over the same services: users, collections, export and import."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry
from qantar.cli import main
from qantar.records.models import Person
from tests.fixtures.factories import make_user, member

pytestmark = pytest.mark.django_db(transaction=False)


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_identifying_exports_are_sealed_and_import_back_idempotently(
    gate, collection, person, tmp_path, monkeypatch
):
    monkeypatch.setenv("QANTAR_EXPORT_PASSPHRASE", "export passphrase 2022")
    out = tmp_path / "bundle.json.sealed"
    result = run("export", "--as", "documenter", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"QANTAR-SEALED/1\n")
    assert b"Sakhanbayev" not in out.read_bytes()
    bundle = json.loads(run("open-sealed", str(out)).output)
    assert [p["names"][0]["value"] for p in bundle["persons"]] == ["Dosai Sakhanbayev"]

    run("collections", "create", "--as", "documenter", "Copy")
    first = run("import", "--as", "documenter", "--collection", "Copy", str(out))
    second = run("import", "--as", "documenter", "--collection", "Copy", str(out))
    assert first.exit_code == 0 and second.exit_code == 0
    # The person keeps its id, so it is already present — in any collection.
    assert "already present" in second.output
    assert Person.objects.count() == 1


def test_analyst_csv_export_has_pseudonyms_and_no_names(collection, person):
    member(make_user("analyst"), collection, Role.ANALYST)
    result = run("export", "--as", "analyst", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows == [
        {
            "record_id": person.pseudonym,
            "list": "qantar",
            "full_name": "",
            "given_name": "",
            "surname": "",
            "patronymic": "",
            "birth_date": "",
            "birth_year": "",
            "age": "40",
            "sex": "male",
            "region": "",
            "city": "",
            "date_of_death": "",
            "iin": "",
        }
    ]
    assert "Sakhanbayev" not in result.output
    assert AuditEntry.objects.filter(action="export").count() == 1


def test_import_of_malformed_files_is_refused_and_changes_nothing(gate, collection, tmp_path):
    cases = {
        "broken.json": b"{not json",
        "cp1251.json": '{"persons": [{"names": [{"value": "Саханбаев"}]}]}'.encode("cp1251"),
        "list.json": b"[1, 2, 3]",
        "badperson.json": json.dumps({"persons": [{"key": "p1", "names": []}]}).encode(),
        "baddate.json": json.dumps(
            {"events": [{"key": "e1", "title": "x", "date": "2022-13-01"}]}
        ).encode(),
    }
    before = AuditEntry.objects.count()
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = CliRunner().invoke(
            main, ["import", "--as", "documenter", "--collection", collection.name, str(path)]
        )
        assert result.exit_code == 2, (name, result.output)
        assert "Error [" in result.output and "Traceback" not in result.output
    assert Person.all_objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_unknown_user_and_invisible_collection_are_clear_errors(collection):
    result = CliRunner().invoke(main, ["export", "--as", "nobody"])
    assert result.exit_code == 2
    assert "No active user “nobody”" in result.output


def test_users_and_roles_from_the_cli(documenter, collection):
    documenter.is_staff = True
    member(documenter, collection, Role.ADMINISTRATOR)
    weak = run(
        "users", "create", "--as", "documenter", "lawyer1", "--password-stdin", stdin="short\n"
    )
    assert weak.exit_code == 2 and "too short" in weak.output
    made = run(
        "users",
        "create",
        "--as",
        "documenter",
        "lawyer1",
        "--password-stdin",
        stdin="a long enough passphrase 2022\n",
    )
    assert made.exit_code == 0, made.output
    granted = run(
        "collections", "grant", "--as", "documenter", collection.name, "lawyer1", "lawyer"
    )
    assert granted.output.strip() == f"lawyer1 is now lawyer in {collection.name}."
