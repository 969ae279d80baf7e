"""Evidence items and their chain of custody.

An :class:`EvidenceItem` is one file, stored encrypted in the blob store
(:mod:`qantar.evidence.store`) and never changed: its SHA-256 and SHA-512 are of the bytes as
received. It documents a person, a violation, an event and/or a testimony. When it is about a
person (directly, or through their violation or testimony) its file key is wrapped by that
person's data key, so erasing the person makes the file unreadable; the row, its hashes and
its :class:`CustodyEvent` trail stay.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qantar.audit.models import AppendOnly
from qantar.common.fields import PartialDateField, SealedTextField
from qantar.common.models import CollectionRecord, QantarModel
from qantar.core.errors import IntegrityFailure
from qantar.evidence.choices import CustodyAction, EvidenceKind


class EvidenceItem(CollectionRecord):
    """One evidence file: what it documents, its hashes, sealed name, description and metadata."""

    kind = models.CharField(_("kind"), max_length=24, choices=EvidenceKind.choices)
    # The person the file is about: their data key seals it (and its erasure destroys it).
    person = models.ForeignKey(
        "records.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("person"),
    )
    violation = models.ForeignKey(
        "records.Violation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("violation"),
    )
    event = models.ForeignKey(
        "records.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("event"),
    )
    testimony = models.ForeignKey(
        "records.Testimony",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("testimony"),
    )
    original_name = SealedTextField(_("file name"))
    description = SealedTextField(_("description"))
    # JSON of what the file says about itself (EXIF: camera, time, GPS position): sealed,
    # because a position or a device can identify people.
    metadata = SealedTextField(_("metadata"))
    media_type = models.CharField(_("media type"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    sha512 = models.CharField(_("SHA-512"), max_length=128)
    # Where the encrypted file is in the store: a keyed hash, never the file's own SHA-256.
    blob_address = models.CharField(max_length=64, unique=True, editable=False)
    # SHA-256 of the encrypted file, checkable even after the key is destroyed.
    blob_sha256 = models.CharField(max_length=64, editable=False)
    # The file's own random key, sealed under ``key_id``.
    file_key = models.BinaryField(editable=False)
    captured = PartialDateField(_("date taken or written"))
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        ordering = ["received_at", "created_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False)
                | Q(violation__isnull=False)
                | Q(event__isnull=False)
                | Q(testimony__isnull=False),
                name="evidence_documents_a_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"


class CustodyQuerySet(models.QuerySet["CustodyEvent"]):
    """Custody events cannot be changed or removed in bulk either."""

    def update(self, **kwargs: Any) -> int:
        raise IntegrityFailure("append_only", "Custody events are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise IntegrityFailure("append_only", "Custody events are never deleted.")


class CustodyEvent(QantarModel, AppendOnly):
    """One link in an item's chain of custody: who, when (UTC), what; never changed."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody")
    key_id = models.UUIDField(editable=False)
    action = models.CharField(_("action"), max_length=24, choices=CustodyAction.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    # Who the file went to, and a note: sealed under the item's key (they can name people).
    party = SealedTextField(_("to whom"))
    note = SealedTextField(_("note"))

    objects = CustodyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "created_at"]

    def __str__(self) -> str:
        return f"{self.action} of {self.item_id}"
