"""Closed sets for evidence: kinds of file and what can happen to one in its chain of custody."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    """What an evidence file is (its media type is detected from its content apart)."""

    PHOTO = "photo", _("Photograph")
    MEDICAL_DOCUMENT = "medical_document", _("Medical document")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio recording")
    OFFICIAL_LETTER = "official_letter", _("Official letter")
    OTHER = "other", _("Other")


class CustodyAction(models.TextChoices):
    """One link in the chain of custody. Stable strings: deprecate a value, never delete it."""

    RECEIVED = "received", _("Received")
    STORED = "stored", _("Encrypted and stored")
    DOWNLOADED = "downloaded", _("Viewed or downloaded")
    EXPORTED = "exported", _("Copied or exported")
    TRANSFERRED = "transferred", _("Transferred to another party")
    VERIFIED = "verified", _("Verified: the hash matches")
    VERIFICATION_FAILED = "verification_failed", _("Verification failed")
    SEALED_FOR_COURT = "sealed_for_court", _("Sealed for court")
    NOTE = "note", _("Note")
    KEY_DESTROYED = "key_destroyed", _("Key destroyed: the person was erased")


# What people may record by hand; the others are written by Qantar itself.
MANUAL_ACTIONS = (
    CustodyAction.TRANSFERRED,
    CustodyAction.SEALED_FOR_COURT,
    CustodyAction.STORED,
    CustodyAction.NOTE,
)


class VerificationStatus(models.TextChoices):
    """The result of re-hashing an evidence file."""

    INTACT = "intact", _("Intact")
    ALTERED = "altered", _("Altered or damaged")
    MISSING = "missing", _("Missing")
    ERASED = "erased", _("Erased (the encrypted file is intact)")
