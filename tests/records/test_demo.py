"""The demo data set from the five seed reports: complete, cited, loadable, idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qantar.common.access import Gate
from qantar.records import queries
from qantar.records.demo.loader import load_demo
from qantar.records.models import Citation, Person, Violation
from tests.fixtures.factories import make_user

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CHECKER = Path(__file__).resolve().parents[2] / "src/qantar/records/demo/check_seed_data.py"


def _seeds_or_skip() -> Path:
    if SEEDS.is_dir():
        return SEEDS
    if os.environ.get("CI") == "true":
        pytest.fail(f"The seed reports are required under CI and were not found at {SEEDS}.")
    pytest.skip(f"The seed reports are not beside the project ({SEEDS}).")


def test_every_quote_is_verbatim_in_its_seed_report_and_every_reference_resolves():
    seeds = _seeds_or_skip()
    result = subprocess.run(
        [sys.executable, str(CHECKER), str(seeds)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: all checks passed" in result.stdout


@pytest.mark.django_db
def test_demo_loads_once_with_the_seed_cases_findable_by_name(django_capture_on_commit_callbacks):
    admin = make_user("admin", is_superuser=True, is_staff=True)
    first = load_demo(admin)
    second = load_demo(admin)

    assert "Imported 5 sources" in first and "53 persons, 88 violations" in first
    assert second.endswith("Imported nothing new; 313 already present. Justice demo: 0 new "
                           "cases, 0 new complaints, 0 new reported figures. Demo person lists: "
                           "0 new collections, 0 new list entries, 0 new linkage runs.")
    assert first.endswith("Justice demo: 18 new cases, 1 new complaints, 34 new reported figures. "
                          "Demo person lists: 2 new collections, 56 new list entries, 2 new "
                          "linkage runs.")
    gate = Gate.for_user(admin)
    assert queries.counts(gate) == {"people": 53, "events": 56, "violations": 88, "sources": 5}

    for name in ("Kosai Makhanbayev", "Yermek Abdrashev", "Sultan Kamshybek", "Sergey Shutov"):
        found = [p for p in queries.people(gate, {"q": name}) if p.names.all()[0].value == name]
        assert len(found) == 1, name
        assert found[0].violations.exists(), name
        assert Citation.objects.filter(object_id=found[0].pk).exists(), name

    spelled = {p.names.all()[0].value for p in queries.people(gate, {"q": "Mahanbaev"})}
    assert "Kosai Makhanbayev" in spelled
    kosai = next(
        p
        for p in queries.people(gate, {"q": "Маханбаев Косай"})
        if p.names.all()[0].value == "Kosai Makhanbayev"
    )
    types = set(kosai.violations.values_list("type__code", flat=True))
    assert {"torture", "removal_from_hospital"} <= types
    assert Violation.objects.filter(
        victim=kosai, type__code="torture", involvements__organisation__agency__code="knb"
    ).exists()
    assert Person.objects.filter(violations__type__code="killing").distinct().count() >= 8
