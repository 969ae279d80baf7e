"""Complaints, proceedings, trial monitoring and the impunity funnel."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JusticeConfig(AppConfig):
    """The justice app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "qantar.justice"
    verbose_name = _("Justice")
