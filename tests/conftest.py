"""Test set-up: a throw-away master key, key store and evidence store, vocabularies, users and
collections."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from qantar.common.keyring import reset_keyring, write_key_file
from qantar.core import crypto

KEY_DIR = Path(tempfile.mkdtemp(prefix="qantar-test-keys-"))


def pytest_configure(config: pytest.Config) -> None:
    """Point the key file, key store and evidence store at a private temporary folder."""
    settings.KEY_FILE = str(KEY_DIR / "master.key")
    settings.KEYSTORE_FILE = str(KEY_DIR / "keystore.sqlite3")
    settings.EVIDENCE_DIR = KEY_DIR / "evidence"
    write_key_file(Path(settings.KEY_FILE), crypto.new_key(), "test key")
    reset_keyring()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the temporary keys."""
    reset_keyring()
    shutil.rmtree(KEY_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001
    """Load the shipped vocabularies and justice reference tables once per test database."""
    from qantar.justice.services import sync_reference
    from qantar.vocab.services import sync_terms

    with django_db_blocker.unblock():
        sync_terms()
        sync_reference()


@pytest.fixture(autouse=True)
def _english_unless_a_test_asks():
    """Each test starts in English: a language activated by an earlier test must not leak."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _audit_channel_starts_as_system():
    """Each test starts with audit entries marked "system": a command run in-process marks
    them "cli" for the rest of its thread, which must not leak into the next test."""
    from qantar.common.context import channel

    token = channel.set("system")
    yield
    channel.reset(token)


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """``client.force_login`` stands for a full login, second factor included.

    Tests of the login itself (password, second factor, throttling) post to the real views.
    """
    import time

    from django.test import Client

    from qantar.accounts import middleware

    original = Client.force_login

    def force_login(self, user, backend=None):  # noqa: ANN001, ANN202
        original(self, user, backend)
        session = self.session
        session[middleware.AUTH_AT] = session[middleware.SEEN_AT] = time.time()
        session[middleware.SECOND_FACTOR_DONE] = True
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


pytest_plugins = ["tests.fixtures.factories"]
