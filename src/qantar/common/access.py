"""The access gate: the one place that decides what a user may see and do.

Every read path (pages, search, API, exports, statistics, CLI) asks the gate for the
collections a user may read with a capability and scopes its query to them. A record outside
those collections is reported as not found, never as forbidden: its existence is not revealed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from qantar.accounts.choices import ROLE_CAPABILITIES, Capability
from qantar.core.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=Model)


@dataclass
class Gate:
    """A user's access, computed once per request or command."""

    user: Any
    roles: dict[uuid.UUID, str] = field(default_factory=dict)

    @classmethod
    def for_user(cls, user: Any) -> Gate:
        """The gate for a user (an anonymous or inactive user has no access)."""
        from qantar.accounts.models import Membership

        if user is None or not user.is_authenticated or not user.is_active:
            return cls(user=user)
        roles = dict(Membership.objects.filter(user=user).values_list("collection_id", "role"))
        return cls(user=user, roles=roles)

    def capabilities(self, collection_id: uuid.UUID) -> frozenset[str]:
        """What the user may do in one collection."""
        role = self.roles.get(collection_id)
        return ROLE_CAPABILITIES.get(role, frozenset()) if role else frozenset()

    def can(self, collection_id: uuid.UUID, capability: str) -> bool:
        """True when the user holds ``capability`` in the collection."""
        return capability in self.capabilities(collection_id)

    def collections(self, capability: str = Capability.VIEW_RECORDS) -> list[uuid.UUID]:
        """The ids of the collections where the user holds ``capability``."""
        return [cid for cid in self.roles if self.can(cid, capability)]

    def scope(
        self,
        queryset: QuerySet[M],
        capability: str = Capability.VIEW_RECORDS,
        path: str = "collection",
    ) -> QuerySet[M]:
        """Restrict a queryset to records in the user's collections."""
        return queryset.filter(**{f"{path}__in": self.collections(capability)})

    def fetch(self, queryset: QuerySet[M], pk: Any, path: str = "collection") -> M:
        """One record the user may see, or NotFound (never a hint that it exists)."""
        try:
            return self.scope(queryset, Capability.VIEW_RECORDS, path).get(pk=pk)
        except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
            # A malformed id is "not found" too, never a 500.
            raise NotFound() from None

    def require(self, collection_id: uuid.UUID, capability: str) -> None:
        """Raise unless the user holds ``capability``; NotFound if they cannot see it at all."""
        if not self.can(collection_id, Capability.VIEW_RECORDS):
            raise NotFound()
        if not self.can(collection_id, capability):
            raise PermissionDenied()

    def sees_identities(self, collection_id: uuid.UUID) -> bool:
        """True when the user may see names and identifying details in the collection."""
        return self.can(collection_id, Capability.VIEW_IDENTITIES)
