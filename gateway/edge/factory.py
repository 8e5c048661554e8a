"""The gateway app built from the environment, for servers that import an app factory.

``lms gateway`` with ``LMS_GATEWAY_WORKERS`` above 1 runs uvicorn worker
processes; each imports ``gateway.edge.factory:app_from_environment`` and
builds its own gateway from the ``LMS_*`` settings, the supergraph file named
by ``LMS_GATEWAY_SUPERGRAPH``. It also serves any ASGI server::

    LMS_GATEWAY_SUPERGRAPH=supergraph.graphql \\
        uvicorn --factory gateway.edge.factory:app_from_environment
"""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.edge.app import create_gateway_app
from gateway.engine import Gateway, GatewayConfigError
from shared.config import Settings

__all__ = ["app_from_environment"]


def app_from_environment() -> Starlette:
    """The gateway app for the supergraph and settings in the ``LMS_*`` environment."""
    # the platform's services may add LMS_<SERVICE>_* sections to the environment
    # the gateway shares with them; knowing them keeps those variables from being
    # refused as unknown
    from lms.services import settings_sections

    settings = Settings.load(sections=settings_sections().values())
    if settings.gateway_supergraph is None:
        raise GatewayConfigError(
            "LMS_GATEWAY_SUPERGRAPH is not set: name the supergraph file to serve"
        )
    gateway = Gateway.from_settings(settings, settings.gateway_supergraph)
    return create_gateway_app(gateway, settings)
