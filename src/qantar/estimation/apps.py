"""Multiple systems estimation in the web application."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstimationConfig(AppConfig):
    """The estimation app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "qantar.estimation"
    verbose_name = _("Estimation")
