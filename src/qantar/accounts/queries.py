"""Reads of accounts: collections a user may work in, members, users (for administrators)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet

from qantar.accounts.choices import ROLE_CAPABILITIES, Capability
from qantar.accounts.models import Collection, Membership, User
from qantar.common.access import Gate
from qantar.core.errors import NotFound, PermissionDenied

Choices = list[tuple[str, Any]]


def is_instance_admin(user: Any) -> bool:
    """True for an instance administrator (a superuser, active and logged in)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "is_superuser", False)
    )


def collections(gate: Gate, capability: str = Capability.VIEW_RECORDS) -> QuerySet[Collection]:
    """The collections where the user holds ``capability``, by name."""
    return Collection.objects.filter(pk__in=gate.collections(capability)).order_by("name")


def collection_choices(gate: Gate, capability: str = Capability.EDIT_RECORDS) -> Choices:
    """Collections for a form's drop-down: those where the user holds ``capability``."""
    return [(str(c.pk), c.name) for c in collections(gate, capability)]


def managed_collection(gate: Gate, pk: Any) -> Collection:
    """A collection the user administers; NotFound if they cannot see it, else 403."""
    collection = gate.fetch(Collection.objects.all(), pk, path="pk")
    gate.require(collection.pk, Capability.MANAGE_COLLECTION)
    return collection


def managed_collections(gate: Gate) -> QuerySet[Collection]:
    """The collections the user administers, with how many members each has."""
    return collections(gate, Capability.MANAGE_COLLECTION).annotate(
        member_count=Count("memberships")
    )


def members(gate: Gate, collection: Collection) -> QuerySet[Membership]:
    """The members of a collection and their roles (its administrators only)."""
    gate.require(collection.pk, Capability.MANAGE_COLLECTION)
    return (
        Membership.objects.filter(collection=collection)
        .select_related("user")
        .order_by("user__username")
    )


def roles_with(capability: str) -> list[str]:
    """The roles that grant a capability."""
    return [role for role, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities]


def second_approvers(collection_id: Any, excluding: Any = None) -> QuerySet[User]:
    """Active users who may edit records in a collection (a consent's second approver)."""
    queryset = User.objects.filter(
        is_active=True,
        memberships__collection_id=collection_id,
        memberships__role__in=roles_with(Capability.EDIT_RECORDS),
    )
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding.pk)
    return queryset.order_by("username")


def user_named(username: str) -> User | None:
    """The user with this exact username, or None."""
    return User.objects.filter(username=username.strip()).first()


def _require_instance_admin(gate: Gate) -> None:
    if not is_instance_admin(gate.user):
        raise PermissionDenied()


def users(gate: Gate) -> QuerySet[User]:
    """Every user with their roles (instance administrators only)."""
    _require_instance_admin(gate)
    return User.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("collection"))
    ).order_by("username")


def user(gate: Gate, pk: Any) -> User:
    """A user an administrator may act on: anyone for instance administrators; members of
    collections they administer for collection administrators; NotFound otherwise."""
    queryset = User.objects.all()
    if not is_instance_admin(gate.user):
        managed = gate.collections(Capability.MANAGE_COLLECTION)
        queryset = queryset.filter(Q(memberships__collection_id__in=managed)).distinct()
    try:
        return queryset.get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None
