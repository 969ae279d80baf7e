"""Closed sets for accounts: roles and the capabilities they grant."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role in one collection."""

    ADMINISTRATOR = "administrator", _("Administrator")
    DOCUMENTER = "documenter", _("Documenter")
    LAWYER = "lawyer", _("Lawyer")
    ANALYST = "analyst", _("Analyst")
    VIEWER = "viewer", _("Viewer")


class Capability(models.TextChoices):
    """What a role may do in a collection; the access gate checks these."""

    VIEW_RECORDS = "view_records", _("See records")
    VIEW_IDENTITIES = "view_identities", _("See names and identifying details")
    EDIT_RECORDS = "edit_records", _("Create and edit records")
    EDIT_JUSTICE = "edit_justice", _("Create and edit complaints and proceedings")
    VIEW_STATISTICS = "view_statistics", _("See statistics")
    EXPORT = "export", _("Export data")
    MANAGE_COLLECTION = "manage_collection", _("Manage members and settings")


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(Capability.values),
    Role.DOCUMENTER: frozenset(
        {
            Capability.VIEW_RECORDS,
            Capability.VIEW_IDENTITIES,
            Capability.EDIT_RECORDS,
            Capability.EDIT_JUSTICE,
            Capability.VIEW_STATISTICS,
            Capability.EXPORT,
        }
    ),
    Role.LAWYER: frozenset(
        {
            Capability.VIEW_RECORDS,
            Capability.VIEW_IDENTITIES,
            Capability.EDIT_JUSTICE,
            Capability.VIEW_STATISTICS,
        }
    ),
    # Analysts see statistics and pseudonymised records, never identities.
    Role.ANALYST: frozenset(
        {Capability.VIEW_RECORDS, Capability.VIEW_STATISTICS, Capability.EXPORT}
    ),
    Role.VIEWER: frozenset({Capability.VIEW_RECORDS, Capability.VIEW_IDENTITIES}),
}
