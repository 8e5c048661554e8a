"""Who is calling: the :class:`Principal` every resolver and service checks.

A permission is ``resource:action`` (``course:create``). A principal holding
``course:*`` has every action on courses; one holding ``*`` has everything
(the super-admin). ``scopes``, when not empty, narrow what a token may do
(an API key limited to ``course:read``): a permission must then be granted
*and* within scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from shared.errors import AuthenticationError, PermissionDenied

__all__ = ["ALL_PERMISSIONS", "Principal", "PrincipalKind", "permission_matches"]

PrincipalKind = Literal["user", "api_key", "service", "anonymous"]
ALL_PERMISSIONS = "*"
_KINDS: tuple[str, ...] = get_args(PrincipalKind)


def _split(permission: str) -> tuple[str, str]:
    resource, sep, action = permission.rpartition(":")
    if not sep or not resource or not action or "*" in resource or "*" in action:
        raise ValueError(
            f"invalid permission {permission!r}: expected 'resource:action', "
            "for example 'course:create'"
        )
    return resource, action


def permission_matches(granted: Iterable[str], permission: str) -> bool:
    """Whether ``permission`` (``resource:action``) is covered by the ``granted`` set."""
    resource, _action = _split(permission)
    granted = granted if isinstance(granted, (set, frozenset)) else set(granted)
    return ALL_PERMISSIONS in granted or permission in granted or f"{resource}:*" in granted


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user, API key or service, or the anonymous caller.

    ``college_id`` is the tenant the principal acts in; services filter every
    query by it.
    """

    user_id: str | None
    college_id: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    permissions: frozenset[str] = field(default_factory=frozenset)
    kind: PrincipalKind = "user"
    session_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    issued_at: float | None = field(default=None, compare=False)
    """When the token was issued (``iat``, seconds since the epoch), checked against the
    revocation list; ``None`` for a principal not read from a token. Not part of equality:
    two tokens of the same caller describe the same principal."""

    def __post_init__(self) -> None:
        for name in ("roles", "permissions", "scopes"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))
        if self.kind not in _KINDS:
            raise ValueError(f"invalid principal kind {self.kind!r}: expected one of {_KINDS}")
        if (self.kind == "anonymous") != (self.user_id is None):
            raise ValueError("only the anonymous principal has no user_id")

    @classmethod
    def anonymous(cls) -> Principal:
        """The caller without credentials: no user, no permissions."""
        return cls(user_id=None, kind="anonymous")

    @property
    def is_authenticated(self) -> bool:
        return self.kind != "anonymous"

    @property
    def is_superuser(self) -> bool:
        return ALL_PERMISSIONS in self.permissions and (
            not self.scopes or ALL_PERMISSIONS in self.scopes
        )

    def has(self, permission: str) -> bool:
        """Whether this principal may do ``permission`` (``resource:action``)."""
        if not self.is_authenticated or not permission_matches(self.permissions, permission):
            return False
        return not self.scopes or permission_matches(self.scopes, permission)

    def require(self, permission: str) -> None:
        """Raise unless :meth:`has` ``permission``.

        :class:`AuthenticationError` for the anonymous caller,
        :class:`PermissionDenied` (naming the permission) otherwise.
        """
        if not self.is_authenticated:
            raise AuthenticationError()
        if not self.has(permission):
            raise PermissionDenied(
                f"Permission denied: requires {permission!r}.", permission=permission
            )

    def to_claims(self) -> dict[str, Any]:
        """JWT claims describing this principal (``sub``, ``college``, ``roles``...)."""
        if not self.is_authenticated:
            raise ValueError("the anonymous principal has no claims")
        claims: dict[str, Any] = {
            "sub": self.user_id,
            "kind": self.kind,
            "roles": sorted(self.roles),
            "permissions": sorted(self.permissions),
        }
        if self.college_id is not None:
            claims["college"] = self.college_id
        if self.session_id is not None:
            claims["sid"] = self.session_id
        if self.scopes:
            claims["scope"] = " ".join(sorted(self.scopes))
        if self.issued_at is not None:
            claims["iat"] = self.issued_at
        return claims

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        """The principal a verified token describes; :class:`AuthenticationError` if malformed."""
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise AuthenticationError("Token has no subject ('sub' claim).")
        kind = claims.get("kind", "user")
        if kind not in _KINDS or kind == "anonymous":
            raise AuthenticationError(f"Token has an invalid 'kind' claim: {kind!r}.")
        scope = claims.get("scope", "")
        if not isinstance(scope, str):
            raise AuthenticationError("Token claim 'scope' must be a space-separated string.")
        return cls(
            user_id=subject,
            college_id=_optional_str(claims, "college"),
            roles=frozenset(_str_list(claims, "roles")),
            permissions=frozenset(_str_list(claims, "permissions")),
            kind=cast(PrincipalKind, kind),
            session_id=_optional_str(claims, "sid"),
            scopes=frozenset(scope.split()),
            issued_at=_optional_time(claims, "iat"),
        )


def _optional_str(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is not None and not isinstance(value, str):
        raise AuthenticationError(f"Token claim {name!r} must be a string.")
    return value


def _optional_time(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AuthenticationError(f"Token claim {name!r} must be a number of seconds.")
    return float(value)


def _str_list(claims: Mapping[str, Any], name: str) -> list[str]:
    value = claims.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AuthenticationError(f"Token claim {name!r} must be a list of strings.")
    return value
