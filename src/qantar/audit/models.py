"""Audit entries (append-only) and record revisions (sealed change history)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from qantar.audit.choices import AuditAction
from qantar.common.fields import SealedTextField
from qantar.common.models import QantarModel
from qantar.core.errors import IntegrityFailure


class AppendOnly(models.Model):
    """Rows that can be added but never changed or removed through the application."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise IntegrityFailure("append_only", f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise IntegrityFailure("append_only", f"{type(self).__name__} rows are never deleted.")


class AuditEntry(AppendOnly):
    """One audited action: who, when, from where, what (ids, field names, hashes — no values).

    ``leaf_hash`` is the RFC 6962 leaf of the Merkle tree over all entries; ``chain_hash``
    chains each entry to the one before it.
    """

    # Few indexes on purpose: every one is written on every audited action. The log browser
    # orders by ``seq`` and narrows by record or collection; time, action and type filters
    # scan within those.
    seq = models.PositiveBigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    collection_id = models.CharField(max_length=64, blank=True, db_index=True)
    details = models.JSONField(default=dict)
    leaf_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}"


class Revision(QantarModel, AppendOnly):
    """One change to a record, with old and new values sealed under the record's key."""

    object_type = models.CharField(max_length=64, db_index=True)
    object_id = models.UUIDField(db_index=True)
    collection_id = models.UUIDField(db_index=True)
    key_id = models.UUIDField(editable=False)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    actor = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)
    # JSON {"field": [old, new], ...}; sealed because values can identify people.
    changes = SealedTextField()

    class Meta:
        ordering = ["at", "created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}"
