"""Closed sets for the audit log."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What happened. Stable strings: retire a value by deprecating it, never delete it."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    RESTORE = "restore", _("Restored")
    STATUS_CHANGE = "status_change", _("Status changed")
    VIEW_SENSITIVE = "view_sensitive", _("Viewed identifying data")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    SHARE = "share", _("Shared")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    PERMISSION_CHANGE = "permission_change", _("Permissions changed")
    KEY_OPERATION = "key_operation", _("Key operation")
    CONSENT_CHANGE = "consent_change", _("Consent changed")
    ERASE = "erase", _("Erased")
    REFUSED = "refused", _("Refused")
