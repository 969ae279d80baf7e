"""Users, collections and per-collection roles."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from qantar.accounts.choices import Role
from qantar.common.fields import SealedTextField
from qantar.common.models import QantarModel


class User(AbstractUser):
    """A person who works with Qantar (staff, never a victim record)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    def __str__(self) -> str:
        return self.username


class Collection(QantarModel):
    """A case file or data set: the unit of need-to-know access and of encryption keys."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    # Seals collection-level records (events, sources) and their history.
    records_key_id = models.UUIDField(editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(QantarModel):
    """A user's role in one collection."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "collection"], name="one_role_per_collection")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} {self.collection_id}"


class TwoFactor(QantarModel):
    """A user's TOTP second factor. The seed is sealed; used time steps are never reused."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    key_id = models.UUIDField(editable=False)
    seed = SealedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"two-factor of {self.user_id}"


class BackupCode(QantarModel):
    """A single-use backup code, stored as a SHA-256 digest (the codes are random, 50 bits)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="backup_codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"backup code of {self.user_id}"


class FailedLogin(models.Model):
    """A failed login attempt, for throttling (username as a keyed hash, never in clear)."""

    username_digest = models.CharField(max_length=64, db_index=True)
    ip = models.CharField(max_length=64, blank=True, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return "failed login"


class UserSession(models.Model):
    """Which sessions belong to which user, so an administrator can end them all."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of {self.user_id}"
