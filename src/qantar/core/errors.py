"""One error family for the whole domain, each with a stable code.

Adapters map a :class:`QantarError` to an HTTP status, a form error or a CLI exit code.
"""

from __future__ import annotations


class QantarError(Exception):
    """A domain error a person can act on: a stable ``code``, a message, maybe a field."""

    status = 400
    exit_code = 2

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, str | None]:
        """The error as a JSON-ready dictionary."""
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationFailed(QantarError):
    """Input that cannot be accepted as it is."""


class NotFound(QantarError):
    """A record that does not exist or that the caller may not see (indistinguishable)."""

    status = 404
    exit_code = 4

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__("not_found", message)


class PermissionDenied(QantarError):
    """The caller can see the record but may not do this to it."""

    status = 403
    exit_code = 3

    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__("permission_denied", message)


class KeyUnavailable(QantarError):
    """Encrypted data cannot be opened: no key, a wrong passphrase, or an erased person."""

    status = 503
    exit_code = 5


class IntegrityFailure(QantarError):
    """Stored data failed an integrity check (a ciphertext or audit entry was altered)."""

    status = 500
    exit_code = 6


class Conflict(QantarError):
    """The request conflicts with the current state (e.g. an impossible status change)."""

    status = 409
    exit_code = 7
