"""The error raised when a gateway cannot be set up as configured."""

from __future__ import annotations

__all__ = ["GatewayConfigError"]


class GatewayConfigError(Exception):
    """A missing or invalid supergraph file or setting; the message is one line saying
    what to fix."""
