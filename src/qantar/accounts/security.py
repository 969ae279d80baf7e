"""Login that holds under attack: TOTP second factor, backup codes, throttling, sessions.

TOTP follows RFC 6238 (30-second steps, 6 digits, one step of clock drift either way). A code
is accepted once: its time step must be newer than the last one used.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.accounts.models import BackupCode, FailedLogin, TwoFactor, User, UserSession
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.core.errors import ValidationFailed

BACKUP_CODE_COUNT = 10
THROTTLE_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)


def needs_two_factor(user: Any) -> bool:
    """True for every user who may see identities somewhere, and for instance administrators."""
    if user.is_superuser:
        return True
    gate = Gate.for_user(user)
    return any(gate.can(cid, Capability.VIEW_IDENTITIES) for cid in gate.roles)


def _accounts_key_id() -> str:
    ring = get_keyring()
    return ring.instance_key_id("accounts-secrets")


@transaction.atomic
def start_enrolment(user: User) -> TwoFactor:
    """A new, unconfirmed TOTP seed for the user (replaces an unconfirmed one)."""
    TwoFactor.objects.filter(user=user, confirmed_at__isnull=True).delete()
    if TwoFactor.objects.filter(user=user).exists():
        raise ValidationFailed("already_enrolled", "Two-factor authentication is already set up.")
    device = TwoFactor(user=user, key_id=_accounts_key_id())
    device.seed = pyotp.random_base32()
    device.save()
    return device


def provisioning_uri(device: TwoFactor) -> str:
    """The otpauth:// URI an authenticator app scans."""
    return pyotp.TOTP(device.seed).provisioning_uri(name=device.user.username, issuer_name="Qantar")


def _matching_step(device: TwoFactor, code: str, at: Any) -> int | None:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(device.seed)
    step = totp.timecode(at)
    for candidate in (step - 1, step, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


@transaction.atomic
def verify_code(user: User, code: str, *, confirming: bool = False) -> bool:
    """Check a TOTP code once; a replayed or old code is refused. Audited on failure."""
    device = TwoFactor.objects.select_for_update().filter(user=user).first()
    if device is None or (device.confirmed_at is None and not confirming):
        return False
    step = _matching_step(device, code, timezone.now())
    if step is None or step <= device.last_used_step:
        record_event(AuditAction.LOGIN_FAILED, actor=user, details={"reason": "bad_second_factor"})
        return False
    device.last_used_step = step
    if confirming and device.confirmed_at is None:
        device.confirmed_at = timezone.now()
        record_event(AuditAction.UPDATE, actor=user, obj=user, details={"two_factor": "enabled"})
    device.save(update_fields=["last_used_step", "confirmed_at"])
    return True


def _digest(code: str) -> str:
    return hashlib.sha256(("qantar-backup:" + code.replace("-", "").lower()).encode()).hexdigest()


@transaction.atomic
def new_backup_codes(user: User) -> list[str]:
    """Replace the user's backup codes; the codes are shown once and stored only as digests."""
    BackupCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(BACKUP_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        BackupCode.objects.create(user=user, digest=_digest(raw))
    record_event(AuditAction.UPDATE, actor=user, obj=user, details={"backup_codes": "renewed"})
    return codes


@transaction.atomic
def use_backup_code(user: User, code: str) -> bool:
    """Accept a backup code once."""
    row = (
        BackupCode.objects.select_for_update()
        .filter(user=user, digest=_digest(code.strip()), used_at__isnull=True)
        .first()
    )
    if row is None:
        record_event(AuditAction.LOGIN_FAILED, actor=user, details={"reason": "bad_backup_code"})
        return False
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    record_event(AuditAction.LOGIN, actor=user, details={"second_factor": "backup_code"})
    return True


def _username_digest(username: str) -> str:
    key = get_keyring().index_key
    return hashlib.sha256(key + username.strip().casefold().encode("utf-8")).hexdigest()


def is_throttled(username: str) -> bool:
    """True when the username had too many failures in the last window."""
    since = timezone.now() - THROTTLE_WINDOW
    return (
        FailedLogin.objects.filter(
            username_digest=_username_digest(username), at__gte=since
        ).count()
        >= THROTTLE_FAILURES
    )


def record_failure(username: str, ip: str, reason: str) -> None:
    """Count a failed login and audit it (the username made safe for logs)."""
    FailedLogin.objects.create(
        username_digest=_username_digest(username), ip=ip[:64], at=timezone.now()
    )
    record_event(AuditAction.LOGIN_FAILED, actor_label=username, details={"reason": reason})


def remember_session(user: User, session_key: str) -> None:
    """Tie a session to its user so it can be ended by an administrator."""
    UserSession.objects.get_or_create(session_key=session_key, defaults={"user": user})


@transaction.atomic
def end_sessions(actor: Any, user: User) -> int:
    """End every session of a user (audited); returns how many were ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    record_event(AuditAction.LOGOUT, actor=actor, obj=user, details={"sessions_ended": len(keys)})
    return len(keys)


def idle_limit() -> timedelta:
    """How long a session may stay idle."""
    return timedelta(seconds=getattr(settings, "SESSION_IDLE_SECONDS", 1800))


def absolute_limit() -> timedelta:
    """How long a session may last at most."""
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)
