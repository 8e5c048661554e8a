"""The courses subgraph: departments, terms, batches, courses, sections and enrolments."""

from __future__ import annotations

__all__: list[str] = []
