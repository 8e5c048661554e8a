"""The courses service as the platform runs it.

Its own settings are :class:`~subgraphs.courses.settings.CoursesSettings`
(``LMS_COURSES_*``: the limits of CSV enrolment imports), read once with
the platform's. Its events go out through its outbox
(:mod:`subgraphs.courses.events`).
"""

from __future__ import annotations

from pathlib import Path

from shared.service import ServiceSpec
from subgraphs.courses.content import models as _content_models  # noqa: F401 (its tables)
from subgraphs.courses.models import Base, outbox
from subgraphs.courses.schedules import models as _schedule_models  # noqa: F401 (its tables)
from subgraphs.courses.schedules.calendar_route import calendar_routes
from subgraphs.courses.schema import build_schema
from subgraphs.courses.settings import CoursesSettings

__all__ = ["SERVICE"]

SERVICE = ServiceSpec(
    name="courses",
    description="Departments, terms, batches, courses, sections and enrolments.",
    metadata=Base.metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    schema=build_schema,
    outbox=outbox,
    settings=CoursesSettings,
    routes=calendar_routes,
)
