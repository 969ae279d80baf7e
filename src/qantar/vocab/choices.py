"""The vocabularies Qantar knows (their terms are data, in vocab/data/terms.json)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Vocabulary(models.TextChoices):
    """A controlled vocabulary."""

    VIOLATION_TYPE = "violation_type", _("Violation type")
    TORTURE_METHOD = "torture_method", _("Method")
    VICTIM_GROUP = "victim_group", _("Victim group")
    AGENCY = "agency", _("Agency")
    SITE_TYPE = "site_type", _("Site type")
    SOURCE_TYPE = "source_type", _("Source type")
    CONSEQUENCE = "consequence", _("Consequence")
    MEDIA_INCIDENT = "media_incident", _("Media incident")
