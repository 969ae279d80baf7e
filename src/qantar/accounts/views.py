"""Login (throttled, audited), the second factor, re-authentication and logout."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qantar.accounts import security
from qantar.accounts.middleware import (
    AUTH_AT,
    SECOND_FACTOR_DONE,
    SECOND_FACTOR_REQUIRED,
    SEEN_AT,
)
from qantar.accounts.models import TwoFactor
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.context import client_address

REAUTH_AT = "qantar_reauth_at"
REAUTH_SECONDS = 300


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing throttled usernames before checking the password."""

    error_messages = AuthenticationForm.error_messages | {
        "throttled": gettext_lazy(
            "Too many failed attempts for this account. Wait 15 minutes and try again."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        if username and security.is_throttled(username):
            security.record_failure(username, client_address.get(), "throttled")
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()


class QantarLoginView(LoginView):
    """Password first; then the second factor for anyone who may see identities."""

    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        session = self.request.session
        session[AUTH_AT] = session[SEEN_AT] = time.time()
        session[SECOND_FACTOR_REQUIRED] = security.needs_two_factor(user)
        session.save()
        security.remember_session(user, session.session_key or "")
        record_event(
            AuditAction.LOGIN,
            actor=user,
            details={"second_factor_pending": session[SECOND_FACTOR_REQUIRED]},
        )
        if session[SECOND_FACTOR_REQUIRED]:
            return redirect(_second_factor_url(user, self.get_success_url()))
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        if not form.has_error("__all__", "throttled"):
            security.record_failure(
                form.data.get("username", ""), client_address.get(), "bad_credentials"
            )
        return super().form_invalid(form)


def _second_factor_url(user: Any, next_url: str) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    name = (
        "accounts:two_factor"
        if TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()
        else "accounts:two_factor_setup"
    )
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or a backup code."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the second factor after the password."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        accepted = (
            security.verify_code(request.user, code)
            if "-" not in code
            else security.use_backup_code(request.user, code)
        )
        if accepted:
            request.session.cycle_key()
            request.session[SECOND_FACTOR_DONE] = True
            security.remember_session(request.user, request.session.session_key or "")
            return redirect(_safe_next(request))
        form.add_error("code", _("That code is wrong, expired or already used."))
    return render(request, "accounts/two_factor.html", {"form": form, "next": _safe_next(request)})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan, confirm with a code, keep the backup codes."""
    if TwoFactor.objects.filter(user=request.user, confirmed_at__isnull=False).exists():
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if security.verify_code(request.user, form.cleaned_data["code"], confirming=True):
            request.session[SECOND_FACTOR_DONE] = True
            codes = security.new_backup_codes(request.user)
            return render(
                request, "accounts/backup_codes.html", {"codes": codes, "next": _safe_next(request)}
            )
        form.add_error("code", _("That code is wrong or expired. Check the phone's clock."))
        device = TwoFactor.objects.get(user=request.user)
    else:
        device = security.start_enrolment(request.user)
    uri = security.provisioning_uri(device)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#1d2a3a")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "secret": device.seed, "qr_svg": qr_svg, "next": _safe_next(request)},
    )


def requires_recent_password(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ask for the password again before exports, sharing and key operations."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if time.time() - request.session.get(REAUTH_AT, 0) > REAUTH_SECONDS:
            from urllib.parse import urlencode

            from django.urls import reverse

            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


class PasswordForm(forms.Form):
    """The current password."""

    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput)


@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Confirm the password before a sensitive action."""
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.user.check_password(form.cleaned_data["password"]):
            request.session[REAUTH_AT] = time.time()
            return redirect(_safe_next(request))
        security.record_failure(
            request.user.get_username(), client_address.get(), "bad_reauthentication"
        )
        form.add_error("password", _("That is not your password."))
    return render(
        request, "accounts/reauthenticate.html", {"form": form, "next": _safe_next(request)}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, CSRF-protected) and audit it."""
    if request.user.is_authenticated:
        record_event(AuditAction.LOGOUT, actor=request.user)
    logout(request)
    return redirect("accounts:login")
