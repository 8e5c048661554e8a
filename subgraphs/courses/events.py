"""Events courses publishes, always through its outbox in the caller's transaction.

| type | subject | tenant | data |
|---|---|---|---|
| ``course.department_created`` | department id | the college | code, name |
| ``course.department_updated`` | department id | the college | changed (field names) |
| ``course.term_created`` | term id | the college | name, starts_on, ends_on |
| ``course.batch_created`` | batch id | the college | department_id, name, intake_year |
| ``course.created`` | course id | the college | code, title, department_id, status |
| ``course.updated`` | course id | the college | changed (field names), status |
| ``course.section_created`` | section id | college | course_id, term_id, batch_id, code, capacity |
| ``enrollment.enrolled`` | section id | the college | user_id, course_id |
| ``enrollment.waitlisted`` | section id | the college | user_id, course_id, position |
| ``enrollment.dropped`` | section id | the college | user_id, course_id, from (seat, waitlist) |
| ``enrollment.promoted`` | section id | the college | user_id, course_id, position (held) |

Every event's data also carries ``actor_id`` (who caused it). Department,
term, batch and section events are ``course.*`` because
``shared/events/topics.py`` routes no such domains; they ride on
``lms.course`` with the college's other catalogue events, in order.
"""

from __future__ import annotations

from shared.events import OnCommit, OutboxPublisher
from subgraphs.courses.models import outbox

__all__ = [
    "BATCH_CREATED",
    "COURSE_CREATED",
    "COURSE_UPDATED",
    "DEPARTMENT_CREATED",
    "DEPARTMENT_UPDATED",
    "ENROLLMENT_DROPPED",
    "ENROLLMENT_ENROLLED",
    "ENROLLMENT_PROMOTED",
    "ENROLLMENT_WAITLISTED",
    "PUBLISHED",
    "PUBLISHER",
    "SECTION_CREATED",
    "SOURCE",
    "TERM_CREATED",
    "OnCommit",
    "publish",
]

SOURCE = "courses"

DEPARTMENT_CREATED = "course.department_created"
DEPARTMENT_UPDATED = "course.department_updated"
TERM_CREATED = "course.term_created"
BATCH_CREATED = "course.batch_created"
COURSE_CREATED = "course.created"
COURSE_UPDATED = "course.updated"
SECTION_CREATED = "course.section_created"
ENROLLMENT_ENROLLED = "enrollment.enrolled"
ENROLLMENT_WAITLISTED = "enrollment.waitlisted"
ENROLLMENT_DROPPED = "enrollment.dropped"
ENROLLMENT_PROMOTED = "enrollment.promoted"

PUBLISHED: tuple[str, ...] = (
    DEPARTMENT_CREATED,
    DEPARTMENT_UPDATED,
    TERM_CREATED,
    BATCH_CREATED,
    COURSE_CREATED,
    COURSE_UPDATED,
    SECTION_CREATED,
    ENROLLMENT_ENROLLED,
    ENROLLMENT_WAITLISTED,
    ENROLLMENT_DROPPED,
    ENROLLMENT_PROMOTED,
)

PUBLISHER = OutboxPublisher(source=SOURCE, table=outbox, published=frozenset(PUBLISHED))
"""Writes this service's events to its outbox (``data`` gains ``actor_id``)."""

publish = PUBLISHER.publish
