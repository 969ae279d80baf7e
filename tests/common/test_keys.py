"""Key administration: passphrases, rotation, recovery — and the data still opens."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings

from qantar.common import keyadmin, keyring
from qantar.core import crypto
from qantar.core.errors import KeyUnavailable, ValidationFailed
from qantar.records.models import Person
from qantar.records.services import record_person
from tests.fixtures.factories import person_data

FAST = crypto.Argon2Params(time_cost=1, memory_kib=8192, parallelism=1)


@pytest.fixture
def own_keys(tmp_path, monkeypatch):
    """A private key file and key store for one test; Argon2 made cheap except where tested."""
    saved = (settings.KEY_FILE, settings.KEYSTORE_FILE)
    settings.KEY_FILE = str(tmp_path / "master.key")
    settings.KEYSTORE_FILE = str(tmp_path / "keystore.sqlite3")
    keyring.write_key_file(Path(settings.KEY_FILE), crypto.new_key(), "test")
    keyring.reset_keyring()
    monkeypatch.setattr(
        crypto, "calibrate_argon2", lambda *a, **k: crypto.Argon2Params(1, 8192, 1, "00" * 16)
    )
    monkeypatch.delenv("QANTAR_PASSPHRASE", raising=False)
    yield tmp_path
    keyring.reset_keyring()
    settings.KEY_FILE, settings.KEYSTORE_FILE = saved
    keyring.reset_keyring()


def _reopen(person_pk) -> str:
    keyring.reset_keyring()
    return Person.objects.get(pk=person_pk).notes


def test_rotation_rewraps_and_the_old_key_file_no_longer_opens(own_keys, gate, collection):
    person = record_person(gate, collection, person_data(notes="rotate me"))
    old_key = Path(settings.KEY_FILE).read_bytes()

    message = keyadmin.rotate(None)

    assert message.startswith("Master key rotated; ")
    assert _reopen(person.pk) == "rotate me"
    Path(settings.KEY_FILE).write_bytes(old_key)
    keyring.reset_keyring()
    with pytest.raises(Exception) as raised:
        _ = Person.objects.get(pk=person.pk).notes
    assert getattr(raised.value, "code", "") == "ciphertext_rejected"


def test_passphrase_change_old_fails_new_opens(own_keys, gate, collection, monkeypatch):
    person = record_person(gate, collection, person_data(notes="behind a passphrase"))
    keyadmin.change_passphrase(None, None, "first passphrase 2022")
    assert not Path(settings.KEY_FILE).exists()

    monkeypatch.setenv("QANTAR_PASSPHRASE", "first passphrase 2022")
    assert _reopen(person.pk) == "behind a passphrase"

    keyadmin.change_passphrase(None, "first passphrase 2022", "second passphrase 2023")
    monkeypatch.setenv("QANTAR_PASSPHRASE", "first passphrase 2022")
    keyring.reset_keyring()
    with pytest.raises(KeyUnavailable) as raised:
        keyring.get_keyring()
    assert (raised.value.code, raised.value.message) == (
        "wrong_passphrase",
        "The passphrase is wrong.",
    )
    monkeypatch.setenv("QANTAR_PASSPHRASE", "second passphrase 2023")
    assert _reopen(person.pk) == "behind a passphrase"


def test_missing_passphrase_and_missing_key_file_are_clear(own_keys):
    Path(settings.KEY_FILE).unlink()
    keyring.reset_keyring()
    with pytest.raises(KeyUnavailable) as raised:
        keyring.get_keyring()
    assert raised.value.code == "no_master_key"
    assert "qantar keys init" in raised.value.message


def test_recovery_copy_opens_only_with_the_private_key(own_keys, gate, collection, monkeypatch):
    person = record_person(gate, collection, person_data(notes="recoverable"))
    private, public = keyadmin.new_recovery_keypair()
    keyadmin.seal_recovery_copy(None, public)
    other_private, _ = keyadmin.new_recovery_keypair()

    with pytest.raises(Exception) as raised:
        keyadmin.recover(None, other_private, "new passphrase after loss")
    assert getattr(raised.value, "code", "") == "ciphertext_rejected"

    Path(settings.KEY_FILE).unlink()  # the laptop's key is lost
    keyadmin.recover(None, private, "new passphrase after loss")
    monkeypatch.setenv("QANTAR_PASSPHRASE", "new passphrase after loss")
    assert _reopen(person.pk) == "recoverable"
    assert keyadmin.status().mode == "passphrase"


def test_short_passphrase_is_refused(own_keys):
    with pytest.raises(ValidationFailed) as raised:
        keyadmin.change_passphrase(None, None, "short")
    assert raised.value.code == "weak_passphrase"
    assert Path(settings.KEY_FILE).exists()


def test_argon2_calibration_takes_at_least_half_a_second():
    params = crypto.calibrate_argon2(target_seconds=0.5)
    started = time.perf_counter()
    crypto.derive_master_key("a passphrase", params)
    assert time.perf_counter() - started >= 0.4
    assert params.memory_kib == 262144
