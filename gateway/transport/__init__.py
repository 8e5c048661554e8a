"""How the gateway reaches its subgraphs: over HTTP, or in process through ASGI.

Every transport implements :class:`Transport`: ``send`` a
:class:`SubgraphRequest`, get a :class:`SubgraphResponse` or a
:class:`TransportError` when the subgraph gave no GraphQL response.
"""

from __future__ import annotations

from gateway.transport.asgi import AsgiApp, AsgiTransport
from gateway.transport.errors import TransportError
from gateway.transport.http import HttpTransport, create_http_client
from gateway.transport.protocol import Transport
from gateway.transport.request import SubgraphRequest, SubgraphResponse

__all__ = [
    "AsgiApp",
    "AsgiTransport",
    "HttpTransport",
    "SubgraphRequest",
    "SubgraphResponse",
    "Transport",
    "TransportError",
    "create_http_client",
]
