"""Screenshots for the guides in docs/, taken only with QANTAR_SCREENSHOTS=1.

    QANTAR_SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py -p no:xdist

The data are invented for the guide (no real person's name appears).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qantar.common.access import Gate
from qantar.records import services
from tests.browser.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(os.environ.get("QANTAR_SCREENSHOTS") != "1",
                       reason="screenshots for the docs: set QANTAR_SCREENSHOTS=1"),
]

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def _example_records(gate, collection):
    """A small, invented case file."""
    country = services.create_place(gate, {"name": "Kazakhstan", "kind": "country"})
    region = services.create_place(gate, {"name": "Almaty Region", "kind": "region",
                                          "parent": country.pk})
    city = services.create_place(gate, {"name": "Taldykorgan", "kind": "city",
                                        "parent": region.pk})
    police = services.create_organisation(gate, {"name": "Taldykorgan city police",
                                                  "kind": "agency", "agency": "police"})
    protest = services.record_event_record(gate, collection, {
        "title": "Dispersal of the protest on the central square", "date": "2022-01-05",
        "place": city.pk,
        "description": "Police and soldiers dispersed several thousand protesters."})
    report = services.record_source(gate, collection, {
        "title": "Interview notes, January 2022 detainees", "source_type": "report",
        "publisher": "Local monitoring group", "published": "2022-03", "reliability": "B"})
    people = []
    for cyrillic, latin, group in [("Айгуль Нурланова", "Aigul Nurlanova", "journalist"),
                                   ("Ерлан Жумабеков", "Yerlan Zhumabekov", "activist"),
                                   ("Бауыржан Оспанов", "Baurzhan Ospanov", "")]:
        person = services.record_person(gate, collection, {
            "names": [{"value": cyrillic, "language": "kk"}, {"value": latin, "language": "en"}],
            "status": "alive", "sex": "unknown", "groups": [group] if group else []})
        violation = services.record_violation(gate, {
            "victim": person.pk, "event": protest.pk, "type": "arbitrary_detention",
            "date": "2022-01-05", "place": city.pk, "status": "corroborated",
            "involvements": [{"organisation": police.pk, "degree": "direct"}]})
        services.cite(gate, report.pk, violation, locator="interview 3")
        people.append(person)
    return protest, report


def _shot(page, name, full_page=True):
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / name), full_page=full_page)


def test_screenshots_for_the_guide(page, site):
    gate = Gate.for_user(site.user)
    _example_records(gate, site.collection)

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(site.username)
    _shot(page, "01-login.png", full_page=False)
    log_in(page, site)
    _shot(page, "02-home.png")

    page.get_by_role("link", name="Record a person").click()
    page.locator("#id_names-0-value").fill("Дархан Садыков")
    page.locator("#id_names-1-value").fill("Darkhan Sadykov")
    page.locator("#id_names-1-language").select_option("en")
    page.locator("#id_status").select_option("alive")
    page.locator("input[name=groups][value=activist]").check()
    _shot(page, "03-person-form.png")
    page.get_by_role("button", name="Save", exact=True).click()
    person_url = page.url

    page.get_by_role("link", name="Record a violation").click()
    page.locator("#id_type").select_option("torture")
    page.locator("input[name=methods][value=beating]").check()
    page.locator("#id_date").fill("2022-01-07/2022-01-10")
    page.locator("#picker-place summary").click()
    page.locator("#id_new_place-name").fill("Taldykorgan pre-trial detention centre")
    page.locator("#id_new_place-kind").select_option("site")
    page.locator("#id_new_place-parent").select_option(
        label="Kazakhstan › Almaty Region › Taldykorgan")
    page.locator("#id_new_place-site_type").select_option("pre_trial_detention_centre")
    page.locator("#picker-place").scroll_into_view_if_needed()
    _shot(page, "04-new-place.png", full_page=False)
    page.locator("#picker-place").get_by_role("button", name="Add and select").click()
    page.locator("#picker-place [role=status]").wait_for()
    page.locator("#id_description").fill("Beaten during interrogation to force a confession.")
    _shot(page, "05-violation-form.png")
    page.get_by_role("button", name="Save", exact=True).click()
    _shot(page, "06-violation.png")

    page.get_by_role("link", name="Cite a source").click()
    page.locator("#id_source").select_option(label="Interview notes, January 2022 detainees")
    page.get_by_label("Page or place in the source").fill("interview 7")
    page.get_by_label("Quote").fill("They beat me for two days in the detention centre.")
    _shot(page, "07-cite.png")
    page.get_by_role("button", name="Cite", exact=True).click()

    page.goto("/people/")
    page.get_by_label("Name").fill("Садыков")
    page.locator("#results .count").filter(has_text="matches").wait_for()
    _shot(page, "08-find-person.png")

    page.goto(person_url)
    page.get_by_role("link", name="Edit", exact=True).click()
    page.locator("#id_status").select_option("dead")
    page.get_by_label("Reason for the change").fill("Death confirmed by the family")
    page.get_by_role("button", name="Save changes").click()
    _shot(page, "09-person.png")
    page.locator(".history").screenshot(path=str(IMAGES / "10-history.png"))

    page.get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Dispersal of the protest on the central square").click()
    _shot(page, "11-event.png")
    page.get_by_role("link", name="Violations").click()
    _shot(page, "12-violations.png")


def test_screenshots_for_the_evidence_guide(page, site, tmp_path, settings):
    from tests.evidence.conftest import jpeg_with_gps

    settings.EVIDENCE_DIR = tmp_path / "evidence"
    gate = Gate.for_user(site.user)
    _example_records(gate, site.collection)
    person = services.record_person(gate, site.collection, {
        "names": [{"value": "Дана Сейткали", "language": "kk"},
                  {"value": "Dana Seitkali", "language": "en"}], "status": "alive"})
    photo = tmp_path / "injuries-on-release.jpg"
    photo.write_bytes(jpeg_with_gps())
    log_in(page, site)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Add evidence").click()
    page.locator("#id_file").set_input_files(str(photo))
    page.locator("#id_kind").select_option("photo")
    page.locator("#id_description").fill("Bruises on both arms, photographed on release")
    page.locator("#id_received_from").fill("From her sister, in person, 12 January 2022")
    _shot(page, "13-evidence-upload.png")
    page.get_by_role("button", name="Encrypt and store").click()
    page.get_by_role("button", name="Verify the hash").click()
    _shot(page, "14-evidence.png")


def test_screenshots_for_the_lists_guide(page, site, tmp_path):
    from qantar.lists import services as lists
    from tests.lists.conftest import import_uncertain_lists

    gate = Gate.for_user(site.user)
    import_uncertain_lists(gate, site.collection, tmp_path)
    lists.run_linkage(gate, site.collection)
    log_in(page, site)
    page.get_by_role("link", name="Lists").click()
    page.get_by_role("link", name="Review pairs").first.click()
    page.get_by_role("heading", level=2).first.wait_for()
    _shot(page, "15-review-queue.png")
