"""Who may call a service's internal routes (``/internal/...``).

Internal routes serve other services of the platform, never clients: the
gateway's API-key exchange is one. With ``LMS_INTERNAL_TOKEN`` set, every
caller must send it in ``X-LMS-Internal-Token`` (compared in constant time),
wherever it calls from. Without it, only callers on the loopback interface or
a private network (RFC 1918, unique-local IPv6: a compose network, a cluster)
are served; a deployment whose ingress forwards public traffic from private
addresses must set the token (and should not route ``/internal/`` at all).
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse

if TYPE_CHECKING:
    from pydantic import SecretStr
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["INTERNAL_TOKEN_HEADER", "InternalCallers"]

INTERNAL_TOKEN_HEADER = "x-lms-internal-token"
"""The request header carrying ``LMS_INTERNAL_TOKEN``."""


class InternalCallers:
    """Decides whether a request may use an internal route."""

    def __init__(self, token: SecretStr | None) -> None:
        secret = token.get_secret_value() if token is not None else ""
        self._token = secret.encode() if secret else None

    def refusal(self, request: Request) -> Response | None:
        """``None`` when ``request`` may proceed, else the 403 to answer."""
        if self._token is not None:
            given = request.headers.get(INTERNAL_TOKEN_HEADER, "").encode()
            if hmac.compare_digest(given, self._token):
                return None
            return _forbidden("This route needs the internal token (X-LMS-Internal-Token).")
        host = request.client.host if request.client is not None else ""
        if _is_internal_address(host):
            return None
        return _forbidden("This route serves the platform's own services only.")


_INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
"""Private networks (RFC 1918, unique-local IPv6); documentation ranges are not among them."""


def _is_internal_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or any(address in network for network in _INTERNAL_NETWORKS)


def _forbidden(message: str) -> Response:
    return JSONResponse({"error": "forbidden", "message": message}, status_code=403)
