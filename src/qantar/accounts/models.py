"""Users, collections and per-collection roles."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from qantar.accounts.choices import Role
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
