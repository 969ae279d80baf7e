"""Request middleware: no caching of authenticated pages, client address, domain errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from qantar.common.context import channel, client_address
from qantar.core.errors import NotFound, QantarError

Handler = Callable[[HttpRequest], HttpResponse]


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every authenticated page; records the client address."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address_token = client_address.set(request.META.get("REMOTE_ADDR", "")[:64])
        channel_token = channel.set("web")
        try:
            response = self.get_response(request)
        finally:
            client_address.reset(address_token)
            channel.reset(channel_token)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """A strict Content Security Policy (no inline script or style) and a Permissions Policy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class QantarErrorMiddleware:
    """Turn a domain error escaping a view into a clear page with the right status."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if isinstance(exception, NotFound):
            raise Http404() from None
        if isinstance(exception, QantarError):
            return render(request, "error.html", {"error": exception}, status=exception.status)
        return None
