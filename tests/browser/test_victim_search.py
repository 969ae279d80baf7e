"""With many people, the violation form finds the victim by name as the documenter types."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qantar.common.access import Gate
from qantar.records import forms as record_forms
from qantar.records import services
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_type_a_latin_spelling_and_pick_the_cyrillic_victim(page, site, monkeypatch):
    monkeypatch.setattr(record_forms, "VICTIMS_LISTED_IN_FULL", 2)
    gate = Gate.for_user(site.user)
    for name in ("Досай Саханбаев", "Айгерим Нурланова", "Ерлан Касымов"):
        services.record_person(gate, site.collection, {"names": [{"value": name}]})
    log_in(page, site)

    page.goto(f"{site.url}/violations/new/")
    expect(page.locator("#id_victim option")).to_have_count(1)  # only the blank choice
    page.locator("#id_victim_search").fill("Sahanbaev")
    expect(page.locator("#id_victim option")).to_have_count(2)
    page.locator("#id_victim").select_option(label=page.locator("#id_victim option").nth(1)
                                             .inner_text())
    page.locator("#id_type").select_option("torture")
    page.locator("#id_date").fill("2022-01-07")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Torture and ill-treatment — Досай Саханбаев")
