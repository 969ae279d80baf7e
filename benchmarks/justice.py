"""Benchmark: the impunity funnels and the trial-monitoring aggregates at scale.

Run with ``.venv/bin/python benchmarks/justice.py`` (``--violations`` / ``--proceedings`` for
other sizes, ``--no-write`` to leave RESULTS.md alone). It builds a throw-away SQLite database
(the embedded default: WAL, foreign keys) in a temporary folder with 100,000 violations and
50,000 proceedings, plus complaints, hearing reports and checklist answers, then times:

* the officials' funnel (documented → complaints → investigations → closed / court →
  convictions), unfiltered and filtered by violation type and period;
* the mirror funnel (prosecutions of victims, activists, journalists);
* the monitoring aggregates (N trials, M hearings, violations of each right in K hearings);
* the baseline, in the same run: plain ``COUNT(*)`` over the same tables.

Rows are bulk-inserted with their derived columns filled in, as the services would leave them
(the services themselves are tested elsewhere); sealed fields stay empty, so no key is needed
for building the data. Timings are the median of five runs after one warm-up run.
The result replaces the ``## Justice`` section of RESULTS.md and keeps the others.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Justice"
BUDGET_SECONDS = 1.0
BATCH = 5000


def setup(folder: Path) -> None:
    """Django on a fresh SQLite file in ``folder``."""
    os.environ["QANTAR_DATA_DIR"] = str(folder)
    os.environ["QANTAR_SQLITE_PATH"] = str(folder / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qantar.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from qantar.justice.services import sync_reference
    from qantar.vocab.services import sync_terms

    sync_terms()
    sync_reference()


def _bulk(model: Any, rows: list[Any]) -> None:
    model.objects.bulk_create(rows, batch_size=BATCH)


def build(violations: int, proceedings: int, rng: random.Random) -> Any:
    """The synthetic data set; returns the gate of a user who may see statistics."""
    from qantar.accounts.models import Collection, Membership, User
    from qantar.common.access import Gate
    from qantar.justice import models as j
    from qantar.records.models import Involvement, Organisation, Person, Place, Violation
    from qantar.vocab.models import Term

    user = User.objects.create(username="bench")
    collection = Collection.objects.create(name="bench", records_key_id=uuid.uuid4())
    Membership.objects.create(user=user, collection=collection, role="administrator")
    country = Place.objects.create(name="Kazakhstan", kind="country")
    regions = [Place.objects.create(name=f"Region {i}", kind="region", parent=country)
               for i in range(17)]
    cities = [Place.objects.create(name=f"City {i}", kind="city", parent=regions[i % 17])
              for i in range(60)]
    agencies = list(Term.objects.filter(vocabulary="agency"))
    units = [Organisation.objects.create(name=f"Unit {i}", kind="unit",
                                         agency=agencies[i % len(agencies)]) for i in range(40)]
    types = list(Term.objects.filter(vocabulary="violation_type"))
    people = [Person(collection=collection, key_id=uuid.uuid4(), pseudonym=f"P-{i:08d}")
              for i in range(violations // 2)]
    _bulk(Person, people)
    start = date(2022, 1, 1)
    rows = []
    for i in range(violations):
        day = start + timedelta(days=rng.randrange(0, 400))
        rows.append(Violation(collection=collection, key_id=uuid.uuid4(),
                              victim=people[i % len(people)], type=rng.choice(types),
                              date=day.isoformat(), date_earliest=day, date_latest=day,
                              place=rng.choice(cities)))
    _bulk(Violation, rows)
    _bulk(Involvement, [Involvement(violation=v, key_id=v.key_id, organisation=rng.choice(units))
                        for v in rows if rng.random() < 0.8])
    complaints = [j.Complaint(collection=collection, key_id=uuid.uuid4(), filed_by="lawyer",
                              authority_kind="prosecutor", filed_on="2022-02",
                              filed_earliest=date(2022, 2, 1), filed_latest=date(2022, 2, 28))
                  for _ in range(violations * 2 // 5)]
    _bulk(j.Complaint, complaints)
    _bulk(j.Complaint.violations.through, [
        j.Complaint.violations.through(complaint_id=c.pk, violation_id=rows[k].pk)
        for k, c in enumerate(complaints)])
    cases = _cases(proceedings, collection, cities, units, rng)
    officials = [c for c in cases if c.against == "officials"]
    _bulk(j.Proceeding.violations.through, [
        j.Proceeding.violations.through(proceeding_id=c.pk, violation_id=rows[k * 3].pk)
        for k, c in enumerate(officials) if k * 3 < len(rows)])
    _monitoring(collection, cases, rng)
    return Gate.for_user(user)


def _cases(count: int, collection: Any, cities: list[Any], units: list[Any],
           rng: random.Random) -> list[Any]:
    from qantar.justice import models as j

    statuses = ["registered", "refused", "investigating", "closed", "closed", "closed",
                "at_trial", "decided", "final", "on_appeal"]
    grounds = ["no_evidence", "no_corpus_delicti", "amnesty", "perpetrator_not_identified"]
    cases = []
    for i in range(count):
        status = rng.choice(statuses)
        day = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 500))
        court = status in {"at_trial", "decided", "final", "on_appeal"}
        cases.append(j.Proceeding(
            collection=collection, key_id=uuid.uuid4(), procedure="criminal",
            against="officials" if i % 5 < 3 else rng.choice(["victim", "activist",
                                                             "journalist"]),
            authority=rng.choice(units), place=rng.choice(cities), status=status,
            closure_ground=rng.choice(grounds) if status == "closed" else "",
            was_investigated=status not in {"registered", "refused"}, was_sent_to_court=court,
            convicted_count=rng.randint(0, 3) if status in {"decided", "final"} else 0,
            acquitted_count=rng.randint(0, 1) if status in {"decided", "final"} else 0,
            amnestied_count=rng.randint(0, 1) if status == "final" else 0,
            started_on=day.isoformat(), started_earliest=day, started_latest=day))
    _bulk(j.Proceeding, cases)
    return cases


def _monitoring(collection: Any, cases: list[Any], rng: random.Random) -> None:
    from qantar.justice import models as j

    indicators = list(j.FairTrialIndicator.objects.all())
    tried = [c for c in cases if c.was_sent_to_court][:4000]
    reports = []
    for case in tried:
        for _ in range(rng.randint(1, 5)):
            day = date(2022, 3, 1) + timedelta(days=rng.randrange(0, 600))
            reports.append(j.MonitoringReport(collection=collection, key_id=case.key_id,
                                              proceeding=case, held_on=day.isoformat(),
                                              held_earliest=day, held_latest=day,
                                              openness=rng.choice(["public", "closed"])))
    _bulk(j.MonitoringReport, reports)
    answers = []
    for report in reports:
        for indicator in indicators:
            answer = rng.choice(["yes", "no", "no", "unclear"])
            answers.append(j.IndicatorAnswer(
                report=report, indicator=indicator, key_id=report.key_id, answer=answer,
                is_violation=bool(indicator.violation_answer)
                and answer == indicator.violation_answer))
    _bulk(j.IndicatorAnswer, answers)


def timed(function: Callable[[], Any], runs: int = 5) -> float:
    """Median wall seconds of ``runs`` calls after one warm-up call."""
    function()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def measure(gate: Any) -> list[tuple[str, float]]:
    """Each step's median time; the baselines first."""
    from django.db import connection

    from qantar.justice import queries

    def count(table: str) -> Callable[[], Any]:
        def run() -> Any:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed names)
                return cursor.fetchone()
        return run

    return [
        ("baseline: COUNT(*) violations", timed(count("records_violation"))),
        ("baseline: COUNT(*) proceedings", timed(count("justice_proceeding"))),
        ("baseline: COUNT(*) checklist answers", timed(count("justice_indicatoranswer"))),
        ("officials' funnel, no filter", timed(lambda: queries.officials_funnel(gate, {}))),
        ("officials' funnel, type = torture, from 2022-06",
         timed(lambda: queries.officials_funnel(gate, {"type": "torture",
                                                       "date_from": "2022-06"}))),
        ("officials' funnel, agency = police",
         timed(lambda: queries.officials_funnel(gate, {"agency": "police"}))),
        ("mirror funnel (prosecutions), no filter",
         timed(lambda: queries.prosecutions_funnel(gate, {}))),
        ("monitoring aggregates, no filter", timed(lambda: queries.monitoring_summary(gate))),
    ]


def write_section(text: str) -> None:
    """Replace this benchmark's section of RESULTS.md, keeping the others."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    parts = current.split("\n## ")
    kept = [parts[0]] + [p for p in parts[1:] if not ("## " + p).startswith(SECTION + "\n")]
    path.write_text("\n## ".join(kept).rstrip() + "\n\n" + text + "\n", encoding="utf-8")


def main() -> None:
    """Build, time, print and record."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--violations", type=int, default=100_000)
    parser.add_argument("--proceedings", type=int, default=50_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qantar-bench-justice-") as folder:
        setup(Path(folder))
        began = time.perf_counter()
        gate = build(args.violations, args.proceedings, random.Random(2022))
        built = time.perf_counter() - began
        from qantar.justice.models import IndicatorAnswer, MonitoringReport

        sizes = (f"{args.violations:,} violations, {args.proceedings:,} proceedings, "
                 f"{MonitoringReport.objects.count():,} hearing reports, "
                 f"{IndicatorAnswer.objects.count():,} checklist answers")
        results = measure(gate)
    slowest = max(seconds for name, seconds in results if not name.startswith("baseline"))
    machine = (f"{platform.platform()}; Python {platform.python_version()}; "
               f"{os.cpu_count()} CPUs; load average "
               f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    lines = [SECTION, "",
             f"`.venv/bin/python benchmarks/justice.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} "
             f"UTC. Machine: {machine}. SQLite (embedded default), {sizes}; data built in "
             f"{built:.0f} s (bulk inserts, not timed). Median of 5 runs after a warm-up.", "",
             "| step | wall ms |", "|---|---:|"]
    lines += [f"| {name} | {seconds * 1000:.2f} |" for name, seconds in results]
    verdict = "within" if slowest < BUDGET_SECONDS else "OVER"
    lines += ["", f"Result: {verdict} the 1 s budget (slowest aggregate "
              f"{slowest * 1000:.0f} ms)."]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
