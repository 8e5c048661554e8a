"""Tenancy rules: which college a principal may read and change.

A principal acts in its own college (``principal.college_id``); the
platform's super-admin (``*``) acts in any. Reading across colleges is
answered as "not found" (one college cannot learn that another's account
exists); naming another college explicitly is "forbidden".
"""

from __future__ import annotations

from shared.auth.principal import Principal
from shared.errors import AuthenticationError, BadUserInput, PermissionDenied

__all__ = ["can_see", "require_permission_in", "target_college"]


def can_see(actor: Principal, college_id: str | None) -> bool:
    """Whether ``actor`` may see rows of ``college_id`` (``None``: platform rows)."""
    if actor.is_superuser:
        return True
    return actor.is_authenticated and college_id is not None and actor.college_id == college_id


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


def require_permission_in(actor: Principal, permission: str, college_id: str | None) -> None:
    """Raise unless ``actor`` holds ``permission`` and may act in ``college_id``."""
    actor.require(permission)
    if not can_see(actor, college_id):
        raise PermissionDenied(
            f"Permission denied: {permission!r} only applies to your own college.",
            permission=permission,
        )
