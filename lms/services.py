"""The registry of the platform's services (subgraphs).

Each entry names the module whose ``SERVICE`` attribute is the service's
:class:`~shared.service.ServiceSpec`. ``lms dev`` runs them all in one process;
``lms serve NAME`` runs one.
"""

from __future__ import annotations

import importlib

from pydantic_settings import BaseSettings

from shared.service import ServiceSpec

__all__ = [
    "SERVICE_MODULES",
    "UnknownService",
    "all_services",
    "get_service",
    "settings_sections",
]

SERVICE_MODULES: dict[str, str] = {
    "audit": "subgraphs.audit.app",
    "courses": "subgraphs.courses.app",
    "identity": "subgraphs.identity.app",
    "users": "subgraphs.users.app",
}
"""Service name -> module, in alphabetical order: the order composition sees them in."""


class UnknownService(LookupError):
    def __init__(self, name: str) -> None:
        known = ", ".join(sorted(SERVICE_MODULES)) or "none yet"
        super().__init__(f"unknown service {name!r} (known: {known})")


def get_service(name: str) -> ServiceSpec:
    try:
        module = SERVICE_MODULES[name]
    except KeyError:
        raise UnknownService(name) from None
    spec: ServiceSpec = importlib.import_module(module).SERVICE
    return spec


def all_services() -> list[ServiceSpec]:
    return [get_service(name) for name in SERVICE_MODULES]


def settings_sections() -> dict[str, type[BaseSettings]]:
    """Each service's own settings class (``ServiceSpec.settings``), by service name."""
    return {spec.name: spec.settings for spec in all_services() if spec.settings is not None}
