"""Courses' GraphQL API: catalogue, sections, enrolment, bulk enrolment imports.

Layout::

    schema/
      _api.py       CoursesApi (database, storage, settings, notify_outbox), api_of(info)
      _mutation.py  run(payload_type, call): domain errors -> CoursesError { field code message }
      _access.py    who reads class lists and people's memberships
      types.py      Department, Term, Batch, Course, Section, Enrollment (entities), enums
      user.py       User (identity's entity) extended: enrollments, teaching, batch
      loaders.py    batched loaders by id and grouped (members, waitlists, seat counts ...)
      queries.py    department(s), terms, batches, course(s), section(s)
      catalogue.py  departmentCreate/Update, courseCreate/Update, termCreate, batchCreate,
                    batchStudentsAssign
      section_mutations.py  sectionCreate, sectionUpdate, sectionStaffAssign/Remove
      enrollments.py  enrollmentCreate, enrollmentDrop
      imports.py    enrollmentImportUploadCreate, enrollmentImport, enrollmentImportReport(s)

Extending the API (course content, schedules ...): write a module whose
``@strawberry.type class Query`` / ``class Mutation`` holds the new fields,
then add ONE line to :data:`QUERIES` or :data:`MUTATIONS` below;
:func:`build_schema` merges every part into the root types, so no existing
file changes. Fields on ``User`` go in a part class added with one line to
``user.USER_PARTS``; extra entity types go in :data:`TYPES`. Resolvers stay
thin: read the caller (``require_principal(info)``), the service
(``api_of(info)``), call one domain function in ``api.in_transaction(...)``
(pass ``on_commit=api.notify_outbox``), and for a mutation return through
``_mutation.run`` so domain errors become the payload's ``errors``;
authentication, permission and not-found errors stay top-level errors with
``extensions.code``. Any list field reads through a loader of ``loaders.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.tools import merge_types

from shared.graphql import SubgraphSchema, build_subgraph_schema
from subgraphs.courses.schema import (
    catalogue,
    content,
    content_items,
    content_types,
    enrollments,
    imports,
    queries,
    schedules,
    schedules_exceptions,
    schedules_feeds,
    schedules_holidays,
    schedules_meetings,
    section_mutations,
)
from subgraphs.courses.schema._api import CoursesApi, ProvideCoursesApi, api_of
from subgraphs.courses.schema.types import Batch, Course, Department, Enrollment, Section, Term
from subgraphs.courses.schema.user import User
from subgraphs.courses.settings import CoursesSettings

if TYPE_CHECKING:
    from shared.service import Service

__all__ = ["MUTATIONS", "QUERIES", "TYPES", "CoursesApi", "api_of", "build_schema"]

QUERIES: tuple[type, ...] = (
    queries.Query,
    imports.Query,
    content.Query,
    schedules.Query,
    # one line per query module
)
"""The root ``Query``'s parts: one line per query module."""

MUTATIONS: tuple[type, ...] = (
    catalogue.Mutation,
    section_mutations.Mutation,
    enrollments.Mutation,
    imports.Mutation,
    content.Mutation,
    content_items.Mutation,
    schedules_meetings.Mutation,
    schedules_exceptions.Mutation,
    schedules_holidays.Mutation,
    schedules_feeds.Mutation,
)
"""The root ``Mutation``'s parts: one line per mutation module."""

TYPES: tuple[type, ...] = (
    *(Department, Term, Batch, Course, Section, Enrollment, User),
    *content_types.ITEM_TYPES,
)
"""Types the schema must hold even when no root field returns them (entities)."""


def build_schema(service: Service, *, settings: CoursesSettings | None = None) -> SubgraphSchema:
    """Courses' subgraph schema, its resolvers bound to the running ``service``.

    ``settings`` default to the service's own section (``LMS_COURSES_*``).
    """
    api = CoursesApi(
        database=service.database,
        storage=service.platform.storage,
        settings=settings if settings is not None else service.settings_of(CoursesSettings),
        notify_outbox=service.notify_outbox,
        public_url=service.platform.settings.effective_public_url,
    )
    return build_subgraph_schema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        types=TYPES,
        extensions=[lambda: ProvideCoursesApi(api)],
    )
