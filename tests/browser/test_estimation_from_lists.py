"""From linked person lists to an estimate in a real browser: a documenter who linked three
lists opens New estimate, chooses the lists' provider, ticks the lists and reads how the
people were counted beside the estimate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qantar.common.access import Gate
from qantar.estimation.models import EstimationRun
from qantar.lists import services
from tests.browser.conftest import log_in
from tests.lists.test_counting import PATTERNS, _invented_lists

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_documenter_estimates_from_linked_lists(page, site, tmp_path):
    gate = Gate.for_user(site.user)
    _invented_lists(gate, site.collection, tmp_path)
    services.run_linkage(gate, site.collection)
    log_in(page, site)

    page.get_by_role("link", name="Estimates").click()
    page.get_by_role("link", name="New estimate").first.click()
    page.get_by_role("link", name="Linked person lists in a collection").click()
    expect(page.get_by_role("heading", name="Linked person lists in a collection")).to_be_visible()
    for name in ("List A", "List B", "List C"):
        page.get_by_label(f"{name} (Taldykorgan cases,").check()
    page.get_by_label("Seed").fill("7")
    page.get_by_role("button", name="Estimate").click()

    observed = sum(PATTERNS.values())
    expect(page.get_by_test_id("observed")).to_have_text(str(observed))
    records = page.get_by_role("region", name="From your records")
    expect(records).to_contain_text("Entries on the chosen lists: 47.")
    expect(records).to_contain_text("People counted as the latest linkage run grouped their "
                                    f"entries, not accepted yet: {observed}.")
    run = EstimationRun.objects.get()
    assert (run.provider, run.seed) == ("person_lists", 7)
