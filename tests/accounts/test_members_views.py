"""Administering members, roles, users and sessions through the web pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from qantar.accounts.choices import Role
from qantar.accounts.models import Membership, User, UserSession
from qantar.accounts.security import remember_session
from qantar.audit.models import AuditEntry
from tests.fixtures.factories import PASSWORD, make_collection, make_user, member

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    remember_session(user, client.session.session_key)
    return client


def text_of(response) -> str:
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    match = re.search(rf'<ul class="errors" id="id_{re.escape(field)}_error">(.*?)</ul>',
                      text_of(response), re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []


def roles(collection) -> dict[str, str]:
    return dict(Membership.objects.filter(collection=collection)
                .values_list("user__username", "role"))


def state() -> tuple:
    return (sorted(Membership.objects.values_list("user__username", "collection__name", "role")),
            sorted(User.objects.values_list("username", "is_active")),
            UserSession.objects.count(), AuditEntry.objects.count())


@pytest.fixture
def admin(collection):
    return member(make_user("admin"), collection, Role.ADMINISTRATOR)


@pytest.fixture
def root(db):
    return make_user("root", is_superuser=True)


def test_members_page_lists_members_and_roles(admin, documenter, collection):
    response = signed_in(admin).get(reverse("accounts:members"))
    assert (response.status_code, response["Location"]) == (
        302, reverse("accounts:collection_members", args=[collection.pk]))

    page = text_of(signed_in(admin).get(response["Location"]))
    assert f"<h1>Members of {collection.name}</h1>" in page
    rows = re.findall(r'<th scope="row">(\w+)[^<]*(?:<span[^>]*>[^<]*</span>)?</th>\s*<td>.*?'
                      r'<option value="(\w+)" selected>', page, re.S)
    assert rows == [("admin", "administrator"), ("documenter", "documenter")]


def test_grant_and_change_a_role_by_username(admin, collection):
    make_user("aigerim")
    client = signed_in(admin)
    url = reverse("accounts:collection_members", args=[collection.pk])

    added = client.post(url, {"username": "aigerim", "role": "analyst"})
    assert (added.status_code, added["Location"]) == (302, url)
    assert roles(collection)["aigerim"] == "analyst"
    aigerim = User.objects.get(username="aigerim")
    changed = client.post(reverse("accounts:member_role", args=[collection.pk, aigerim.pk]),
                          {"role": "documenter"})
    assert changed.status_code == 302
    assert roles(collection)["aigerim"] == "documenter"
    assert [e.details["role"] for e in AuditEntry.objects.filter(
        action="permission_change", details__user=str(aigerim.pk)).order_by("seq")] == [
        "analyst", "documenter"]
    shown = text_of(client.get(url))
    assert f'"message message-success">aigerim is now Analyst in {collection.name}.</p>' in shown
    assert "The role of aigerim was changed.</p>" in shown


def test_unknown_user_or_role_is_refused_and_nothing_changes(admin, collection):
    client = signed_in(admin)
    url = reverse("accounts:collection_members", args=[collection.pk])
    before = state()

    nobody = client.post(url, {"username": "nobody", "role": "viewer"})
    assert field_errors(nobody, "username") == ["There is no user with this username."]
    bad_role = client.post(url, {"username": "admin", "role": "king"})
    assert field_errors(bad_role, "role") == [
        "Select a valid choice. king is not one of the available choices."]
    documenter = make_user("doc2")
    before = state()
    direct = client.post(reverse("accounts:member_role", args=[collection.pk, documenter.pk]),
                         {"role": "king"})
    assert direct.status_code == 404  # not a member of a collection this admin manages
    assert state() == before


def test_the_last_administrator_cannot_be_demoted_or_removed(admin, collection):
    client = signed_in(admin)
    before = state()

    demoted = client.post(reverse("accounts:member_role", args=[collection.pk, admin.pk]),
                          {"role": "viewer"}, follow=True)
    assert "This is the collection&#x27;s only administrator" in text_of(demoted)
    removed = client.post(reverse("accounts:member_revoke", args=[collection.pk, admin.pk]),
                          follow=True)
    assert "give another member the administrator role first." in text_of(removed)
    assert state() == before


def test_revoke_a_member(admin, documenter, collection):
    response = signed_in(admin).post(
        reverse("accounts:member_revoke", args=[collection.pk, documenter.pk]), follow=True)

    assert f"documenter is no longer a member of {collection.name}." in text_of(response)
    assert roles(collection) == {"admin": "administrator"}
    assert User.objects.get(pk=documenter.pk).is_active


def test_only_collection_administrators_manage_members(collection, admin, documenter):
    url = reverse("accounts:collection_members", args=[collection.pk])
    before = state()
    for role in (Role.DOCUMENTER, Role.LAWYER, Role.ANALYST, Role.VIEWER):
        client = signed_in(member(make_user(f"u-{role}"), collection, role))
        before = state()
        assert client.get(reverse("accounts:members")).status_code == 403
        assert client.get(url).status_code == 403
        assert client.post(url, {"username": f"u-{role}", "role": "administrator"}
                           ).status_code == 403
        assert client.post(reverse("accounts:member_revoke", args=[collection.pk, admin.pk])
                           ).status_code == 403
        assert client.post(reverse("accounts:user_end_sessions", args=[admin.pk])
                           ).status_code == 404
        assert state() == before
    outsider = make_user("outsider")
    make_collection("Other NGO", admin=outsider)
    client = signed_in(outsider)
    before = state()
    assert client.get(url).status_code == 404
    assert client.post(url, {"username": "outsider", "role": "administrator"}).status_code == 404
    assert client.post(reverse("accounts:user_end_sessions", args=[documenter.pk])
                       ).status_code == 404
    assert state() == before


def test_end_all_sessions_of_a_member(admin, documenter, collection):
    victim_client = signed_in(documenter)
    assert victim_client.get(reverse("records:home")).status_code == 200

    response = signed_in(admin).post(reverse("accounts:user_end_sessions",
                                             args=[documenter.pk]),
                                     {"next": reverse("accounts:collection_members",
                                                      args=[collection.pk])}, follow=True)
    assert "1 session(s) of documenter were ended." in text_of(response)
    assert victim_client.get(reverse("records:home")).status_code == 302
    entry = AuditEntry.objects.filter(action="logout", object_id=str(documenter.pk)).get()
    assert (entry.actor_label, entry.details["sessions_ended"]) == ("admin", 1)


def test_instance_administrator_creates_a_user_with_a_password_shown_once(root, collection):
    member(root, collection, Role.ADMINISTRATOR)
    client = signed_in(root)

    response = client.post(reverse("accounts:user_create"), {
        "username": "dana", "password": "", "collection": str(collection.pk),
        "role": "documenter"})
    page = text_of(response)
    assert response.status_code == 200
    password = re.search(r'<p class="secret"><code>([^<]+)</code></p>', page).group(1)
    assert len(password) >= 20
    assert authenticate(username="dana", password=password) == User.objects.get(username="dana")
    assert roles(collection)["dana"] == "documenter"
    assert password not in text_of(client.get(reverse("accounts:users")))


def test_a_typed_password_must_be_strong_and_a_refusal_creates_nothing(root):
    client = signed_in(root)
    before = state()

    weak = client.post(reverse("accounts:user_create"), {"username": "dana",
                                                         "password": "password"})
    assert field_errors(weak, "password") == [
        "This password is too short. It must contain at least 12 characters. "
        "This password is too common."]
    taken = client.post(reverse("accounts:user_create"), {"username": "root",
                                                          "password": PASSWORD})
    assert field_errors(taken, "username") == ["The username “root” is taken."]
    half = client.post(reverse("accounts:user_create"), {"username": "dana",
                                                         "password": PASSWORD, "role": "viewer"})
    assert field_errors(half, "role") == ["Choose both a collection and a role, or neither."]
    assert state() == before
    typed = client.post(reverse("accounts:user_create"), {"username": "dana",
                                                          "password": PASSWORD})
    assert "They log in with the password you typed." in text_of(typed)
    assert PASSWORD not in text_of(typed)


def test_disable_a_user_logs_them_out_and_enable_lets_them_back(root, documenter):
    documenter_client = signed_in(documenter)
    client = signed_in(root)

    response = client.post(reverse("accounts:user_set_active", args=[documenter.pk]),
                           {"is_active": "0"}, follow=True)
    assert "documenter was disabled and logged out everywhere." in text_of(response)
    assert User.objects.get(pk=documenter.pk).is_active is False
    assert documenter_client.get(reverse("records:home")).status_code == 302
    assert authenticate(username="documenter", password=PASSWORD) is None
    assert "disabled</span>" in text_of(client.get(reverse("accounts:users")))
    client.post(reverse("accounts:user_set_active", args=[documenter.pk]), {"is_active": "1"})
    assert authenticate(username="documenter", password=PASSWORD) == documenter
    assert [e.details["is_active"] for e in AuditEntry.objects.filter(
        action="status_change", object_id=str(documenter.pk)).order_by("seq")] == [False, True]


def test_only_instance_administrators_create_or_disable_users(admin, documenter):
    client = signed_in(admin)
    before = state()

    assert client.get(reverse("accounts:users")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.post(reverse("accounts:user_create"), {
        "username": "dana", "password": PASSWORD}).status_code == 403
    assert client.post(reverse("accounts:user_set_active", args=[documenter.pk]),
                       {"is_active": "0"}).status_code == 403
    assert state() == before


def test_an_instance_administrator_cannot_disable_themselves(root):
    client = signed_in(root)
    before = state()

    response = client.post(reverse("accounts:user_set_active", args=[root.pk]),
                           {"is_active": "0"}, follow=True)
    assert "You cannot disable your own account." in text_of(response)
    assert state() == before
