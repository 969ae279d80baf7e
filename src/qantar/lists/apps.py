"""Person lists: import, linkage across lists, human review, one list of people."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    """The lists app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "qantar.lists"
    verbose_name = _("Person lists")

    def ready(self) -> None:
        """Offer the lists' overlap to the estimation pages."""
        from qantar.lists.counting import register

        register()
