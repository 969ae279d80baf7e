"""``qantar lists``: import with a progress bar, link, review statistics, capture histories."""

from __future__ import annotations

from click.testing import CliRunner

from qantar.cli import main
from qantar.lists.models import ImportedList, ListEntry
from tests.lists.conftest import MEDIA, NGO, OFFICIAL, write


def _run(*args: str):  # noqa: ANN202
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_import_link_and_export_from_the_command_line(documenter, collection, tmp_path):
    common = ["--as", "documenter", "--collection", collection.name]
    official = write(tmp_path, "official.csv", OFFICIAL, "cp1251")
    result = _run("lists", "import", str(official), "--list", "Official", "--yes",
                  "--compiled-by", "Prosecutor General", "--compiled-on", "2022-08",
                  "--method", "official", "--status", "dead", *common)
    assert result.exit_code == 0, result.output
    assert "3 rows imported, 0 skipped, 0 cells not understood." in result.output
    assert "Фамилия                        → surname" in result.output
    again = _run("lists", "import", str(official), "--list", "Official", "--yes", *common)
    assert "already in the list “Official”: nothing changed." in again.output
    assert ListEntry.objects.count() == 3
    for name, text in (("NGO", NGO), ("Media", MEDIA)):
        assert _run("lists", "import", str(write(tmp_path, f"{name}.csv", text)), "--list",
                    name, "--yes", *common).exit_code == 0
    linked = _run("lists", "link", "--accept", *common)
    assert "7 entries, 4 people" in linked.output
    assert "4 people created, 0 joined, 0 clusters left for review." in linked.output
    out = tmp_path / "overlap.csv"
    assert _run("lists", "capture-histories", "--out", str(out), *common).exit_code == 0
    assert out.read_text() == "Media,NGO,Official,count\n1,1,1,1\n1,0,1,1\n0,1,0,1\n0,0,1,1\n"
    stats = _run("lists", "review-stats", *common)
    assert "decisions: 0\nreviewers: 0" in stats.output
    assert ImportedList.objects.get(name="Official").compiled_by == "Prosecutor General"


def test_a_bad_file_stops_with_exit_code_2_and_changes_nothing(documenter, collection,
                                                               tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"surname\nA\n")
    result = CliRunner().invoke(main, ["lists", "import", str(path), "--list", "X", "--yes",
                                       "--as", "documenter", "--collection", collection.name])
    assert result.exit_code == 2
    assert "Error [not_a_workbook] (file): list.xlsx is named .xlsx" in result.output
    assert ImportedList.objects.count() == 0


def test_a_column_mapping_can_be_corrected(documenter, collection, tmp_path):
    path = write(tmp_path, "x.csv", "Фамилия,Примечание\nСаханбаев,убит\n")
    result = _run("lists", "import", str(path), "--list", "X", "--yes", "--map",
                  "Примечание=cause_of_death", "--as", "documenter", "--collection",
                  collection.name)
    assert result.exit_code == 0, result.output
    assert ImportedList.objects.get().jobs.get().column_mapping == {"surname": 0,
                                                                   "cause_of_death": 1}
