"""App config for records."""

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Events, people, violations and their sources."""

    name = "qantar.records"
    label = "records"
