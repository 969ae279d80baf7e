"""The audit log in the browser: who may browse what, filters, pages, verify, checkpoints."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from qantar.accounts.choices import Role
from qantar.accounts.views import REAUTH_AT
from qantar.audit.models import AuditEntry
from qantar.audit.queries import signing_public_key, verify
from qantar.audit.services import record_event
from qantar.core.checkpoint import verify_checkpoint
from qantar.records import services
from tests.fixtures.factories import make_collection, make_user, member, person_data

pytestmark = pytest.mark.django_db


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


def listed_seqs(response) -> list[int]:
    """The sequence numbers of the entries shown, in order."""
    table = re.search(r'<table class="list compact audit-log">(.*?)</table>',
                      text_of(response), re.S)
    return [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", table.group(1))] if table else []


@pytest.fixture
def two_collections(db):
    """Two NGOs, each with an administrator and a person recorded by a documenter."""
    first_admin, second_admin = make_user("first-admin"), make_user("second-admin")
    first = make_collection("First NGO", admin=first_admin)
    second = make_collection("Second NGO", admin=second_admin)
    from qantar.common.access import Gate

    first_person = services.record_person(Gate.for_user(first_admin), first, person_data())
    second_person = services.record_person(Gate.for_user(second_admin), second,
                                           person_data(names=[{"value": "Aigul N."}]))
    return {"first": first, "second": second, "first_admin": first_admin,
            "second_admin": second_admin, "first_person": first_person,
            "second_person": second_person}


def test_collection_administrators_see_only_their_collections_entries(two_collections):
    first = two_collections["first"]
    expected = list(AuditEntry.objects.filter(collection_id=str(first.pk))
                    .order_by("-seq").values_list("seq", flat=True))
    record_event("login", actor=two_collections["second_admin"])

    response = signed_in(two_collections["first_admin"]).get(reverse("audit:log"))
    assert response.status_code == 200
    assert listed_seqs(response) == expected
    page = text_of(response)
    assert str(two_collections["second_person"].pk)[:8] not in page
    assert f"{len(expected)} entries." in page
    assert reverse("audit:checkpoint") not in page


def test_instance_administrators_see_everything(two_collections):
    root = make_user("root", is_superuser=True)
    record_event("login", actor=two_collections["second_admin"])

    response = signed_in(root).get(reverse("audit:log"))
    everything = list(AuditEntry.objects.order_by("-seq").values_list("seq", flat=True))
    assert listed_seqs(response) == everything[:50]
    assert f"{len(everything)} entries." in text_of(response)
    assert reverse("audit:checkpoint") in text_of(response)


def test_other_roles_are_refused(collection, person):
    for role in (Role.DOCUMENTER, Role.LAWYER, Role.ANALYST, Role.VIEWER):
        client = signed_in(member(make_user(f"u-{role}"), collection, role))
        assert client.get(reverse("audit:log")).status_code == 403, role
        assert client.post(reverse("audit:verify")).status_code == 403, role
        assert client.get(reverse("audit:checkpoint")).status_code == 403, role
    anonymous = Client().get(reverse("audit:log"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


def test_filters_by_object_action_actor_dates_and_collection(two_collections):
    client = signed_in(two_collections["first_admin"])
    person = two_collections["first_person"]
    about_person = list(AuditEntry.objects.filter(object_id=str(person.pk))
                        .order_by("-seq").values_list("seq", flat=True))
    url = reverse("audit:log")

    assert listed_seqs(client.get(url, {"object_id": str(person.pk)})) == about_person
    assert about_person and "1 entry matches these filters." in text_of(
        client.get(url, {"object_id": str(person.pk)}))
    creates = list(AuditEntry.objects.filter(
        collection_id=str(two_collections["first"].pk), action="create")
        .order_by("-seq").values_list("seq", flat=True))
    assert listed_seqs(client.get(url, {"action": "create"})) == creates
    assert listed_seqs(client.get(url, {"actor": "nobody"})) == []
    assert "No entry matches." in text_of(client.get(url, {"actor": "nobody"}))
    assert listed_seqs(client.get(url, {"object_type": "records.person",
                                        "actor": "first-admin"})) == [
        AuditEntry.objects.get(object_id=str(person.pk), action="create").seq]
    assert listed_seqs(client.get(url, {"until": "2000-01-01"})) == []
    assert listed_seqs(client.get(url, {"since": "2000-01-01"})) == listed_seqs(client.get(url))
    other = str(two_collections["second"].pk)
    assert listed_seqs(client.get(url, {"collection": other})) == listed_seqs(client.get(url))


def test_bad_filters_are_shown_and_ignored(two_collections):
    client = signed_in(two_collections["first_admin"])
    everything = listed_seqs(client.get(reverse("audit:log")))

    response = client.get(reverse("audit:log"), {"object_id": "not-a-uuid",
                                                 "since": "2023-02-30", "action": "explode",
                                                 "since_x": "1"})
    page = text_of(response)
    assert response.status_code == 200
    assert "Enter a valid UUID." in page and "Enter a valid date." in page
    assert "Select a valid choice. explode is not one of the available choices." in page
    assert listed_seqs(response) == everything
    backwards = client.get(reverse("audit:log"), {"since": "2023-03-01", "until": "2023-01-01"})
    assert "The end of the range is before its start." in text_of(backwards)


def test_the_log_is_paginated_fifty_a_page(collection, gate):
    for number in range(55):
        record_event("view_sensitive", actor=gate.user, collection_id=collection.pk,
                     object_type="records.person", object_id=str(number))
    admin = member(make_user("admin"), collection, Role.ADMINISTRATOR)
    total = AuditEntry.objects.filter(collection_id=str(collection.pk)).count()
    client = signed_in(admin)

    first = client.get(reverse("audit:log"), {"action": "view_sensitive"})
    second = client.get(reverse("audit:log"), {"action": "view_sensitive", "page": "2"})
    assert len(listed_seqs(first)) == 50 and len(listed_seqs(second)) == 5
    assert "Page 1 of 2" in text_of(first)
    assert 'href="?action=view_sensitive&amp;page=2" rel="next"' in text_of(first)
    assert total >= 55


def test_entries_link_to_their_record_and_show_details_without_values(admin_client_setup):
    client, person = admin_client_setup
    page = text_of(client.get(reverse("audit:log"), {"object_id": str(person.pk)}))

    assert f'<a href="/people/{person.pk}/"><code>' in page
    assert "fields: age, birth_date, groups, names, notes, sex, status" in page
    assert "Sakhanbayev" not in page and "Tortured" not in page


@pytest.fixture
def admin_client_setup(collection, gate, person):
    admin = member(make_user("admin"), collection, Role.ADMINISTRATOR)
    return signed_in(admin), person


def test_verify_now_reports_an_intact_log(admin_client_setup):
    client, _person = admin_client_setup
    report = verify()

    response = client.post(reverse("audit:verify"))
    page = text_of(response)
    assert response.status_code == 200
    assert "The audit log is intact." in page
    assert f"<dd>{report.size}</dd>" in page and report.root_hex in page
    assert client.get(reverse("audit:verify")).status_code == 405


def test_verify_now_names_a_tampered_entry(admin_client_setup):
    client, person = admin_client_setup
    entry = AuditEntry.objects.filter(object_id=str(person.pk)).order_by("seq").first()
    AuditEntry.objects.filter(seq=entry.seq).update(actor_label="someone else", ip="6.6.6.6")

    page = text_of(client.post(reverse("audit:verify")))
    assert "The audit log has been tampered with." in page
    assert (f"<p>Entry {entry.seq} was modified: its content no longer matches its recorded "
            "hash.</p>") in page


def test_checkpoint_needs_an_instance_administrator_and_the_password(collection, person):
    admin = member(make_user("admin"), collection, Role.ADMINISTRATOR)
    assert signed_in(admin, True).get(reverse("audit:checkpoint")).status_code == 403
    root = make_user("root", is_superuser=True)
    before = AuditEntry.objects.count()

    asked = signed_in(root).post(reverse("audit:checkpoint"))
    assert asked.status_code == 302
    assert asked["Location"] == (reverse("accounts:reauthenticate")
                                 + "?next=%2Faudit%2Fcheckpoint%2F")
    assert AuditEntry.objects.count() == before


def test_download_a_signed_checkpoint_that_verifies(collection, person):
    root = make_user("root", is_superuser=True)
    client = signed_in(root, recent_password=True)
    size = AuditEntry.objects.count()
    assert "Sign and download" in text_of(client.get(reverse("audit:checkpoint")))

    response = client.post(reverse("audit:checkpoint"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="qantar-checkpoint-\d{8}-\d{4}\.txt"',
                        response["Content-Disposition"])
    checkpoint = verify_checkpoint(response.content.decode(), signing_public_key())
    assert checkpoint.size == size
    assert verify(response.content.decode()).is_intact
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor_label, entry.details["operation"]) == (
        "key_operation", "root", "checkpoint")


def test_a_tampered_log_is_not_signed(collection, person):
    root = make_user("root", is_superuser=True)
    AuditEntry.objects.filter(seq=1).update(ip="6.6.6.6")
    before = AuditEntry.objects.count()

    response = signed_in(root, True).post(reverse("audit:checkpoint"))
    assert response.status_code == 409
    assert "No checkpoint was signed." in text_of(response)
    assert AuditEntry.objects.count() == before


def test_record_pages_show_their_own_trail(documenter, gate, collection, person):
    event = services.record_event_record(gate, collection, {"title": "Dispersal"})
    violation = services.record_violation(gate, {"victim": person.pk, "type": "torture",
                                                 "event": event.pk})
    client = signed_in(documenter)

    for url, record in ((reverse("records:person_detail", args=[person.pk]), person),
                        (reverse("records:event_detail", args=[event.pk]), event),
                        (reverse("records:violation_detail", args=[violation.pk]), violation)):
        page = text_of(client.get(url))
        entries = AuditEntry.objects.filter(object_id=str(record.pk)).exclude(
            action="view_sensitive").order_by("-seq")
        assert AuditEntry.objects.filter(object_id=str(record.pk), action="view_sensitive",
                                         actor_label="documenter").exists(), url
        trail = page[page.index('<h2 id="audit-heading">'):]
        assert re.findall(r"<tr><td>(\d+)</td>", trail) == [str(e.seq) for e in entries], url
        assert "<td>Created</td>" in trail
