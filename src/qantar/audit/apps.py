"""App config for the audit log."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit log and change history."""

    name = "qantar.audit"
    label = "audit"
