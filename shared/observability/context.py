"""Per-request context carried by contextvars: the request id, the client and the tenant.

The request middleware sets the request id and the client (its address,
through trusted proxies, and its user agent); authentication sets the tenant
(the college) once it knows it. Log records pick up the request id and the
tenant; events published during the request carry the request id and the
client as their origin (:mod:`shared.events.envelope`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import cached_property

from shared.http.client_address import TrustedProxies, resolve_client_address

__all__ = [
    "RequestClient",
    "bind_context",
    "get_client",
    "get_request_id",
    "get_tenant",
    "reset_client",
    "reset_request_id",
    "reset_tenant",
    "set_client",
    "set_request_id",
    "set_tenant",
]

_request_id: ContextVar[str | None] = ContextVar("lms_request_id", default=None)
_tenant: ContextVar[str | None] = ContextVar("lms_tenant", default=None)


@dataclass(frozen=True)
class RequestClient:
    """Who sent the request: the socket peer, ``X-Forwarded-For`` and ``User-Agent``.

    The address is worked out (through ``trusted`` proxies, see
    :mod:`shared.http.client_address`) only when something asks for it, so a
    request that publishes no event pays nothing for it. Without ``trusted``,
    the peer is the client.
    """

    peer: str | None
    forwarded_for: str = ""
    user_agent: str | None = None
    trusted: TrustedProxies | None = None

    @cached_property
    def ip(self) -> str | None:
        if self.trusted is None:
            return self.peer
        return resolve_client_address(self.peer, self.forwarded_for, trusted=self.trusted)


_client: ContextVar[RequestClient | None] = ContextVar("lms_client", default=None)


def get_request_id() -> str | None:
    """The id of the request being handled, or ``None`` outside a request."""
    return _request_id.get()


def set_request_id(request_id: str | None) -> Token[str | None]:
    """Set the current request id; pass the token to :func:`reset_request_id`."""
    return _request_id.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    """Restore the request id that was current before :func:`set_request_id`."""
    _request_id.reset(token)


def get_client() -> RequestClient | None:
    """The client of the request being handled, or ``None`` outside a request."""
    return _client.get()


def set_client(client: RequestClient | None) -> Token[RequestClient | None]:
    """Set the current client; pass the token to :func:`reset_client`."""
    return _client.set(client)


def reset_client(token: Token[RequestClient | None]) -> None:
    """Restore the client that was current before :func:`set_client`."""
    _client.reset(token)


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
def bind_context(
    *,
    request_id: str | None = None,
    tenant: str | None = None,
    client: RequestClient | None = None,
) -> Iterator[None]:
    """Set the request id, tenant and/or client for the duration of a ``with`` block.

    Arguments left as ``None`` keep their current value (useful in background
    jobs: ``with bind_context(tenant=event.tenant): ...``).
    """
    request_token = _request_id.set(request_id) if request_id is not None else None
    tenant_token = _tenant.set(tenant) if tenant is not None else None
    client_token = _client.set(client) if client is not None else None
    try:
        yield
    finally:
        if client_token is not None:
            _client.reset(client_token)
        if tenant_token is not None:
            _tenant.reset(tenant_token)
        if request_token is not None:
            _request_id.reset(request_token)
