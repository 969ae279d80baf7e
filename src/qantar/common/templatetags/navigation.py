"""What the navigation shows a user: administration and export links only to those who may."""

from __future__ import annotations

from typing import Any

from django import template

from qantar.accounts.choices import Capability
from qantar.accounts.queries import is_instance_admin as is_instance_admin_user
from qantar.common.access import Gate

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation(context: Any) -> dict[str, bool]:
    """Which links to show (computed once per request)."""
    request = context.get("request")
    cached = getattr(request, "_qantar_navigation", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user = getattr(request, "user", None)
    gate = Gate.for_user(user)
    is_instance_admin = is_instance_admin_user(user)
    manages = bool(gate.collections(Capability.MANAGE_COLLECTION))
    links = {
        "manages": manages,
        "is_instance_admin": is_instance_admin,
        "administers": manages or is_instance_admin,
        "exports": bool(gate.collections(Capability.EXPORT)),
    }
    if request is not None:
        request._qantar_navigation = links
    return links
