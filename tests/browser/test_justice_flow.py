"""A lawyer follows a torture complaint through the justice system in a real browser (issue 5):
complaint → investigation opened → closed → a refused verdict → appeal; then sees the case in
the impunity funnel and the missed deadline in the overdue list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qantar.accounts.choices import Role
from qantar.common.access import Gate
from qantar.justice.services import sync_reference
from qantar.records import services
from tests.browser.conftest import log_in
from tests.fixtures.factories import make_user, member

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_lawyer_follows_a_complaint_to_the_funnel_and_the_overdue_list(page, site):
    sync_reference()
    documenter = member(make_user("documenter"), site.collection, Role.DOCUMENTER)
    gate = Gate.for_user(documenter)
    victim = services.record_person(gate, site.collection,
                                    {"names": [{"value": "Dosai Sakhanbayev"}]})
    violation = services.record_violation(gate, {"victim": victim.pk, "type": "torture",
                                                 "date": "2022-01-08/2022-01-12"})
    member(site.user, site.collection, Role.LAWYER)
    log_in(page, site)

    # The complaint to the prosecutor's office.
    page.goto("/justice/complaints/new/")
    page.locator("#id_person").select_option(str(victim.pk))
    page.locator("#id_filed_by").select_option("lawyer")
    page.locator("#id_authority_kind").select_option("prosecutor")
    page.locator("#id_filed_on").fill("2022-01-20")
    page.locator("#id_violations").select_option(str(violation.pk))
    page.locator("#id_summary").fill("Beaten in the SIZO after removal from hospital.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".facts")).to_contain_text("Dosai Sakhanbayev")

    # The case opened on it, with its steps.
    page.get_by_role("link", name="Record the case opened on it").click()
    expect(page.locator("#id_against")).to_have_value("officials")
    page.locator("#id_defendant_name").fill("Unidentified KNB officers")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("case-status")).to_have_text("No stage recorded")

    def add_step(stage: str, date: str, ground: str = "") -> None:
        page.locator("#id_stage").select_option(stage)
        page.locator("#id_date").fill(date)
        if ground:
            page.locator("#id_ground").select_option(ground)
        page.get_by_role("button", name="Add the step").click()

    add_step("investigation_opened", "2022-01-25")
    expect(page.get_by_test_id("case-status")).to_have_text("Under investigation")
    add_step("closed", "2022-11", ground="no_evidence")
    expect(page.get_by_test_id("case-status")).to_have_text("Closed")
    expect(page.locator(".allowed-next")).to_have_text("Allowed next: Reopened, Appeal filed")

    # A verdict cannot follow a closure: refused, with the steps that can.
    add_step("verdict", "2023-01")
    expect(page.locator(".error-summary")).to_contain_text(
        "“verdict” cannot follow the current status “closed”. Allowed next: reopened, appeal.")
    expect(page.locator(".timeline li")).to_have_count(2)

    add_step("appeal", "2022-12-01")
    expect(page.get_by_test_id("case-status")).to_have_text("On appeal")
    expect(page.locator(".timeline li")).to_have_count(3)
    case_url = page.url

    # A deadline that has already passed.
    page.get_by_role("link", name="Add a deadline").click()
    page.locator("#id_kind").select_option("response_due")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.locator("#id_due_on").fill(yesterday.isoformat())
    page.locator("#id_note").fill("Chase the prosecutor's answer to the appeal")
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.url == case_url

    page.get_by_role("link", name="Deadlines").click()
    overdue = page.get_by_test_id("overdue")
    expect(overdue).to_contain_text(yesterday.isoformat())
    expect(overdue).to_contain_text("Chase the prosecutor's answer to the appeal")

    page.get_by_role("link", name="Impunity funnel").click()
    funnel = page.get_by_test_id("funnel-officials")
    expect(funnel.locator("tr[data-stage=documented] .count")).to_have_text("1")
    expect(funnel.locator("tr[data-stage=complaints] .count")).to_have_text("1")
    expect(funnel.locator("tr[data-stage=investigations] .count")).to_have_text("1")
    expect(funnel.locator("tr[data-stage=closed] .count")).to_have_text("0")
