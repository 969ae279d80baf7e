"""An administrator protects a person in a real browser (issues 3 and 4): consent, legal hold,
erasure refused then done, the erased person shown as erased, the audit log filtered to them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from qantar.accounts import security
from qantar.accounts.choices import Role
from qantar.accounts.models import TwoFactor
from qantar.common.access import Gate
from qantar.records import services
from qantar.records.models import Person
from tests.browser.conftest import Site, log_in
from tests.fixtures.factories import PASSWORD, make_user, member

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def _administrator(site: Site) -> Site:
    """An administrator of the site's collection, enrolled in two-factor login."""
    user = member(make_user("gulnara"), site.collection, Role.ADMINISTRATOR)
    device = security.start_enrolment(user)
    totp = pyotp.TOTP(device.seed)
    assert security.verify_code(user, totp.now(), confirming=True)
    TwoFactor.objects.filter(user=user).update(last_used_step=0)
    return Site(site.url, "gulnara", PASSWORD, totp, site.collection, user)


def _shot(page, name: str) -> None:
    """Refresh a documentation screenshot when asked (QANTAR_SCREENSHOTS=1)."""
    if os.environ.get("QANTAR_SCREENSHOTS") == "1":
        page.screenshot(path=str(IMAGES / name), full_page=True)


def test_consent_hold_erasure_and_the_audit_log(page, site):
    person = services.record_person(Gate.for_user(site.user), site.collection, {
        "names": [{"value": "Dosai Sakhanbayev"}], "notes": "Tortured in Taldykorgan."})
    services.record_violation(Gate.for_user(site.user), {"victim": person.pk, "type": "torture"})
    admin = _administrator(site)
    log_in(page, admin)
    page.goto(f"/people/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dosai Sakhanbayev")

    # Consent to share with named partners, in writing.
    page.get_by_role("link", name="Record consent").click()
    page.locator("#id_purpose").select_option("share_partners")
    page.locator("#id_decision").select_option("granted")
    page.locator("#id_method").select_option("written")
    page.locator("#id_decided_on").fill("2023-03-01")
    page.locator("#id_conditions").fill("IPHR and KIBHR only")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("The consent decision was recorded.")
    overview = page.locator(".consent-overview")
    expect(overview.locator("tr", has_text="Sharing with named partners")).to_contain_text(
        "Granted")
    expect(page.locator(".consent-history")).to_contain_text("IPHR and KIBHR only")

    # A legal hold: the records are evidence in a trial.
    page.get_by_role("link", name="Place a legal hold").click()
    page.get_by_label("Reason for the hold").fill("Evidence in the Taldykorgan torture trial")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator(".hold-in-force")).to_contain_text(
        "Evidence in the Taldykorgan torture trial")
    _shot(page, "admin-person-protection.png")

    # Erasure is refused while the hold is in force, and says why.
    page.get_by_role("link", name="Erase for ever").click()
    page.get_by_label("Type the pseudonym to confirm").fill(person.pseudonym)
    page.get_by_label("Reason").fill("The family asked")
    page.get_by_role("button", name="Erase for ever").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "A legal hold blocks erasure: Evidence in the Taldykorgan torture trial")
    assert Person.objects.get(pk=person.pk).erased_at is None

    # Lift the hold, then erase.
    page.get_by_role("link", name="Dosai Sakhanbayev").click()
    page.get_by_role("button", name="Lift this hold").click()
    expect(page.locator(".messages")).to_contain_text("The legal hold was lifted.")
    page.get_by_role("link", name="Erase for ever").click()
    _shot(page, "admin-erase.png")
    page.get_by_label("Type the pseudonym to confirm").fill(person.pseudonym)
    page.get_by_label("Reason").fill("The family asked")
    page.get_by_role("button", name="Erase for ever").click()
    expect(page.locator(".messages")).to_contain_text(f"{person.pseudonym} was erased for ever.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{person.pseudonym} (erased)")
    expect(page.locator(".notice-erased")).to_contain_text("cannot be recovered")
    expect(page.locator("main")).not_to_contain_text("Sakhanbayev")
    page.get_by_role("link", name="Violations", exact=True).click()
    expect(page.locator("#results")).to_contain_text(f"{person.pseudonym} (erased)")

    # The audit log, filtered to the person: consent, hold placed and lifted, erasure.
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Record id").fill(str(person.pk))
    page.get_by_role("button", name="Filter").click()
    rows = page.locator(".audit-log tbody tr")
    expect(rows.first).to_be_visible()
    actions = [re.sub(r"\s+", " ", text) for text in rows.locator("td:nth-child(5)")
               .all_inner_texts()]
    # Every look at the person's page is there too, between the changes.
    assert "Viewed identifying data" in actions
    assert [a for a in actions if a != "Viewed identifying data"] == [
        "Erased", "Status changed", "Status changed", "Consent changed", "Created"]
    expect(page.locator(".count")).to_have_text(f"{len(actions)} entries match these filters.")
    _shot(page, "admin-audit-log.png")
