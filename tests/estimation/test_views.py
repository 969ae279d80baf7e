"""Estimation pages through the test client: running, refusing, permissions, plots, downloads."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from qantar.audit.models import AuditEntry
from qantar.core.estimation import Options, from_csv_text
from qantar.estimation import plots, services
from qantar.estimation.models import EstimationRun, Reproduction
from tests.estimation.conftest import DOCS_CSV

FAST = Options(bootstrap_replicates=100)


def post_csv(client, collection, text, **extra):
    data = {"collection": str(collection.pk), "csv_text": text, "method": "loglinear-bic",
            "seed": "11", "level": "0.95", "title": ""} | extra
    return client.post(reverse("estimation:new"), data)


@pytest.fixture
def run(analyst_gate, collection):
    return services.run_estimation(analyst_gate, collection, from_csv_text(DOCS_CSV),
                                   "loglinear-bic", seed=5, options=FAST, title="Deaths")


def test_an_analyst_pastes_a_table_and_gets_a_stored_run(client_for, analyst, collection):
    client = client_for(analyst)
    form = client.get(reverse("estimation:new")).content.decode()
    assert 'value="loglinear-bic" selected' in form
    response = post_csv(client, collection, DOCS_CSV, title="Deaths, January 2022")
    run = EstimationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("estimation:run_detail", args=[run.pk])
    assert (run.seed, run.method, run.title, run.origin) == (11, "loglinear-bic",
                                                             "Deaths, January 2022", "pasted")
    page = client.get(response["Location"]).content.decode()
    assert "Documented (a floor, not a total)" in page
    assert '<dd data-testid="estimate">215</dd>' in page
    low, high = (f"{v:.0f}" for v in run.result["interval"])
    assert f'<dd data-testid="interval">{low} to {high}</dd>' in page
    assert "What could bias this estimate" in page
    assert page.count('<rect class="bar"') == plots.DEFAULT_BINS
    assert run.input_sha256 in page


def test_an_uploaded_file_with_a_stratum_column(client_for, analyst, collection):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "".join(f"{line.rsplit(',', 1)[0]},{region},{line.rsplit(',', 1)[1]}\n"
                   for region in ("north", "south") for line in DOCS_CSV.strip().split("\n")[1:])
    upload = SimpleUploadedFile("lists.csv", ("Volunteers,Hospital,Prosecutor,region,count\n"
                                              + body).encode("utf-8"), "text/csv")
    response = client_for(analyst).post(reverse("estimation:new"), {
        "collection": str(collection.pk), "csv_file": upload, "stratum_column": "region",
        "method": "chapman", "seed": "1", "level": "0.9"})
    run = EstimationRun.objects.get()
    assert response.status_code == 302
    assert (run.origin, run.stratum_field, sorted(run.strata), run.level) == (
        "uploaded", "region", ["north", "south"], 0.9)
    page = client_for(analyst).get(response["Location"]).content.decode()
    assert 'data-testid="strata"' in page and "By stratum (region)" in page
    assert "there is no distribution to plot" in page


@pytest.mark.parametrize(("text", "reason"), [
    ("A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,2\n",
     "Only 2 people appear on more than one list"),
    ("A,B,C,count\n1,0,0,40\n1,1,0,30\n1,0,1,20\n1,1,1,5\n",
     "List &#x27;A&#x27; contains everyone observed"),
    ("A,B,C,count\n1,0,0,40\n0,1,0,30\n1,1,0,20\n", "List &#x27;C&#x27; has nobody on it"),
])
def test_a_refusal_shows_the_reason_and_no_number(client_for, analyst, collection, text,
                                                  reason):
    runs, entries = EstimationRun.objects.count(), AuditEntry.objects.count()
    response = post_csv(client_for(analyst), collection, text)
    page = response.content.decode()
    assert response.status_code == 400
    assert "No estimate is given" in page and reason in page
    observed = from_csv_text(text).observed
    assert f"Documented: {observed} people on at least one list. This is a floor" in page
    assert 'data-testid="estimate"' not in page
    assert (EstimationRun.objects.count(), AuditEntry.objects.count()) == (runs, entries)


def test_too_few_lists_for_the_method_is_refused_on_the_page(client_for, analyst, collection):
    response = post_csv(client_for(analyst), collection, "A,B,count\n1,0,40\n0,1,30\n1,1,10\n",
                        method="dga")
    assert response.status_code == 400
    assert "The dga method needs at least 3 lists" in response.content.decode()
    assert EstimationRun.objects.count() == 0


def test_a_malformed_table_is_shown_next_to_the_field(client_for, analyst, collection):
    response = post_csv(client_for(analyst), collection, "A,B,C\n1,0,0\n")
    assert response.status_code == 400
    assert "The header has no &#x27;count&#x27; column" in response.content.decode()
    assert EstimationRun.objects.count() == 0


def test_viewers_cannot_use_estimation(client_for, viewer, run):
    client = client_for(viewer)
    assert client.get(reverse("estimation:home")).status_code == 403
    assert client.get(reverse("estimation:new")).status_code == 403
    assert client.get(reverse("estimation:run_detail", args=[run.pk])).status_code == 403
    assert client.get(reverse("estimation:run_input_csv", args=[run.pk])).status_code == 403
    assert client.post(reverse("estimation:run_reproduce", args=[run.pk])).status_code == 403
    assert Reproduction.objects.count() == 0


def test_another_collections_runs_are_invisible(client_for, outsider, run):
    client = client_for(outsider)
    for name in ("run_detail", "run_compare", "run_input_csv", "run_result_json"):
        assert client.get(reverse(f"estimation:{name}", args=[run.pk])).status_code == 404
    assert client.post(reverse("estimation:run_reproduce", args=[run.pk])).status_code == 404
    assert client.post(reverse("estimation:run_again", args=[run.pk]),
                       {"method": "dga"}).status_code == 404
    assert run.title not in client.get(reverse("estimation:home")).content.decode()
    assert EstimationRun.objects.count() == 1


def test_the_history_lists_runs_with_their_seed_and_hash(client_for, analyst, run):
    page = client_for(analyst).get(reverse("estimation:home")).content.decode()
    assert "Deaths" in page and run.input_sha256[:12] in page
    assert "<td>5</td>" in page


def test_reproduce_button_says_identical_and_keeps_the_attempt(client_for, analyst, run):
    client = client_for(analyst)
    response = client.post(reverse("estimation:run_reproduce", args=[run.pk]), follow=True)
    page = response.content.decode()
    assert "Reproduced exactly" in page
    assert Reproduction.objects.get().is_identical is True
    assert '<strong>identical</strong>' in page


def test_compare_methods_lists_every_quick_method(client_for, analyst, run):
    page = client_for(analyst).get(reverse("estimation:run_compare", args=[run.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    methods = re.findall(r'<tr data-method="([a-z-]+)"', text)
    assert methods == ["loglinear-aic", "loglinear-bic", "stepwise", "dga", "chapman", "chao"]
    assert "Include the latent-class model (LCMCR)" in text


def test_keep_a_compared_method_as_a_run(client_for, analyst, run):
    response = client_for(analyst).post(reverse("estimation:run_again", args=[run.pk]),
                                        {"method": "chapman"})
    again = EstimationRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == reverse("estimation:run_detail", args=[again.pk])
    assert (again.method, again.seed, again.input_sha256) == ("chapman", 5, run.input_sha256)


def test_downloads_give_the_input_and_the_result(client_for, analyst, run):
    client = client_for(analyst)
    csv_response = client.get(reverse("estimation:run_input_csv", args=[run.pk]))
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response.content.decode() == DOCS_CSV
    result = json.loads(client.get(reverse("estimation:run_result_json", args=[run.pk])).content)
    assert (result["input_sha256"], result["seed"], result["method"]) == (
        run.input_sha256, 5, "loglinear-bic")
    assert result["result"]["observed"] == 119
    assert result["parameters"]["bootstrap_replicates"] == 100
    exports = AuditEntry.objects.filter(action="export", object_id=str(run.pk))
    assert sorted(e.details["export"] for e in exports) == ["input_csv", "result_json"]


def test_records_provider_page_runs_from_cited_sources(client_for, analyst, gate, collection):
    from qantar.records import services as records
    from tests.fixtures.factories import person_data

    lists = [records.record_source(gate, collection, {"title": title, "source_type": "report"})
             for title in ("Volunteers", "Hospital", "Prosecutor")]
    for pattern, count in (((1, 0, 0), 6), ((0, 1, 0), 5), ((1, 1, 0), 3), ((0, 0, 1), 4),
                           ((1, 0, 1), 2), ((0, 1, 1), 2), ((1, 1, 1), 1)):
        for _ in range(count):
            person = records.record_person(gate, collection, person_data(status="dead"))
            for listed, on in zip(lists, pattern, strict=True):
                if on:
                    records.cite(gate, listed, person)
    client = client_for(analyst)
    url = reverse("estimation:new_from", args=["record_sources"])
    page = client.get(url).content.decode()
    assert "Volunteers (" in page
    response = client.post(url, {"collection": str(collection.pk),
                                 "sources": [str(s.pk) for s in lists], "status": "dead",
                                 "method": "chapman", "seed": "3", "level": "0.95"})
    run = EstimationRun.objects.get()
    assert response.status_code == 302
    assert run.input_table["rows"] == [[1, 0, 0, 6], [0, 1, 0, 5], [1, 1, 0, 3], [0, 0, 1, 4],
                                       [1, 0, 1, 2], [0, 1, 1, 2], [1, 1, 1, 1]]
    detail = client.get(response["Location"]).content.decode()
    assert "Documented, but cited by none of the chosen sources: 0." in detail
    assert client.get(reverse("estimation:new_from", args=["nothing"])).status_code == 404


def test_the_histogram_has_one_bar_per_bin_and_no_inline_style():
    labels = plots.PlotLabels("Posterior", "Draws", "documented", "estimate", "95% interval",
                              "{low} to {high}: {count} draws")
    draws = [100 + (i % 37) * 3.5 for i in range(500)]
    for bins in (5, 12, 30):
        plot = plots.histogram(draws, 160.0, (110.0, 220.0), 90, labels, bins=bins)
        assert plot.svg.count('<rect class="bar"') == bins == plot.bins
        assert "style" not in plot.svg
        assert plot.hidden == 0
    heavy = plots.histogram([*draws, 10_000.0], 160.0, (110.0, 220.0), 90, labels)
    assert heavy.hidden == 1
    assert plots.histogram([], 160.0, (110.0, 220.0), 90, labels) is None
    escaped = plots.histogram(draws, 160.0, (110.0, 220.0), 90,
                              plots.PlotLabels("<script>", "d", "o", "e", "i", "{count}"))
    assert "<script>" not in escaped.svg and "&lt;script&gt;" in escaped.svg
