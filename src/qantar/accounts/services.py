"""Writes to accounts: users, collections, roles. Every change is audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from qantar.accounts.choices import Capability, Role
from qantar.accounts.models import Collection, Membership, User
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.common.text import clean_text
from qantar.core.errors import ValidationFailed


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


@transaction.atomic
def grant_role(gate: Gate, collection: Collection, user: User, role: str) -> None:
    """Give a user a role in a collection (collection administrators only)."""
    gate.require(collection.pk, Capability.MANAGE_COLLECTION)
    if role not in Role.values:
        raise ValidationFailed("invalid_choice", f"Roles are: {', '.join(Role.values)}.", "role")
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
    Membership.objects.filter(user=user, collection=collection).delete()
    record_event(
        AuditAction.PERMISSION_CHANGE,
        actor=gate.user,
        obj=collection,
        collection_id=collection.pk,
        details={"user": str(user.pk), "role": None},
    )
