"""Login and logout, audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event


class QantarLoginView(LoginView):
    """Django's login, with successes and failures in the audit log."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record_event(AuditAction.LOGIN, actor=form.get_user())
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        record_event(
            AuditAction.LOGIN_FAILED,
            actor_label=form.data.get("username", ""),
            details={"reason": "bad_credentials"},
        )
        return super().form_invalid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST only, CSRF-protected) and audit it."""
    if request.user.is_authenticated:
        record_event(AuditAction.LOGOUT, actor=request.user)
    logout(request)
    return redirect("accounts:login")
