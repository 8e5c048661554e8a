"""Tenancy rules: which college a principal may read and change.

A principal acts in its own college (``principal.college_id``); the
platform's super-admin (``*``) acts in any. A row of another college is
answered as "not found" (one college cannot learn that another's course
exists); naming another college explicitly is "forbidden".
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from shared.auth.principal import Principal
from shared.auth.tenancy import can_see, target_college
from shared.errors import AuthenticationError, NotFoundError

__all__ = ["can_see", "require_permission", "require_visible", "target_college", "visible"]


def require_permission(actor: Principal, permission: str) -> None:
    """Raise ``UNAUTHENTICATED`` or ``FORBIDDEN`` unless ``actor`` holds ``permission``."""
    if not actor.is_authenticated:
        raise AuthenticationError()
    actor.require(permission)


def require_visible(actor: Principal, college_id: str, what: str) -> None:
    """Raise ``NOT_FOUND`` (naming ``what``) when the row's college is not the actor's."""
    if not can_see(actor, college_id):
        raise NotFoundError(f"No such {what}.")


class _OfCollege(Protocol):
    @property
    def college_id(self) -> str: ...


RowT = TypeVar("RowT", bound=_OfCollege)


def visible(actor: Principal, row: RowT | None, what: str) -> RowT:
    """``row`` when it exists and the actor may see it, else ``NOT_FOUND`` naming ``what``
    (a missing row and another college's answer the same)."""
    if row is None:
        raise NotFoundError(f"No such {what}.")
    require_visible(actor, row.college_id, what)
    return row
