"""``qantar estimate``: the command-line contract and its errors (no tracebacks)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from qantar.cli.estimate import command
from tests.core.estimation.shared_tables import benchmark_folder, load

KOREA = "korea_palembang_comfort_women_3lists.csv"


def run(*args: str):
    return CliRunner().invoke(command, list(args))


def test_json_contract(tmp_path):
    load(KOREA)  # skips (or fails in CI) without the shared folder
    result = run(str(benchmark_folder() / KOREA), "--method", "loglinear-bic", "--json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert set(payload) >= {"observed", "estimate", "interval", "level", "method", "model"}
    assert payload["observed"] == 123
    assert payload["estimate"] == 157.2
    assert payload["level"] == 0.95
    assert payload["method"] == "loglinear-bic"
    assert payload["model"] == "[b*c, c*d]"
    assert payload["interval"][0] <= 157.2 <= payload["interval"][1]


def test_text_output_names_the_floor_and_the_method(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("A,B,count\n1,0,40\n0,1,30\n1,1,10\n")
    result = run(str(path), "--method", "chapman")
    assert result.exit_code == 0
    assert "Observed (documented, a floor): 80" in result.output
    assert "Estimated total:                189" in result.output
    assert "Method:                         chapman" in result.output


def test_default_method_is_loglinear_bic(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,10\n1,0,1,8\n"
                    "0,1,1,6\n1,1,1,3\n")
    result = run(str(path), "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["method"] == "loglinear-bic"


def test_bad_values_give_a_one_line_error_and_exit_2(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("A,B,count\n1,2,40\n")
    result = run(str(path))
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error [not_binary] (pattern): Line 2: list columns must be 0 or 1, found '2'.")
    assert "Traceback" not in result.output


def test_missing_file_is_a_clear_error(tmp_path):
    result = run(str(tmp_path / "absent.csv"))
    assert result.exit_code == 2
    assert "Error [unreadable_file]" in result.output


def test_refusal_explains_why_no_number(tmp_path):
    path = tmp_path / "everyone.csv"
    path.write_text("A,B,C,count\n1,0,0,40\n1,1,0,30\n1,0,1,20\n1,1,1,5\n")
    result = run(str(path), "--method", "loglinear-aic")
    assert result.exit_code == 2
    assert "Error [list_contains_everyone] (A): List 'A' contains everyone" in result.output


def test_cp1251_and_utf16_files_are_read(tmp_path):
    text = "Мемориал,Прокуратура,count\n1,0,40\n0,1,30\n1,1,10\n"
    for encoding in ("cp1251", "utf-16"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        result = run(str(path), "--method", "chapman", "--json")
        assert result.exit_code == 0
        assert json.loads(result.output)["observed"] == 80
