"""A documenter reviews the uncertain pair of three linked lists with the keyboard (issue 6):
the pair is shown side by side with the model's reasons; pressing N records "not the same
person", attributed to her; typing "m" in the note box is not taken as a decision."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from qantar.common.access import Gate
from qantar.lists import services
from qantar.lists.models import ReviewDecision
from tests.browser.conftest import log_in
from tests.lists.conftest import import_uncertain_lists

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_reviewer_decides_a_pair_with_keyboard_shortcuts(page, site, tmp_path: Path):
    gate = Gate.for_user(site.user)
    import_uncertain_lists(gate, site.collection, tmp_path)
    services.run_linkage(gate, site.collection)
    log_in(page, site)

    page.get_by_role("link", name="Lists").click()
    page.get_by_role("link", name="Review pairs").first.click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text(
        "Are these the same person? The model says 0.28")
    table = page.locator("table.side-by-side")
    expect(table).to_contain_text("Isayev Yerlan")
    expect(table).to_contain_text("Erlan Isaev")
    expect(page.locator("table.explanation")).to_contain_text("given_name_matches")
    expect(page.locator("#stats-heading + p")).to_contain_text("0 of 1 uncertain pairs reviewed")

    # Typing in the note box never decides.
    note = page.get_by_label("Note (optional)")
    note.fill("")
    note.type("mum says different men")
    expect(page.locator("[data-review-form]")).to_be_visible()
    assert ReviewDecision.objects.count() == 0

    # Outside the box, N decides "not the same person".
    page.locator("h1").click()
    page.keyboard.press("n")
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("Decision recorded.")
    expect(page.locator("#stats-heading + p")).to_contain_text("1 of 1 uncertain pairs reviewed")
    expect(page.get_by_test_id("decision-count")).to_have_text("1")
    decision = ReviewDecision.objects.get()
    assert (decision.decision, decision.reviewer_id, decision.note) == (
        "not_match", site.user.pk, "mum says different men")
