"""Counting and timing the gateway's GraphQL operations in the platform's Prometheus series.

The series are the ones every service reports (``lms_graphql_operations`` and
``lms_graphql_operation_duration_seconds``, see :mod:`shared.observability.metrics`),
with ``service="gateway"``. Client-chosen operation names get series of their
own only for the first ``max_operation_names`` distinct names; later ones count
as ``<other>``.
"""

from __future__ import annotations

import re

from shared.observability import MetricsRegistry
from shared.observability.metrics import ANONYMOUS, OTHER

__all__ = ["OperationMetrics"]

_OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,99}$")


class OperationMetrics:
    """Records one operation's outcome and duration in ``metrics``."""

    def __init__(
        self, metrics: MetricsRegistry, *, service: str, max_operation_names: int = 500
    ) -> None:
        self.metrics = metrics
        self.service = service
        self.max_operation_names = max_operation_names

    def record(
        self, *, operation_type: str, operation_name: str | None, failed: bool, seconds: float
    ) -> None:
        """Count an operation of ``operation_type`` (``query``, ``mutation`` ... or ``unknown``)."""
        name = self._name_label(operation_name)
        metrics = self.metrics
        metrics.graphql_operations.labels(
            service=self.service,
            operation_type=operation_type,
            operation_name=name,
            status="error" if failed else "ok",
        ).inc()
        metrics.graphql_operation_duration.labels(
            service=self.service, operation_type=operation_type, operation_name=name
        ).observe(seconds)

    def _name_label(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        if not _OPERATION_NAME.match(name):
            return OTHER
        return self.metrics.operation_name_label(name, limit=self.max_operation_names)
