"""Per-request context carried by contextvars: the request id and the tenant.

The request middleware sets the request id; authentication sets the tenant
(the college) once it knows it. Log records pick both up automatically.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

__all__ = [
    "bind_context",
    "get_request_id",
    "get_tenant",
    "reset_request_id",
    "reset_tenant",
    "set_request_id",
    "set_tenant",
]

_request_id: ContextVar[str | None] = ContextVar("lms_request_id", default=None)
_tenant: ContextVar[str | None] = ContextVar("lms_tenant", default=None)


def get_request_id() -> str | None:
    """The id of the request being handled, or ``None`` outside a request."""
    return _request_id.get()


def set_request_id(request_id: str | None) -> Token[str | None]:
    """Set the current request id; pass the token to :func:`reset_request_id`."""
    return _request_id.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    """Restore the request id that was current before :func:`set_request_id`."""
    _request_id.reset(token)


def get_tenant() -> str | None:
    """The tenant (college) the current request acts for, or ``None`` when unknown."""
    return _tenant.get()


def set_tenant(tenant: str | None) -> Token[str | None]:
    """Set the current tenant; pass the token to :func:`reset_tenant`."""
    return _tenant.set(tenant)


def reset_tenant(token: Token[str | None]) -> None:
    """Restore the tenant that was current before :func:`set_tenant`."""
    _tenant.reset(token)


@contextmanager
def bind_context(*, request_id: str | None = None, tenant: str | None = None) -> Iterator[None]:
    """Set the request id and/or tenant for the duration of a ``with`` block.

    Arguments left as ``None`` keep their current value (useful in background
    jobs: ``with bind_context(tenant=event.tenant): ...``).
    """
    request_token = _request_id.set(request_id) if request_id is not None else None
    tenant_token = _tenant.set(tenant) if tenant is not None else None
    try:
        yield
    finally:
        if tenant_token is not None:
            _tenant.reset(tenant_token)
        if request_token is not None:
            _request_id.reset(request_token)
