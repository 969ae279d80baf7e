"""Closed sets for records (user-extensible lists live in vocab instead)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    """A level of the place hierarchy."""

    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    CITY = "city", _("City or town")
    SITE = "site", _("Site")


class OrganisationKind(models.TextChoices):
    """What sort of organisation."""

    AGENCY = "agency", _("State agency")
    UNIT = "unit", _("Unit")
    COURT = "court", _("Court")
    PROSECUTOR_OFFICE = "prosecutor_office", _("Prosecutor's office")
    GOVERNMENT = "government", _("Government body")
    HOSPITAL = "hospital", _("Hospital")
    NGO = "ngo", _("NGO")
    MEDIA = "media", _("Media outlet")
    INTERNATIONAL = "international", _("International organisation")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    """Sex as recorded by the source."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class PersonStatus(models.TextChoices):
    """Whether the person is known to be alive."""

    ALIVE = "alive", _("Alive")
    DEAD = "dead", _("Dead")
    MISSING = "missing", _("Missing")
    UNKNOWN = "unknown", _("Unknown")


class Script(models.TextChoices):
    """The writing system of a name."""

    CYRILLIC = "cyrl", _("Cyrillic")
    LATIN = "latn", _("Latin")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    """Languages of names, testimonies and sources."""

    ENGLISH = "en", _("English")
    RUSSIAN = "ru", _("Russian")
    KAZAKH = "kk", _("Kazakh")
    OTHER = "other", _("Other")


class NameKind(models.TextChoices):
    """Where a recorded name comes from."""

    AS_WRITTEN = "as_written", _("As written in the source")
    OFFICIAL = "official", _("Official")
    ALIAS = "alias", _("Alias")
    TRANSLITERATION = "transliteration", _("Transliteration")


class ViolationStatus(models.TextChoices):
    """How well a violation is established."""

    ALLEGED = "alleged", _("Alleged")
    CORROBORATED = "corroborated", _("Corroborated")
    VERIFIED = "verified", _("Verified")


class InvolvementDegree(models.TextChoices):
    """How a perpetrator was involved."""

    DIRECT = "direct", _("Direct perpetrator")
    COMMANDER = "commander", _("Commander")
    COMPLICIT = "complicit", _("Complicit")
    PRESENT_DID_NOT_INTERVENE = "present_did_not_intervene", _("Present, did not intervene")
    UNKNOWN = "unknown", _("Unknown")


class Reliability(models.TextChoices):
    """Source reliability grade (Admiralty scale)."""

    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class ConsentPurpose(models.TextChoices):
    """What a person may agree to, one purpose at a time."""

    DOCUMENTATION = "documentation", _("Documentation by the organisation")
    SHARE_PARTNERS = "share_partners", _("Sharing with named partners")
    SUBMIT_UN_COURTS = "submit_un_courts", _("Submission to UN bodies and courts")
    STATISTICS = "statistics", _("Anonymised statistics")
    PUBLISH_ANONYMISED = "publish_anonymised", _("Publication, anonymised")
    PUBLISH_NAMED = "publish_named", _("Publication with name")
    PHOTOGRAPHS = "photographs", _("Use of photographs")
    INTIMATE_IMAGES = "intimate_images", _("Use of intimate images (needs a second approval)")


class ConsentDecision(models.TextChoices):
    """The person's answer."""

    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentMethod(models.TextChoices):
    """How consent was obtained."""

    WRITTEN = "written", _("Written and signed")
    ORAL_RECORDED = "oral_recorded", _("Oral, recorded")
    ORAL_WITNESSED = "oral_witnessed", _("Oral, witnessed")
    ELECTRONIC = "electronic", _("Electronic form")
    THROUGH_LAWYER = "through_lawyer", _("Through the person's lawyer")
