"""Tenancy rules: which college a principal may read and change.

A principal acts in its own college (``principal.college_id``); the
platform's super-admin (``*``) acts in any. Reading across colleges is
answered as "not found" (one college cannot learn that another's account
exists); naming another college explicitly is "forbidden".
"""

from __future__ import annotations

from shared.auth.principal import Principal
from shared.auth.tenancy import can_see, target_college
from shared.errors import PermissionDenied

__all__ = ["can_see", "require_permission_in", "target_college"]


def require_permission_in(actor: Principal, permission: str, college_id: str | None) -> None:
    """Raise unless ``actor`` holds ``permission`` and may act in ``college_id``."""
    actor.require(permission)
    if not can_see(actor, college_id):
        raise PermissionDenied(
            f"Permission denied: {permission!r} only applies to your own college.",
            permission=permission,
        )
