"""An analyst estimates the undocumented dead in a real browser (issue 7): pastes a
capture-history table, runs the recommended method, reads the estimate with its interval and
the plot of the bootstrap distribution, compares methods, keeps one, and reproduces a run."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from qantar.accounts.choices import Role
from qantar.estimation.models import EstimationRun
from tests.browser.conftest import log_in
from tests.fixtures.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Three lists of the dead of one city, matched beforehand: 146 people.
TABLE = """Volunteers,Morgue,Lawyers,count
1,0,0,52
0,1,0,31
1,1,0,18
0,0,1,22
1,0,1,9
0,1,1,7
1,1,1,7
"""


def test_analyst_estimates_compares_and_reproduces(page, site):
    member(site.user, site.collection, Role.ANALYST)
    problems: list[str] = []
    # Content Security Policy violations (an inline style in the SVG) show up as errors.
    page.on("console", lambda message: problems.append(message.text) if message.type == "error"
            and not message.location["url"].endswith("/favicon.ico") else None)
    log_in(page, site)

    page.get_by_role("link", name="Estimates").click()
    expect(page.get_by_role("heading", name="Estimates of the undocumented")).to_be_visible()
    page.get_by_role("link", name="New estimate").first.click()
    expect(page.locator("#id_method")).to_have_value("loglinear-bic")
    page.get_by_label("Paste a capture-history CSV").fill(TABLE)
    page.get_by_label("Seed").fill("2022")
    page.get_by_label("Title (optional)").fill("Dead in one city, January 2022")
    page.get_by_role("button", name="Estimate").click()

    expect(page.get_by_test_id("observed")).to_have_text("146")
    run = EstimationRun.objects.get()
    low, high = (f"{value:.0f}" for value in run.result["interval"])
    expect(page.get_by_test_id("estimate")).to_have_text(f"{run.result['estimate']:.0f}")
    expect(page.get_by_test_id("interval")).to_have_text(f"{low} to {high}")
    expect(page.get_by_test_id("summary")).to_contain_text("We documented 146 people")
    expect(page.get_by_test_id("plot").locator("svg rect.bar")).to_have_count(30)
    expect(page.get_by_role("img", name="Bootstrap distribution of the total")).to_be_visible()
    expect(page.get_by_test_id("seed")).to_have_text("2022")
    if os.environ.get("QANTAR_SCREENSHOTS"):
        page.screenshot(path=os.environ["QANTAR_SCREENSHOTS"] + "/estimate.png", full_page=True)

    page.get_by_role("link", name="Compare methods").click()
    table = page.get_by_test_id("comparison")
    expect(table.locator("tbody tr")).to_have_count(6)
    if os.environ.get("QANTAR_SCREENSHOTS"):
        page.screenshot(path=os.environ["QANTAR_SCREENSHOTS"] + "/compare.png", full_page=True)
    expect(table.locator('tr[data-method="loglinear-bic"]')).to_contain_text("this run")
    expect(table.locator('tr[data-method="chao"]')).to_contain_text("≥")
    table.locator('tr[data-method="dga"]').get_by_role("button", name="Keep as a run").click()
    expect(page.get_by_role("img", name="Posterior distribution of the total")).to_be_visible()
    assert list(EstimationRun.objects.values_list("method", flat=True)) == ["dga",
                                                                            "loglinear-bic"]

    page.get_by_role("button", name="Reproduce this run").click()
    expect(page.locator(".messages")).to_contain_text("Reproduced exactly")
    expect(page.get_by_test_id("reproductions")).to_contain_text("identical")
    page.get_by_role("link", name="Run history").click()
    expect(page.get_by_test_id("run-history").locator("tbody tr")).to_have_count(2)
    assert problems == []
