"""Login that holds under attack: second factor, replay, throttling, session time-outs."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from qantar.accounts import middleware, security
from qantar.accounts.choices import Role
from qantar.accounts.models import FailedLogin, TwoFactor
from qantar.audit.models import AuditEntry
from tests.fixtures.factories import PASSWORD, make_user, member

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _enrolled(user) -> pyotp.TOTP:
    device = security.start_enrolment(user)
    totp = pyotp.TOTP(device.seed)
    assert security.verify_code(user, totp.now(), confirming=True)
    TwoFactor.objects.filter(user=user).update(last_used_step=0)
    return totp


def test_right_password_without_second_factor_gets_nothing(documenter, collection):
    _enrolled(documenter)
    client = Client()
    response = _login(client, "documenter")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    home = client.get("/")
    assert (home.status_code, home["Location"]) == (302, reverse("accounts:two_factor"))
    assert client.get("/people/").status_code == 302


def test_second_factor_lets_in_and_a_replayed_code_is_refused(client, documenter):
    totp = _enrolled(documenter)
    _login(client, "documenter")
    code = totp.now()
    ok = client.post(reverse("accounts:two_factor"), {"code": code, "next": "/"})
    assert (ok.status_code, ok["Location"]) == (302, "/")
    assert client.get("/").status_code == 200

    other = Client()
    _login(other, "documenter")
    replay = other.post(reverse("accounts:two_factor"), {"code": code, "next": "/"})
    assert replay.status_code == 200
    assert "That code is wrong, expired or already used." in replay.content.decode()
    assert other.get("/").status_code == 302


def test_backup_codes_work_once(client, documenter):
    _enrolled(documenter)
    codes = security.new_backup_codes(documenter)
    assert len(codes) == 10 and all(len(code) == 11 for code in codes)
    _login(client, "documenter")
    assert client.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 302
    client.logout()
    _login(client, "documenter")
    again = client.post(reverse("accounts:two_factor"), {"code": codes[0]})
    assert again.status_code == 200


def test_a_password_reset_still_asks_for_the_second_factor(client, documenter):
    from qantar.accounts.services import set_password

    _enrolled(documenter)
    set_password(None, documenter, "a brand new long passphrase 7")
    response = _login(client, "documenter", "a brand new long passphrase 7")
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_new_identity_users_must_enrol_first(client, documenter):
    response = _login(client, "documenter")
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    seed = TwoFactor.objects.get(user=documenter).seed
    assert seed in page.content.decode()
    assert page.content.decode().count("<svg") == 1
    done = client.post(reverse("accounts:two_factor_setup"), {"code": pyotp.TOTP(seed).now()})
    assert "Your backup codes" in done.content.decode()
    assert client.get("/").status_code == 200


def test_analyst_without_identities_needs_no_second_factor(client, collection):
    member(make_user("analyst"), collection, Role.ANALYST)
    response = _login(client, "analyst")
    assert response["Location"] == "/"


def test_repeated_failures_throttle_the_account_and_are_audited(client, documenter):
    for _ in range(5):
        assert _login(client, "documenter", "wrong password").status_code == 200
    throttled = _login(client, "documenter")  # even the right password is refused now
    assert throttled.status_code == 200
    assert "Too many failed attempts" in throttled.content.decode()
    failures = AuditEntry.objects.filter(action="login_failed")
    assert [e.details["reason"] for e in failures] == ["bad_credentials"] * 5 + ["throttled"]
    assert FailedLogin.objects.count() == 6
    assert all(e.actor_label == "documenter" for e in failures)


def test_username_with_newlines_is_logged_safely(client, db):
    _login(client, "evil\nuser\r\nFAKE", "x")
    entry = AuditEntry.objects.get(action="login_failed")
    assert entry.actor_label == "eviluserFAKE"


def test_idle_and_absolute_time_outs_send_to_login(client, documenter):
    client.force_login(documenter)
    assert client.get("/").status_code == 200
    session = client.session
    session[middleware.SEEN_AT] = time.time() - 31 * 60
    session.save()
    idle = client.get("/people/")
    assert idle.status_code == 302 and "expired=1" in idle["Location"]
    assert client.get("/").status_code == 302  # logged out for good

    client.force_login(documenter)
    session = client.session
    session[middleware.AUTH_AT] = time.time() - 9 * 3600
    session.save()
    assert "expired=1" in client.get("/").headers["Location"]


def test_disabled_account_and_ended_sessions_are_logged_out(client, documenter, collection):
    totp = _enrolled(documenter)
    _login(client, "documenter")
    client.post(reverse("accounts:two_factor"), {"code": totp.now()})
    assert client.get("/").status_code == 200
    assert security.end_sessions(None, documenter) >= 1
    assert client.get("/").status_code == 302

    client.force_login(documenter)
    documenter.is_active = False
    documenter.save()
    assert client.get("/").status_code == 302


def test_logout_needs_post_and_invalidates_the_session(client, documenter):
    client.force_login(documenter)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302


def test_sensitive_actions_ask_for_the_password_again(client, documenter):
    client.force_login(documenter)
    page = client.get(reverse("accounts:reauthenticate") + "?next=/people/")
    assert page.status_code == 200
    wrong = client.post(reverse("accounts:reauthenticate"), {"password": "nope", "next": "/"})
    assert "That is not your password." in wrong.content.decode()
    right = client.post(
        reverse("accounts:reauthenticate"), {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert right["Location"] == "/"
