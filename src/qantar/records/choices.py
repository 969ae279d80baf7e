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
