"""Abstract base models: UUID keys, timestamps, soft deletion, collections, sealed records."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AliveManager(models.Manager):  # type: ignore[type-arg]
    """Rows that are not soft-deleted."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class QantarModel(models.Model):
    """UUID primary key (global, syncable, citable) and creation/update times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteModel(QantarModel):
    """Never deleted from the database: marked deleted, with who, when and why."""

    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deletion_reason = models.CharField(max_length=500, blank=True, editable=False)

    objects = AliveManager()
    all_objects = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        """True once the record has been soft-deleted."""
        return self.deleted_at is not None


class CollectionRecord(SoftDeleteModel):
    """A record in a collection (the unit of need-to-know access), sealed under ``key_id``."""

    collection = models.ForeignKey(
        "accounts.Collection",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("collection"),
    )

    # The data key that seals this record's encrypted fields and change history. For
    # anything about a person it is that person's key, so erasing the person destroys it;
    # other records use their collection's records key.
    key_id = models.UUIDField(editable=False)

    class Meta:
        abstract = True
