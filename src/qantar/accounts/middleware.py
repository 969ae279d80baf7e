"""Session security: idle and absolute time-outs, and the second factor before anything else."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from qantar.accounts import security

AUTH_AT = "qantar_auth_at"
SEEN_AT = "qantar_seen_at"
SECOND_FACTOR_DONE = "qantar_2fa"
SECOND_FACTOR_REQUIRED = "qantar_2fa_required"
_OPEN_PREFIXES = ("/static/", "/i18n/")


class SessionSecurityMiddleware:
    """Log out expired sessions; send users who need a second factor to give it first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired is not None:
                return expired
            gate = self._second_factor_gate(request)
            if gate is not None:
                return gate
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> HttpResponse | None:
        now = time.time()
        if AUTH_AT not in request.session:
            # A session that did not come through the login view: start its clocks now and
            # demand the second factor as if it had.
            request.session[AUTH_AT] = request.session[SEEN_AT] = now
            request.session[SECOND_FACTOR_REQUIRED] = security.needs_two_factor(request.user)
        auth_at = request.session.get(AUTH_AT)
        seen_at = request.session.get(SEEN_AT, auth_at)
        if (
            auth_at is None
            or now - auth_at > security.absolute_limit().total_seconds()
            or now - (seen_at or 0) > security.idle_limit().total_seconds()
        ):
            logout(request)
            query = urlencode({"next": request.get_full_path(), "expired": "1"})
            return redirect(f"{reverse('accounts:login')}?{query}")
        if now - (seen_at or 0) > 30:
            request.session[SEEN_AT] = now
        return None

    def _second_factor_gate(self, request: HttpRequest) -> HttpResponse | None:
        if not request.session.get(SECOND_FACTOR_REQUIRED) or request.session.get(
            SECOND_FACTOR_DONE
        ):
            return None
        allowed = {
            reverse("accounts:two_factor"),
            reverse("accounts:two_factor_setup"),
            reverse("accounts:logout"),
        }
        if request.path in allowed or request.path.startswith(_OPEN_PREFIXES):
            return None
        return redirect("accounts:two_factor")
