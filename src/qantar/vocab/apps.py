"""App config for vocabularies."""

from django.apps import AppConfig


class VocabConfig(AppConfig):
    """Controlled vocabularies."""

    name = "qantar.vocab"
    label = "vocab"
