"""App config for evidence."""

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Evidence files, their hashes, metadata and chain of custody."""

    name = "qantar.evidence"
    label = "evidence"
