"""Which college an operation acts in, and whether a caller may see a college's rows.

Every subgraph filters by the caller's college; the platform's super-admin
(``*``) acts in any. These two rules are the same in every subgraph, so they
live here; each subgraph's own ``tenancy`` module adds how it answers a
refusal (``NOT_FOUND`` for a row, ``FORBIDDEN`` for a named college).
"""

from __future__ import annotations

from shared.auth.principal import Principal
from shared.errors import AuthenticationError, BadUserInput, PermissionDenied

__all__ = ["can_see", "target_college"]


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
