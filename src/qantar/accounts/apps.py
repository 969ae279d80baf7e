"""App config for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, collections and memberships."""

    name = "qantar.accounts"
    label = "accounts"
