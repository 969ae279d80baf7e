"""Consent, legal holds, erasure, testimonies and exports through the web pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from qantar.accounts.choices import Role
from qantar.accounts.views import REAUTH_AT
from qantar.audit.models import AuditEntry, Revision
from qantar.common.access import Gate
from qantar.core.container import open_container
from qantar.records import queries, services
from qantar.records.models import (
    Citation,
    Consent,
    LegalHold,
    Person,
    PersonName,
    Source,
    Violation,
)
from qantar.records.models import Testimony as StoredTestimony
from tests.fixtures.factories import make_collection, make_user, member

pytestmark = pytest.mark.django_db

DAY = "2023-03-01"
PASSPHRASE = "a long export passphrase"


def signed_in(user, recent_password: bool = False) -> Client:
    client = Client()
    client.force_login(user)
    if recent_password:
        session = client.session
        session[REAUTH_AT] = time.time()
        session.save()
    return client


def text_of(response) -> str:
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    match = re.search(rf'<ul class="errors" id="id_{re.escape(field)}_error">(.*?)</ul>',
                      text_of(response), re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []


def consent_post(**overrides) -> dict:
    data = {"purpose": "share_partners", "decision": "granted", "method": "written",
            "decided_on": DAY, "conditions": "IPHR and KIBHR only", "testimony": "",
            "second_approver": ""}
    return data | overrides


@pytest.fixture
def admin(collection):
    return member(make_user("admin"), collection, Role.ADMINISTRATOR)


@pytest.fixture
def violation(gate, person):
    return services.record_violation(gate, {"victim": person.pk, "type": "torture",
                                            "description": "Beaten by Officer Serikbayev."})


@pytest.fixture
def testimony(gate, person):
    return services.record_testimony(gate, {"person": person.pk,
                                            "text": "They beat me for two days."})


def protected_state(person) -> tuple:
    """Everything consent, holds and erasure could change."""
    fresh = Person.all_objects.get(pk=person.pk)
    return (Consent.objects.count(), LegalHold.objects.count(),
            LegalHold.objects.filter(lifted_at__isnull=True).count(), fresh.erased_at,
            fresh.deleted_at, PersonName.objects.filter(person=person).count(),
            AuditEntry.objects.exclude(action="view_sensitive").count())


# --- consent --------------------------------------------------------------------------------


def test_person_page_shows_the_consent_in_force_per_purpose_and_every_dated_decision(
        documenter, gate, person):
    services.record_consent(gate, person, "share_partners", "granted", "written", "2023-01-10",
                            conditions="IPHR only")
    services.record_consent(gate, person, "share_partners", "withdrawn", "oral_witnessed",
                            "2023-02-20")
    services.record_consent(gate, person, "statistics", "granted", "electronic", "2023-01-10")

    page = text_of(signed_in(documenter).get(reverse("records:person_detail",
                                                     args=[person.pk])))
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(.*?)</td>', page, re.S))
    assert re.sub(r"<[^>]+>", "", rows["Sharing with named partners"]) == "Withdrawn"
    assert re.sub(r"<[^>]+>", "", rows["Anonymised statistics"]) == "Granted"
    assert re.sub(r"<[^>]+>", "", rows["Publication with name"]) == "not asked"
    history = re.findall(r'<p class="history-head"><time datetime="([\d-]+)">[\d-]+</time> · '
                         r"<strong>([^<]+)</strong>: (\w+) · ([^<]+)</p>", page)
    assert history == [
        ("2023-01-10", "Anonymised statistics", "Granted", "Electronic form"),
        ("2023-02-20", "Sharing with named partners", "Withdrawn", "Oral, witnessed"),
        ("2023-01-10", "Sharing with named partners", "Granted", "Written and signed"),
    ]
    assert "Partners and conditions: IPHR only" in page
    assert page.count("Recorded by documenter on ") == 3


def test_record_a_consent_decision_through_the_form(documenter, person, testimony):
    client = signed_in(documenter)
    url = reverse("records:consent_create", args=[person.pk])
    form = text_of(client.get(url))
    assert f'<option value="{testimony.pk}">Testimony of ' in form

    response = client.post(url, consent_post(testimony=str(testimony.pk)))
    assert (response.status_code, response["Location"]) == (
        302, reverse("records:person_detail", args=[person.pk]))
    consent = Consent.objects.get()
    assert (consent.purpose, consent.decision, consent.method, consent.decided_on,
            consent.conditions, consent.testimony_id, consent.recorded_by_id) == (
        "share_partners", "granted", "written", dt.date(2023, 3, 1), "IPHR and KIBHR only",
        testimony.pk, documenter.pk)
    entry = AuditEntry.objects.filter(action="consent_change").get()
    assert entry.details == {"purpose": "share_partners", "decision": "granted",
                             "testimony": str(testimony.pk), "via": "web"}


def test_intimate_images_need_another_documenter_and_a_refusal_saves_nothing(
        documenter, collection, person):
    second = member(make_user("second"), collection, Role.DOCUMENTER)
    member(make_user("lawyer"), collection, Role.LAWYER)
    client = signed_in(documenter)
    url = reverse("records:consent_create", args=[person.pk])
    form = text_of(client.get(url))
    approvers = re.search(r'<select name="second_approver"[^>]*>(.*?)</select>', form, re.S)
    assert re.findall(r'<option value="[^"]*"(?: selected)?>([^<]+)</option>',
                      approvers.group(1)) == [
        "—", "second"]
    before = protected_state(person)

    refused = client.post(url, consent_post(purpose="intimate_images"))
    assert refused.status_code == 200
    assert field_errors(refused, "second_approver") == [
        "Consent to use intimate images needs a second approval by another documenter."]
    assert protected_state(person) == before

    granted = client.post(url, consent_post(purpose="intimate_images",
                                            second_approver=str(second.pk)))
    assert granted.status_code == 302
    assert Consent.objects.get().second_approval_by_id == second.pk
    assert queries.consent_in_force(person, "intimate_images") is True


@pytest.mark.parametrize(("override", "field", "message"), [
    ({"decided_on": "2999-01-01"}, "decided_on", "The date is in the future."),
    ({"decided_on": "2023-02-30"}, "decided_on", "Enter a valid date."),
    ({"purpose": "sell_to_press"}, "purpose",
     "Select a valid choice. sell_to_press is not one of the available choices."),
    ({"method": ""}, "method", "This field is required."),
])
def test_bad_consent_input_is_shown_by_the_field_and_saves_nothing(
        documenter, person, override, field, message):
    before = protected_state(person)

    response = signed_in(documenter).post(
        reverse("records:consent_create", args=[person.pk]), consent_post(**override))
    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert protected_state(person) == before


def test_only_editors_record_consent(collection, person):
    before = protected_state(person)
    url = reverse("records:consent_create", args=[person.pk])
    for role in (Role.LAWYER, Role.ANALYST, Role.VIEWER):
        client = signed_in(member(make_user(f"a-{role}"), collection, role))
        assert client.get(url).status_code == 403
        assert client.post(url, consent_post()).status_code == 403
    outsider = make_user("outsider")
    make_collection("Other NGO", admin=outsider)
    assert signed_in(outsider).post(url, consent_post()).status_code == 404
    assert protected_state(person)[:6] == before[:6]


def test_analysts_see_decisions_but_never_the_conditions(collection, gate, person):
    services.record_consent(gate, person, "share_partners", "granted", "written", DAY,
                            conditions="Only to Adil Soz, name of her brother withheld")
    analyst = member(make_user("analyst"), collection, Role.ANALYST)

    page = text_of(signed_in(analyst).get(reverse("records:person_detail", args=[person.pk])))
    assert "Sharing with named partners</strong>: Granted" in page
    assert "Adil Soz" not in page and "Partners and conditions:" not in page
    assert reverse("records:consent_create", args=[person.pk]) not in page


# --- legal holds and erasure ----------------------------------------------------------------


def test_administrator_places_a_hold_erasure_is_refused_with_the_reason_then_lifted(
        admin, person):
    client = signed_in(admin)
    person_url = reverse("records:person_detail", args=[person.pk])
    erase_url = reverse("records:person_erase", args=[person.pk])

    placed = client.post(reverse("records:legal_hold_place", args=[person.pk]),
                         {"reason": "Evidence in the Taldykorgan torture trial"})
    assert (placed.status_code, placed["Location"]) == (302, person_url)
    hold = LegalHold.objects.get()
    assert (hold.reason, hold.placed_by_id, hold.lifted_at) == (
        "Evidence in the Taldykorgan torture trial", admin.pk, None)
    page = text_of(client.get(person_url))
    assert "<strong>In force:</strong> Evidence in the Taldykorgan torture trial" in page
    before = protected_state(person)

    refused = client.post(erase_url, {"confirmation": person.pseudonym, "reason": "Asked"})
    assert refused.status_code == 200
    assert ('<li>A legal hold blocks erasure: Evidence in the Taldykorgan torture trial</li>'
            in text_of(refused))
    assert protected_state(person) == before

    lifted = client.post(reverse("records:legal_hold_lift", args=[person.pk, hold.pk]))
    assert (lifted.status_code, lifted["Location"]) == (302, person_url)
    hold.refresh_from_db()
    assert hold.lifted_by_id == admin.pk and hold.lifted_at is not None
    assert "<strong>Lifted:</strong> Evidence in the Taldykorgan torture trial" in text_of(
        client.get(person_url))
    assert [e.details.get("legal_hold") for e in AuditEntry.objects.filter(
        object_id=str(person.pk), action="status_change").order_by("seq")] == [
        "placed", "lifted"]


def test_a_hold_needs_a_reason(admin, person):
    before = protected_state(person)

    response = signed_in(admin).post(reverse("records:legal_hold_place", args=[person.pk]),
                                     {"reason": "   "})
    assert field_errors(response, "reason") == ["This field is required."]
    assert protected_state(person) == before


def test_documenters_neither_hold_nor_erase(documenter, admin, person):
    hold = services.place_legal_hold(Gate.for_user(admin), person, "Trial")
    client = signed_in(documenter)
    before = protected_state(person)

    assert client.get(reverse("records:legal_hold_place", args=[person.pk])).status_code == 403
    assert client.post(reverse("records:legal_hold_lift",
                               args=[person.pk, hold.pk])).status_code == 403
    assert client.get(reverse("records:person_erase", args=[person.pk])).status_code == 403
    assert client.post(reverse("records:person_erase", args=[person.pk]), {
        "confirmation": person.pseudonym, "reason": "x"}).status_code == 403
    page = text_of(client.get(reverse("records:person_detail", args=[person.pk])))
    assert reverse("records:person_erase", args=[person.pk]) not in page
    assert "Lift this hold" not in page
    assert protected_state(person) == before


def test_erasure_needs_the_pseudonym_typed_and_a_reason(admin, person):
    client = signed_in(admin)
    url = reverse("records:person_erase", args=[person.pk])
    page = text_of(client.get(url))
    assert "This cannot be undone, by anyone." in page
    assert f"To confirm, type the pseudonym <code>{person.pseudonym}</code>." in page
    before = protected_state(person)

    wrong = client.post(url, {"confirmation": "P-AAAAAAAA", "reason": "Asked"})
    assert field_errors(wrong, "confirmation") == [
        f"This is not the pseudonym {person.pseudonym}. Nothing was erased."]
    no_reason = client.post(url, {"confirmation": person.pseudonym, "reason": ""})
    assert field_errors(no_reason, "reason") == ["This field is required."]
    assert protected_state(person) == before


def test_an_erased_person_shows_as_erased_everywhere(
        admin, documenter, person, violation, testimony, django_capture_on_commit_callbacks):
    client = signed_in(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("records:person_erase", args=[person.pk]), {
            "confirmation": person.pseudonym.lower(), "reason": "The family asked"})
    person_url = reverse("records:person_detail", args=[person.pk])
    assert (response.status_code, response["Location"]) == (302, person_url)
    erased = Person.all_objects.get(pk=person.pk)
    assert erased.erased_at is not None and erased.notes is None
    assert PersonName.objects.filter(person=person).count() == 0
    label = f"{person.pseudonym} (erased)"

    viewer = signed_in(documenter)
    page = text_of(viewer.get(person_url))
    assert f"<h1>{label}</h1>" in page
    assert "Erased on " in page and "cannot be recovered" in page
    assert "Sakhanbayev" not in page and "They beat me" not in page
    assert "Torture and ill-treatment</a>" in page
    assert "<td>Erased</td>" in page and "The family asked" not in page
    assert reverse("records:person_edit", args=[person.pk]) not in page
    violation_page = text_of(viewer.get(reverse("records:violation_detail",
                                                args=[violation.pk])))
    assert f"<h1>Torture and ill-treatment — {label}</h1>" in violation_page
    assert "The victim was erased" in violation_page and "Serikbayev" not in violation_page
    assert label in text_of(viewer.get(reverse("records:violation_list")))
    assert person.pseudonym not in text_of(viewer.get(reverse("records:person_list")))
    before = (Violation.all_objects.count(), Revision.objects.count(), Citation.objects.count())
    for url in (reverse("records:violation_edit", args=[violation.pk]),
                reverse("records:testimony_edit", args=[testimony.pk]),
                reverse("records:cite", args=["violation", violation.pk])):
        refused = viewer.get(url)
        assert refused.status_code == 409, url
        assert "This person was erased: nothing can be added or changed." in text_of(refused)
    assert viewer.get(reverse("records:person_edit", args=[person.pk])).status_code == 404
    assert viewer.get(reverse("records:person_erase", args=[person.pk])).status_code == 404
    assert (Violation.all_objects.count(), Revision.objects.count(),
            Citation.objects.count()) == before


# --- testimonies ----------------------------------------------------------------------------


def test_edit_a_testimony_keeps_the_old_text_in_history_and_search(
        documenter, person, testimony):
    client = signed_in(documenter)
    url = reverse("records:testimony_edit", args=[testimony.pk])
    assert "They beat me for two days.</textarea>" in text_of(client.get(url))

    response = client.post(url, {"text": "They beat me for three days.", "language": "ru",
                                 "taken_on": "2022-02", "taken_by": "A. K.",
                                 "reason": "Corrected after a second interview"})
    assert (response.status_code, response["Location"]) == (
        302, reverse("records:person_detail", args=[person.pk]))
    testimony = StoredTestimony.objects.get(pk=testimony.pk)
    assert (testimony.text, testimony.taken_on, testimony.taken_by) == (
        "They beat me for three days.", "2022-02", "A. K.")
    revision = Revision.objects.filter(object_id=testimony.pk, action="update").get()
    assert json.loads(revision.changes)["text"] == [
        "They beat me for two days.", "They beat me for three days."]
    assert revision.reason == "Corrected after a second interview"


def test_an_empty_testimony_is_refused_and_nothing_changes(documenter, testimony):
    response = signed_in(documenter).post(
        reverse("records:testimony_edit", args=[testimony.pk]),
        {"text": "  ", "language": "ru", "taken_on": "", "taken_by": "", "reason": ""})
    assert field_errors(response, "text") == ["The testimony is required."]
    assert StoredTestimony.objects.get(pk=testimony.pk).text == "They beat me for two days."
    assert Revision.objects.filter(object_id=testimony.pk).count() == 1


def test_cite_a_source_for_a_testimony(documenter, gate, collection, person, testimony):
    source = services.record_source(gate, collection, {
        "title": "Interview notes", "source_type": "interview", "reliability": "B"})
    client = signed_in(documenter)

    form = text_of(client.get(reverse("records:cite", args=["testimony", testimony.pk])))
    assert "Testimony: <a href=" in form and "Testimony of Dosai Sakhanbayev" in form
    response = client.post(reverse("records:cite", args=["testimony", testimony.pk]),
                           {"source": str(source.pk), "locator": "tape 2", "quote": ""})
    assert (response.status_code, response["Location"]) == (
        302, reverse("records:person_detail", args=[person.pk]))
    citation = Citation.objects.get()
    assert (citation.object_type, citation.object_id, citation.locator) == (
        "testimony", testimony.pk, "tape 2")
    page = text_of(client.get(reverse("records:person_detail", args=[person.pk])))
    testimony_html = page[page.index('<article class="testimony">'):page.index("</article>")]
    assert "Interview notes</a>" in testimony_html and "tape 2" in testimony_html
    source_page = text_of(client.get(reverse("records:source_detail", args=[source.pk])))
    assert "Testimony of Dosai Sakhanbayev</a>" in source_page


def test_violations_of_a_person_come_from_the_victim_filter(gate, collection, person, violation):
    other = services.record_person(gate, collection, {"names": [{"value": "Aigul Nurlanova"}]})
    services.record_violation(gate, {"victim": other.pk, "type": "torture"})

    assert [v.pk for v in queries.violations(gate, {"victim": person.pk})] == [violation.pk]


# --- export ---------------------------------------------------------------------------------


def test_export_asks_for_the_password_again(documenter):
    response = signed_in(documenter).get(reverse("records:export"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:reauthenticate") + "?next=%2Fexport%2F"


def test_export_a_bundle_for_a_purpose_leaves_out_people_without_consent(
        documenter, gate, collection, person, violation):
    consenting = services.record_person(gate, collection, {"names": [{"value": "Aigul N."}]})
    services.record_consent(gate, consenting, "share_partners", "granted", "written", DAY)
    client = signed_in(documenter, recent_password=True)
    assert "Taldykorgan" not in text_of(client.get(reverse("records:export")))

    response = client.post(reverse("records:export"), {
        "purpose": "share_partners", "format": "bundle", "passphrase": PASSPHRASE,
        "passphrase_again": PASSPHRASE})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert re.fullmatch(
        r'attachment; filename="qantar-share_partners-\d{8}-\d{4}\.json\.sealed"',
        response["Content-Disposition"])
    assert b"Aigul" not in response.content
    name, content = open_container(response.content, PASSPHRASE)
    assert name.startswith("qantar-share_partners-") and name.endswith(".json")
    bundle = json.loads(content)
    assert [p["pseudonym"] for p in bundle["persons"]] == [consenting.pseudonym]
    assert bundle["persons"][0]["names"][0]["value"] == "Aigul N."
    assert bundle["violations"] == []
    refused = AuditEntry.objects.get(action="refused")
    assert (refused.details["purpose"], refused.details["persons"]) == ("share_partners", 1)
    exported = AuditEntry.objects.get(action="export")
    assert (exported.details["purpose"], exported.details["persons"]) == ("share_partners", 1)


def test_analysts_export_pseudonymised_csv_only(collection, person):
    analyst = member(make_user("analyst"), collection, Role.ANALYST)
    client = signed_in(analyst, recent_password=True)
    assert "pseudonymised: no names or identifying details" in text_of(
        client.get(reverse("records:export")))

    assert 'name="passphrase"' not in text_of(client.get(reverse("records:export")))
    response = client.post(reverse("records:export"), {"purpose": "documentation",
                                                       "format": "people_csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["record_id"], r["full_name"], r["birth_year"], r["sex"]) for r in rows] == [
        (person.pseudonym, "", "", "male")]
    assert "Sakhanbayev" not in response.content.decode()
    entry = AuditEntry.objects.get(action="export")
    assert entry.details == {"format": "person-list-csv", "purpose": "documentation",
                             "persons": 1, "via": "web"}


def test_export_refused_to_roles_without_it_and_a_bad_purpose_exports_nothing(
        documenter, collection, person):
    for role in (Role.LAWYER, Role.VIEWER):
        client = signed_in(member(make_user(f"x-{role}"), collection, role), True)
        assert client.get(reverse("records:export")).status_code == 403
        assert client.post(reverse("records:export"), {
            "purpose": "documentation", "format": "bundle"}).status_code == 403
    client = signed_in(documenter, True)
    bad = client.post(reverse("records:export"), {
        "purpose": "sell", "format": "bundle", "passphrase": PASSPHRASE,
        "passphrase_again": PASSPHRASE})
    assert bad.status_code == 200
    assert field_errors(bad, "purpose") == [
        "Select a valid choice. sell is not one of the available choices."]
    unsealed = client.post(reverse("records:export"), {"purpose": "documentation",
                                                       "format": "bundle"})
    assert field_errors(unsealed, "passphrase") == ["This field is required."]
    short = client.post(reverse("records:export"), {
        "purpose": "documentation", "format": "bundle", "passphrase": "short",
        "passphrase_again": "short"})
    assert field_errors(short, "passphrase") == [
        "Ensure this value has at least 12 characters (it has 5)."]
    differ = client.post(reverse("records:export"), {
        "purpose": "documentation", "format": "bundle", "passphrase": PASSPHRASE,
        "passphrase_again": PASSPHRASE + "!"})
    assert field_errors(differ, "passphrase_again") == ["The two passphrases differ."]
    assert AuditEntry.objects.filter(action__in=["export", "refused"]).count() == 0
    assert Source.objects.count() == 0
