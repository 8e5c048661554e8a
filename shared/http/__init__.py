"""HTTP helpers shared by the services: who the client of a request is."""

from __future__ import annotations

from shared.http.client_address import TrustedProxies, client_address, parse_networks

__all__ = ["TrustedProxies", "client_address", "parse_networks"]
