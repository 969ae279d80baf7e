"""Browser tests: Playwright (sync API) driving Debian's Chromium against a live server.

Chromium missing: the tests are skipped with the reason, except under CI (``CI=true``), where
they fail, because the browser suite must run there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

# The Playwright sync API runs an event loop in this thread; Django's ORM calls made by the
# fixtures from the same thread are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    """Know the xdist_group marker even when xdist is disabled (``-p no:xdist``)."""
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one xdist worker")


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required under CI")
        pytest.skip("chromium is not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


@dataclass
class Site:
    """A live Qantar with one collection and a documenter enrolled in two-factor login."""

    url: str
    username: str
    password: str
    totp: Any
    collection: Any
    user: Any


@pytest.fixture
def site(live_server: Any, transactional_db: Any) -> Site:
    """Vocabularies (flushed between transactional tests), a collection and its documenter."""
    import pyotp

    from qantar.accounts import security
    from qantar.accounts.choices import Role
    from qantar.accounts.models import TwoFactor
    from qantar.vocab.services import sync_terms
    from tests.fixtures.factories import PASSWORD, make_collection, make_user, member

    sync_terms()
    collection = make_collection("Taldykorgan cases")
    user = member(make_user("aigerim"), collection, Role.DOCUMENTER)
    device = security.start_enrolment(user)
    totp = pyotp.TOTP(device.seed)
    assert security.verify_code(user, totp.now(), confirming=True)
    TwoFactor.objects.filter(user=user).update(last_used_step=0)
    return Site(live_server.url, "aigerim", PASSWORD, totp, collection, user)


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    """A fresh browser tab (no cookies) on a small-laptop screen, in English."""
    context = browser.new_context(base_url=site.url, locale="en-GB",
                                  viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page: Any, site: Site) -> None:
    """Log in with the password and the second factor, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(site.username)
    page.get_by_label("Password").fill(site.password)
    page.get_by_role("button", name="Log in").click()
    if "/two-factor/" in page.url:
        page.locator("input[name=code]").fill(site.totp.now())
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{site.url}/")
