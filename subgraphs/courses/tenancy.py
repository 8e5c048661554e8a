"""Tenancy rules: which college a principal may read and change.

A principal acts in its own college (``principal.college_id``); the
platform's super-admin (``*``) acts in any. A row of another college is
answered as "not found" (one college cannot learn that another's course
exists); naming another college explicitly is "forbidden".
"""

from __future__ import annotations

from shared.auth.principal import Principal
from shared.errors import AuthenticationError, BadUserInput, NotFoundError, PermissionDenied

__all__ = ["can_see", "require_permission", "require_visible", "target_college"]


def can_see(actor: Principal, college_id: str) -> bool:
    """Whether ``actor`` may see rows of ``college_id``."""
    if actor.is_superuser:
        return True
    return actor.is_authenticated and actor.college_id == college_id


def target_college(actor: Principal, college_id: str | None, *, field: str = "college_id") -> str:
    """The college an operation acts in: the one named, else the actor's own.

    Naming another college than one's own is ``FORBIDDEN`` unless the actor
    is a super-admin; a principal of no college must name one.
    """
    if not actor.is_authenticated:
        raise AuthenticationError()
    if college_id is None:
        if actor.college_id is None:
            raise BadUserInput("A college is required for a principal of no college.", field=field)
        return actor.college_id
    if college_id != actor.college_id and not actor.is_superuser:
        raise PermissionDenied("Only platform super-admins act in another college.")
    return college_id


def require_permission(actor: Principal, permission: str) -> None:
    """Raise ``UNAUTHENTICATED`` or ``FORBIDDEN`` unless ``actor`` holds ``permission``."""
    if not actor.is_authenticated:
        raise AuthenticationError()
    actor.require(permission)


def require_visible(actor: Principal, college_id: str, what: str) -> None:
    """Raise ``NOT_FOUND`` (naming ``what``) when the row's college is not the actor's."""
    if not can_see(actor, college_id):
        raise NotFoundError(f"No such {what}.")
