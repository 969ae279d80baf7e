"""``qantar evidence``: add, list, verify (exit status on any failure), export sealed, custody."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from click.testing import CliRunner

from qantar.cli import main
from qantar.core.container import open_container
from qantar.evidence.models import EvidenceItem
from qantar.evidence.store import blob_path
from qantar.records import services as records
from tests.evidence.conftest import files_in, jpeg_with_gps, state

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long export passphrase"


def _run(*args: str, **env: str):  # noqa: ANN202
    return CliRunner(env=env or None).invoke(main, list(args))


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "Фото побоев.jpg"
    path.write_bytes(jpeg_with_gps())
    return path


def test_add_list_verify_and_custody(documenter, collection, person, photo, store):
    common = ["--as", "documenter"]
    added = _run(
        "evidence",
        "add",
        str(photo),
        "--collection",
        collection.name,
        "--person",
        person.pseudonym,
        "--kind",
        "photo",
        "--description",
        "Bruises",
        "--received-from",
        "From the wife",
        *common,
    )
    assert added.exit_code == 0, added.output
    item = EvidenceItem.objects.get()
    assert added.output == f"{item.pk}  sha256 {item.sha256}  stored\n"
    assert item.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert (item.person, item.original_name) == (person, "Фото побоев.jpg")
    again = _run(
        "evidence",
        "add",
        str(photo),
        "--collection",
        collection.name,
        "--person",
        str(person.pk),
        "--kind",
        "photo",
        *common,
    )
    assert again.output.endswith("already stored: nothing changed\n")
    assert EvidenceItem.objects.count() == 1
    assert len(files_in(store)) == 1

    listed = _run("evidence", "list", "--json", *common)
    row = json.loads(listed.output)
    assert (row["id"], row["sha256"], row["name"]) == (str(item.pk), item.sha256, "Фото побоев.jpg")
    assert [event["action"] for event in row["custody"]] == ["received", "stored"]

    verified = _run("evidence", "verify", "--all", *common)
    assert verified.exit_code == 0
    assert verified.stdout == f"{item.pk}  intact\n"
    custody = _run("evidence", "custody", str(item.pk), *common)
    assert [line.split("\t")[2] for line in custody.output.splitlines()] == [
        "received",
        "stored",
        "verified",
    ]


def test_verify_exits_non_zero_on_an_altered_or_missing_file(
    documenter, collection, person, photo, tmp_path
):
    other = tmp_path / "letter.txt"
    other.write_bytes(b"Hospital letter")
    for path in (photo, other):
        assert (
            _run(
                "evidence",
                "add",
                str(path),
                "--collection",
                collection.name,
                "--person",
                str(person.pk),
                "--kind",
                "other",
                "--as",
                "documenter",
            ).exit_code
            == 0
        )
    first, second = EvidenceItem.objects.order_by("received_at")
    path = blob_path(first.blob_address)
    os.chmod(path, 0o600)
    path.write_bytes(path.read_bytes()[:-1])
    blob_path(second.blob_address).unlink()
    stray = blob_path("ab" * 32)
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"left by a rolled-back save")
    result = _run("evidence", "verify", "--all", "--as", "documenter")
    assert result.exit_code == 6
    assert sorted(result.stdout.splitlines()) == sorted(
        [f"{first.pk}  altered", f"{second.pk}  missing"]
    )
    assert "2 checked, 2 altered or missing." in result.output
    assert "1 stored files belong to no item" in result.output
    assert _run("evidence", "verify", "--as", "documenter").exit_code == 2


def test_export_is_sealed_with_consent_and_a_custody_event(
    documenter, gate, collection, person, photo, tmp_path
):
    _run(
        "evidence",
        "add",
        str(photo),
        "--collection",
        collection.name,
        "--person",
        str(person.pk),
        "--kind",
        "photo",
        "--as",
        "documenter",
    )
    item = EvidenceItem.objects.get()
    out = tmp_path / "out.sealed"
    env = {"QANTAR_EXPORT_PASSPHRASE": PASSPHRASE}
    before = state()
    refused = _run(
        "evidence",
        "export",
        str(item.pk),
        "--out",
        str(out),
        "--purpose",
        "share_partners",
        "--as",
        "documenter",
        **env,
    )
    assert refused.exit_code == 3
    assert "has not consented to share partners" in refused.output
    assert not out.exists()
    assert state()["custody"] == before["custody"]
    records.record_consent(gate, person, "share_partners", "granted", "written", "2023-01-05")
    records.record_consent(gate, person, "photographs", "granted", "written", "2023-01-05")
    result = _run(
        "evidence",
        "export",
        str(item.pk),
        "--out",
        str(out),
        "--purpose",
        "share_partners",
        "--to",
        "IPHR",
        "--as",
        "documenter",
        **env,
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out} (sealed). SHA-256 of the file inside: {item.sha256}\n"
    name, data = open_container(out.read_bytes(), PASSPHRASE)
    assert name == f"evidence-{item.pk}.jpg"
    assert hashlib.sha256(data).hexdigest() == item.sha256
    assert "Фото".encode() not in out.read_bytes()
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert [(e.action, e.party) for e in item.custody.all()][-1] == ("transferred", "IPHR")


def test_an_oversized_file_is_refused_and_leaves_nothing(
    documenter, collection, person, photo, store, settings
):
    settings.EVIDENCE_MAX_BYTES = 100
    before = state()
    result = _run(
        "evidence",
        "add",
        str(photo),
        "--collection",
        collection.name,
        "--person",
        str(person.pk),
        "--kind",
        "photo",
        "--as",
        "documenter",
    )
    assert result.exit_code == 2
    assert "Error [file_too_large] (file): The file is larger than 100 bytes" in result.output
    assert state() == before
    assert files_in(store) == []
