"""A documenter adds evidence in a real browser (issue 3): upload a photo from the person's page,
see it there with its fingerprint and chain of custody, verify it, download it."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import expect

from qantar.common.access import Gate
from qantar.evidence.models import EvidenceItem
from qantar.records import services
from tests.browser.conftest import log_in
from tests.evidence.conftest import jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_upload_a_photo_and_see_it_on_the_person_page(page, site, tmp_path, settings):
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    person = services.record_person(
        Gate.for_user(site.user), site.collection, {"names": [{"value": "Dosai Sakhanbayev"}]}
    )
    photo = tmp_path / "back-injuries.jpg"
    photo.write_bytes(jpeg_with_gps())
    sha256 = hashlib.sha256(photo.read_bytes()).hexdigest()
    log_in(page, site)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Add evidence").click()
    expect(page.locator(".documented")).to_contain_text("Dosai Sakhanbayev")
    page.locator("#id_file").set_input_files(str(photo))
    page.locator("#id_kind").select_option("photo")
    page.locator("#id_description").fill("Bruises on the back, photographed on release")
    page.locator("#id_received_from").fill("From his wife, on WhatsApp, 8 January 2022")
    page.get_by_role("button", name="Encrypt and store").click()
    expect(page.locator(".messages")).to_contain_text(
        "The file was encrypted and stored as evidence."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("back-injuries.jpg")
    expect(page.locator(".hashes")).to_contain_text(sha256)

    page.get_by_role("button", name="Verify the hash").click()
    expect(page.locator(".messages")).to_contain_text("it matches its SHA-256")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "back-injuries.jpg"
    assert hashlib.sha256(open(download.path(), "rb").read()).hexdigest() == sha256

    page.goto(f"/people/{person.pk}/")
    section = page.locator("section.evidence")
    expect(section).to_contain_text("back-injuries.jpg")
    expect(section).to_contain_text(sha256)
    section.locator("summary").click()
    expect(section.locator("table.custody")).to_contain_text("Received")
    expect(section.locator("table.custody")).to_contain_text("Verified: the hash matches")
    item = EvidenceItem.objects.get()
    assert [event.action for event in item.custody.all()] == [
        "received",
        "stored",
        "verified",
        "downloaded",
    ]
