"""Administering people's access: members and roles per collection, users, sessions.

Collection administrators manage the members of their collections; instance administrators
(superusers) also create, disable and enable users. Every change goes through
:mod:`qantar.accounts.services` and is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qantar.accounts import queries, services
from qantar.accounts.choices import Capability, Role
from qantar.accounts.forms import MemberForm, NewUserForm
from qantar.common.access import Gate
from qantar.common.web import gated, show_error
from qantar.core.errors import NotFound, PermissionDenied, QantarError

FORM_METHODS = require_http_methods(["GET", "POST"])


def _require_instance_admin(gate: Gate) -> None:
    if not queries.is_instance_admin(gate.user):
        raise PermissionDenied()


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the page the form came from (this site only)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  request.is_secure()):
        return redirect(target)
    return redirect(default)


def _refusal(error: QantarError) -> str:
    """The message of a domain refusal; access errors still become 404/403 pages."""
    if isinstance(error, NotFound | PermissionDenied):
        raise error
    return error.message


# --- members of a collection ----------------------------------------------------------------


@require_safe
@gated
def members(request: HttpRequest, gate: Gate) -> HttpResponse:
    """The collections the user administers, with their number of members."""
    managed = list(queries.managed_collections(gate))
    if not managed and not queries.is_instance_admin(gate.user):
        raise PermissionDenied()
    if len(managed) == 1 and not request.GET.get("all"):
        return redirect("accounts:collection_members", pk=managed[0].pk)
    return render(request, "accounts/members.html", {"collections": managed})


@FORM_METHODS
@gated
def collection_members(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A collection's members and roles; add a member or change a role."""
    collection = queries.managed_collection(gate, pk)
    form = MemberForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        user = queries.user_named(form.cleaned_data["username"])
        if user is None:
            form.add_error("username", _t("There is no user with this username."))
        else:
            try:
                services.grant_role(gate, collection, user, form.cleaned_data["role"])
            except QantarError as error:
                show_error(form, error)
            else:
                messages.success(request, _t("%(user)s is now %(role)s in %(collection)s.") % {
                    "user": user.username, "role": Role(form.cleaned_data["role"]).label,
                    "collection": collection.name})
                return redirect("accounts:collection_members", pk=collection.pk)
    return render(request, "accounts/collection_members.html", {
        "collection": collection, "members": list(queries.members(gate, collection)),
        "form": form, "roles": Role.choices, "is_instance_admin":
        queries.is_instance_admin(gate.user)})


@require_POST
@gated
def member_role(request: HttpRequest, gate: Gate, pk: Any, user_pk: Any) -> HttpResponse:
    """Change a member's role."""
    collection = queries.managed_collection(gate, pk)
    user = queries.user(gate, user_pk)
    try:
        services.grant_role(gate, collection, user, request.POST.get("role", ""))
    except QantarError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _t("The role of %(user)s was changed.") % {
            "user": user.username})
    return redirect("accounts:collection_members", pk=collection.pk)


@require_POST
@gated
def member_revoke(request: HttpRequest, gate: Gate, pk: Any, user_pk: Any) -> HttpResponse:
    """Remove a member from a collection (their account stays)."""
    collection = queries.managed_collection(gate, pk)
    user = queries.user(gate, user_pk)
    try:
        services.revoke_role(gate, collection, user)
    except QantarError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _t("%(user)s is no longer a member of %(collection)s.") % {
            "user": user.username, "collection": collection.name})
    return redirect("accounts:collection_members", pk=collection.pk)


@require_POST
@gated
def user_end_sessions(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Log a user out everywhere, at once."""
    user = queries.user(gate, pk)
    ended = services.end_user_sessions(gate, user)
    messages.success(request, _t("%(count)d session(s) of %(user)s were ended.") % {
        "count": ended, "user": user.username})
    return _back(request, reverse("accounts:members"))


# --- users (instance administrators) --------------------------------------------------------


@require_safe
@gated
def users(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Every account on this instance, with its roles."""
    return render(request, "accounts/users.html", {"users": list(queries.users(gate))})


@FORM_METHODS
@gated
def user_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Create an account; its password is shown once, then never again."""
    _require_instance_admin(gate)
    form = NewUserForm(queries.collection_choices(gate, Capability.MANAGE_COLLECTION),
                       request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        password = form.cleaned_data["password"] or services.new_password()
        try:
            user = _create(gate, form.cleaned_data, password)
        except QantarError as error:
            _refusal(error)
            show_error(form, error)
        else:
            return render(request, "accounts/user_created.html", {
                "new_user": user, "password": password,
                "was_generated": not form.cleaned_data["password"]})
    return render(request, "accounts/user_form.html", {"form": form})


@transaction.atomic
def _create(gate: Gate, values: dict[str, Any], password: str) -> Any:
    """The account and its first role, together or not at all."""
    user = services.create_user(gate.user, values["username"], password)
    if values.get("collection"):
        collection = queries.managed_collection(gate, values["collection"])
        services.grant_role(gate, collection, user, values["role"])
    return user


@require_POST
@gated
def user_set_active(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Disable an account (its sessions end at once) or enable it again."""
    _require_instance_admin(gate)
    user = queries.user(gate, pk)
    is_active = request.POST.get("is_active") == "1"
    try:
        services.set_active(gate, user, is_active)
    except QantarError as error:
        messages.error(request, _refusal(error))
    else:
        text = (_t("%(user)s can log in again.") if is_active
                else _t("%(user)s was disabled and logged out everywhere."))
        messages.success(request, text % {"user": user.username})
    return redirect("accounts:users")
