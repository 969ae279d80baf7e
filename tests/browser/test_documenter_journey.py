"""A documenter's journey in a real browser (issue 2): record, cite, find, edit, read history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qantar.common.access import Gate
from qantar.records import services
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_record_victim_torture_cite_find_and_edit(page, site):
    gate = Gate.for_user(site.user)
    services.record_person(gate, site.collection, {"names": [{"value": "Dosai Sakhanbayev"}]})
    log_in(page, site)
    expect(page.get_by_role("heading", name="Start")).to_be_visible()

    # A new victim with a Cyrillic and a Latin spelling of the same name.
    page.get_by_role("link", name="Record a person").click()
    page.locator("#id_names-0-value").fill("Дархан Садыков")
    page.locator("#id_names-0-language").select_option("ru")
    page.locator("#id_names-1-value").fill("Darkhan Sadykov")
    page.locator("#id_names-1-language").select_option("en")
    page.locator("#id_status").select_option("alive")
    page.locator("input[name=groups][value=activist]").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Дархан Садыков")
    person_url = page.url

    # Torture at a detention centre that is not in Qantar yet: created inline, in place.
    page.get_by_role("link", name="Record a violation").click()
    expect(page.locator("#id_victim option:checked")).to_contain_text("Дархан Садыков")
    page.locator("#id_type").select_option("torture")
    page.locator("input[name=methods][value=beating]").check()
    page.locator("#id_date").fill("2022-01-07/2022-01-10")
    page.locator("#picker-place summary").click()
    page.locator("#id_new_place-name").fill("Taldykorgan pre-trial detention centre")
    page.locator("#id_new_place-kind").select_option("site")
    page.locator("#id_new_place-site_type").select_option("pre_trial_detention_centre")
    page.locator("#picker-place").get_by_role("button", name="Add and select").click()
    expect(page.locator("#picker-place [role=status]")).to_be_visible()
    expect(page.locator("#id_place option:checked")).to_have_text(
        "Taldykorgan pre-trial detention centre")
    expect(page.locator("#id_date")).to_have_value("2022-01-07/2022-01-10")  # nothing lost
    expect(page.locator("input[name=methods][value=beating]")).to_be_checked()
    page.locator("#id_perpetrators-0-perpetrator_name").fill("Duty officer (name unknown)")
    page.locator("#id_description").fill("Beaten <b>for hours</b> during interrogation.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Torture and ill-treatment — Дархан Садыков")
    expect(page.locator(".facts")).to_contain_text("Taldykorgan pre-trial detention centre")
    expect(page.locator(".prose")).to_have_text("Beaten <b>for hours</b> during interrogation.")
    violation_url = page.url

    # Cite a source, recording it first.
    page.get_by_role("link", name="Cite a source").click()
    page.get_by_role("link", name="record it first").click()
    page.get_by_label("Title").fill("We don't even cry anymore")
    page.locator("#id_source_type").select_option("report")
    page.get_by_label("Publisher or author").fill("IPHR")
    page.get_by_label("Published").fill("2022-11")
    page.locator("#id_reliability").select_option("B")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Cite a source")).to_be_visible()
    page.locator("#id_source").select_option(label="We don't even cry anymore")
    page.get_by_label("Page or place in the source").fill("p. 14")
    page.get_by_role("button", name="Cite", exact=True).click()
    assert page.url == violation_url
    expect(page.locator(".citations")).to_contain_text("We don't even cry anymore")

    # Find the victim by either spelling (the results update as you type).
    for spelling in ("Sadykov", "Садыков"):
        page.goto("/people/")
        page.get_by_label("Name").fill(spelling)
        expect(page.locator("#results .count")).to_have_text(
            "1 documented record matches these filters.")
        expect(page.locator("#results")).to_contain_text("Дархан Садыков")
        expect(page.locator("#results")).not_to_contain_text("Sakhanbayev")
        assert f"q={spelling}" in page.url or "q=%" in page.url  # the address keeps the search
    page.get_by_label("Name").fill("Abdrashev")
    expect(page.locator("#results")).to_contain_text("No person matches.")

    # Edit the record; the history shows the change and its reason.
    page.goto(person_url)
    page.get_by_role("link", name="Edit", exact=True).click()
    page.locator("#id_status").select_option("dead")
    page.get_by_label("Reason for the change").fill("Death confirmed by the family")
    page.get_by_role("button", name="Save changes").click()
    assert page.url == person_url
    history = page.locator(".history-list > li").first
    expect(history).to_contain_text("Updated")
    expect(history).to_contain_text("Death confirmed by the family")
    expect(history.locator("tr", has_text="Status")).to_contain_text(re.compile(r"alive\s*dead"))
    expect(page.locator(".facts")).to_contain_text("Dead")
