"""The address of the client behind a request, through trusted proxies.

A subgraph behind the gateway sees the gateway as its peer; the gateway passes
the client's address on in ``X-Forwarded-For``, appending its own peer to
whatever the client sent. Only the entries added by proxies we run can be
believed, so the header is read from the right: the first address that is not
a trusted proxy is the client. A request whose peer is not a trusted proxy
gets its peer as the client, whatever header it carries (anyone can write one).

A request with no socket peer (an in-process ASGI call) is treated as coming
from a trusted proxy: only code in the same process can make one.

``LMS_TRUSTED_PROXIES`` (``Settings.trusted_proxies``) lists the proxies:
loopback by default, which covers the in-process gateway of ``lms dev``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

__all__ = ["TrustedProxies", "client_address", "parse_networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(spec: str) -> tuple[Network, ...]:
    """``"127.0.0.0/8, ::1"`` as networks; a single address is a network of one.

    Raises ``ValueError`` naming the entry that is neither.
    """
    networks: list[Network] = []
    for entry in spec.split(","):
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"{text!r} is not an IP address or network (CIDR)") from None
    return tuple(networks)


@dataclass(frozen=True)
class TrustedProxies:
    """The proxies whose ``X-Forwarded-For`` entries are believed."""

    networks: tuple[Network, ...]

    @classmethod
    def parse(cls, spec: str) -> TrustedProxies:
        return cls(parse_networks(spec))

    def trusts(self, address: Address) -> bool:
        mapped = getattr(address, "ipv4_mapped", None)
        candidates: Iterable[Address] = (address,) if mapped is None else (address, mapped)
        return any(
            candidate in network
            for candidate in candidates
            for network in self.networks
            if candidate.version == network.version
        )


def client_address(connection: HTTPConnection, *, trusted: TrustedProxies) -> str | None:
    """The client's IP address for ``connection``, or ``None`` when nothing tells it."""
    peer = connection.client.host if connection.client is not None else None
    forwarded = ",".join(connection.headers.getlist("x-forwarded-for"))
    return resolve_client_address(peer, forwarded, trusted=trusted)


def resolve_client_address(
    peer: str | None, forwarded_for: str, *, trusted: TrustedProxies
) -> str | None:
    """The client from the socket ``peer`` and the ``X-Forwarded-For`` value ``forwarded_for``.

    The peer when it is not a trusted proxy; else the rightmost entry of the
    header that is not one, walking left past trusted proxies. An entry that is
    not an IP address stops the walk: the last trusted hop is the client then
    (what lies to its left was not written by a proxy we trust).
    """
    peer_address = _address(peer) if peer is not None else None
    if peer is not None and (peer_address is None or not trusted.trusts(peer_address)):
        return peer
    last = str(peer_address) if peer_address is not None else None
    for entry in reversed(forwarded_for.split(",")):
        text = entry.strip()
        if not text:
            continue
        address = _address(text)
        if address is None:
            return last
        if not trusted.trusts(address):
            return str(address)
        last = str(address)
    return last


def _address(text: str) -> Address | None:
    """``text`` as an IP address (brackets and a port tolerated), else ``None``."""
    candidate = text.strip()
    if candidate.startswith("["):
        candidate = candidate[1 : candidate.find("]")] if "]" in candidate else candidate[1:]
    elif candidate.count(":") == 1:
        candidate = candidate.split(":", 1)[0]
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None
