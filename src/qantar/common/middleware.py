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
