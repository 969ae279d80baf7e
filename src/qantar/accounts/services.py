"""Writes to accounts: users, collections, roles. Every change is audited."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from qantar.accounts.choices import Capability, Role
from qantar.accounts.models import Collection, Membership, User
from qantar.accounts.security import end_sessions
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.common.text import clean_text
from qantar.core.errors import Conflict, PermissionDenied, ValidationFailed


def _checked_password(password: str, user: User | None = None) -> str:
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        raise ValidationFailed("weak_password", " ".join(error.messages), "password") from None
    return password


@transaction.atomic
def create_user(actor: Any, username: str, password: str, *, is_staff: bool = False) -> User:
    """Create a user with a password that passes the length and common-password rules."""
    username = clean_text(username, "username", max_length=150, required=True, label="Username")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed("duplicate", f"The username “{username}” is taken.", "username")
    user = User(username=username, is_staff=is_staff)
    user.set_password(_checked_password(password, user))
    user.save()
    record_event(AuditAction.CREATE, actor=actor, obj=user)
    return user


@transaction.atomic
def set_password(actor: Any, user: User, password: str) -> None:
    """Change a user's password (audited; the password itself never logged)."""
    user.set_password(_checked_password(password, user))
    user.save(update_fields=["password"])
    record_event(AuditAction.UPDATE, actor=actor, obj=user, details={"fields": ["password"]})


@transaction.atomic
def create_collection(actor: Any, name: str, description: str = "") -> Collection:
    """Create a collection with its own keys and make its creator its administrator."""
    name = clean_text(name, "name", max_length=200, required=True, label="The name")
    if Collection.objects.filter(name=name).exists():
        raise ValidationFailed("duplicate", f"A collection named “{name}” exists.", "name")
    collection_id = uuid.uuid4()
    collection = Collection.objects.create(
        id=collection_id,
        name=name,
        description=clean_text(description, "description", max_length=5000),
        records_key_id=get_keyring().new_data_key(collection_id, f"collection:{collection_id}"),
    )
    record_event(AuditAction.CREATE, actor=actor, obj=collection, collection_id=collection.pk)
    if actor is not None:
        Membership.objects.create(user=actor, collection=collection, role=Role.ADMINISTRATOR)
        record_event(
            AuditAction.PERMISSION_CHANGE,
            actor=actor,
            obj=collection,
            collection_id=collection.pk,
            details={"user": str(actor.pk), "role": Role.ADMINISTRATOR},
        )
    return collection


def _keep_an_administrator(collection: Collection, user: User) -> None:
    """Refuse to leave a collection without an administrator (nobody could manage it)."""
    others = Membership.objects.filter(collection=collection, role=Role.ADMINISTRATOR).exclude(
        user=user
    )
    is_admin = Membership.objects.filter(
        collection=collection, user=user, role=Role.ADMINISTRATOR
    ).exists()
    if is_admin and not others.filter(user__is_active=True).exists():
        raise Conflict(
            "last_administrator",
            "This is the collection's only administrator: give another member the "
            "administrator role first.",
        )


@transaction.atomic
def grant_role(gate: Gate, collection: Collection, user: User, role: str) -> None:
    """Give a user a role in a collection (collection administrators only)."""
    gate.require(collection.pk, Capability.MANAGE_COLLECTION)
    if role not in Role.values:
        raise ValidationFailed("invalid_choice", f"Roles are: {', '.join(Role.values)}.", "role")
    if role != Role.ADMINISTRATOR:
        _keep_an_administrator(collection, user)
    Membership.objects.update_or_create(user=user, collection=collection, defaults={"role": role})
    record_event(
        AuditAction.PERMISSION_CHANGE,
        actor=gate.user,
        obj=collection,
        collection_id=collection.pk,
        details={"user": str(user.pk), "role": role},
    )


@transaction.atomic
def revoke_role(gate: Gate, collection: Collection, user: User) -> None:
    """Remove a user's role in a collection."""
    gate.require(collection.pk, Capability.MANAGE_COLLECTION)
    _keep_an_administrator(collection, user)
    if not Membership.objects.filter(user=user, collection=collection).exists():
        raise ValidationFailed("not_a_member", f"{user.username} is not a member.", "user")
    Membership.objects.filter(user=user, collection=collection).delete()
    record_event(
        AuditAction.PERMISSION_CHANGE,
        actor=gate.user,
        obj=collection,
        collection_id=collection.pk,
        details={"user": str(user.pk), "role": None},
    )


def new_password() -> str:
    """A random password to give a new user once (about 120 bits, easy to type)."""
    raw = secrets.token_urlsafe(18).replace("-", "x").replace("_", "y")
    return "-".join(raw[i : i + 6] for i in range(0, 24, 6))


def _require_instance_admin(gate: Gate) -> None:
    if not (gate.user is not None and getattr(gate.user, "is_superuser", False)):
        raise PermissionDenied()


@transaction.atomic
def set_active(gate: Gate, user: User, is_active: bool) -> None:
    """Disable a user (their sessions end at once) or enable them again (instance admins)."""
    _require_instance_admin(gate)
    if user.pk == gate.user.pk:
        raise Conflict("own_account", "You cannot disable your own account.")
    if user.is_active == is_active:
        return
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    record_event(
        AuditAction.STATUS_CHANGE, actor=gate.user, obj=user, details={"is_active": is_active}
    )
    if not is_active:
        end_sessions(gate.user, user)


def end_user_sessions(gate: Gate, user: User) -> int:
    """End all of a user's sessions: instance admins for anyone, collection administrators for
    their members. Returns how many sessions were ended."""
    if not getattr(gate.user, "is_superuser", False):
        managed = gate.collections(Capability.MANAGE_COLLECTION)
        if not Membership.objects.filter(user=user, collection_id__in=managed).exists():
            raise PermissionDenied()
    return end_sessions(gate.user, user)
