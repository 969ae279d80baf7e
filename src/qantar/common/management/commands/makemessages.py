"""``makemessages`` that also extracts ``_t(...)`` (non-lazy gettext used in views)."""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    """Django's makemessages with the project's second gettext alias."""

    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=_t"]
