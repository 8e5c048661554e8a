"""Events courses publishes, always through its outbox in the caller's transaction.

| type | subject | tenant | data |
|---|---|---|---|
| ``course.department_created`` | department id | the college | code, name |
| ``course.department_updated`` | department id | the college | changed (field names) |
| ``course.term_created`` | term id | the college | name, starts_on, ends_on |
| ``course.batch_created`` | batch id | the college | department_id, name, intake_year |
| ``course.created`` | course id | the college | code, title, department_id, status |
| ``course.updated`` | course id | the college | changed (field names), status |
| ``course.batch_assigned`` | account id | the college | user_id, batch_id (null: none) |
| ``section.created`` | section id | the college | course_id, term_id, batch_id, code, capacity |
| ``section.updated`` | section id | the college | changed (field names), status, capacity |
| ``section.staff_assigned`` | section id | the college | user_id, role, course_id |
| ``section.staff_removed`` | section id | the college | user_id, role, course_id |
| ``enrollment.enrolled`` | section id | the college | user_id, course_id |
| ``enrollment.waitlisted`` | section id | the college | user_id, course_id, position |
| ``enrollment.dropped`` | section id | the college | user_id, course_id, from (seat, waitlist) |
| ``enrollment.promoted`` | section id | the college | user_id, course_id, position (held) |
| ``section.meeting_created`` | meeting id | the college | section_id, the meeting (1) |
| ``section.meeting_updated`` | meeting id | the college | section_id, changed (field names) |
| ``section.meeting_deleted`` | meeting id | the college | section_id |
| ``section.meeting_exception_created`` | meeting id | the college | section_id, the exception (2) |
| ``section.meeting_exception_deleted`` | meeting id | the college | section_id, exception_id (2) |
| ``course.holiday_created`` | holiday id | the college | name, starts_on, ends_on |
| ``course.holiday_deleted`` | holiday id | the college | name, starts_on, ends_on |
| ``course.module_created`` | module id | the college | course_id, the module (3) |
| ``course.module_updated`` | module id | the college | course_id, changed (field names) |
| ``course.module_deleted`` | module id | the college | course_id |
| ``course.modules_reordered`` | course id | the college | module_ids (in their new order) |
| ``course.module_published`` | module id | the college | course_id |
| ``course.module_unpublished`` | module id | the college | course_id |
| ``course.module_visibility_set`` | module id | the college | course_id, the visibility (4) |
| ``course.module_prerequisites_set`` | module id | the college | course_id, required_module_ids |
| ``course.module_item_created`` | item id | the college | course_id, module_id, the item (5) |
| ``course.module_item_updated`` | item id | the college | course_id, module_id, changed (6) |
| ``course.module_item_deleted`` | item id | the college | course_id, module_id |
| ``course.module_items_reordered`` | module id | the college | course_id, item_ids |
| ``course.module_item_published`` | item id | the college | course_id, module_id |
| ``course.module_item_unpublished`` | item id | the college | course_id, module_id |
| ``course.module_item_completed`` | item id | the college | course_id, module_id, user_id |

(1) weekday, starts_at, ends_at, time_zone, room, first_date, last_date.
(2) exception_id, on_date, kind, starts_at, ends_at, room, reason (deleted: the first two).
(3) title, position, visible_to_all, section_ids.
(4) visible_to_all, section_ids.
(5) kind, title, status.
(6) the names of the fields changed.

Every event's data also carries ``actor_id`` (who caused it). Department,
term and batch events are ``course.*`` because ``shared/events/topics.py``
routes no such domains; ``section.*`` events are routed to ``lms.course``
too, so a college's catalogue and section events stay in one order.
"""

from __future__ import annotations

from shared.events import OnCommit, OutboxPublisher
from subgraphs.courses.models import outbox

__all__ = [
    "BATCH_ASSIGNED",
    "BATCH_CREATED",
    "COURSE_CREATED",
    "COURSE_UPDATED",
    "DEPARTMENT_CREATED",
    "DEPARTMENT_UPDATED",
    "ENROLLMENT_DROPPED",
    "ENROLLMENT_ENROLLED",
    "ENROLLMENT_PROMOTED",
    "ENROLLMENT_WAITLISTED",
    "HOLIDAY_CREATED",
    "HOLIDAY_DELETED",
    "MEETING_CREATED",
    "MEETING_DELETED",
    "MEETING_EXCEPTION_CREATED",
    "MEETING_EXCEPTION_DELETED",
    "MEETING_UPDATED",
    "MODULES_REORDERED",
    "MODULE_CREATED",
    "MODULE_DELETED",
    "MODULE_ITEMS_REORDERED",
    "MODULE_ITEM_COMPLETED",
    "MODULE_ITEM_CREATED",
    "MODULE_ITEM_DELETED",
    "MODULE_ITEM_PUBLISHED",
    "MODULE_ITEM_UNPUBLISHED",
    "MODULE_ITEM_UPDATED",
    "MODULE_PREREQUISITES_SET",
    "MODULE_PUBLISHED",
    "MODULE_UNPUBLISHED",
    "MODULE_UPDATED",
    "MODULE_VISIBILITY_SET",
    "PUBLISHED",
    "PUBLISHER",
    "SECTION_CREATED",
    "SECTION_STAFF_ASSIGNED",
    "SECTION_STAFF_REMOVED",
    "SECTION_UPDATED",
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
BATCH_ASSIGNED = "course.batch_assigned"
COURSE_CREATED = "course.created"
COURSE_UPDATED = "course.updated"
SECTION_CREATED = "section.created"
SECTION_UPDATED = "section.updated"
SECTION_STAFF_ASSIGNED = "section.staff_assigned"
SECTION_STAFF_REMOVED = "section.staff_removed"
ENROLLMENT_ENROLLED = "enrollment.enrolled"
ENROLLMENT_WAITLISTED = "enrollment.waitlisted"
ENROLLMENT_DROPPED = "enrollment.dropped"
ENROLLMENT_PROMOTED = "enrollment.promoted"
MEETING_CREATED = "section.meeting_created"
MEETING_UPDATED = "section.meeting_updated"
MEETING_DELETED = "section.meeting_deleted"
MEETING_EXCEPTION_CREATED = "section.meeting_exception_created"
MEETING_EXCEPTION_DELETED = "section.meeting_exception_deleted"
HOLIDAY_CREATED = "course.holiday_created"
HOLIDAY_DELETED = "course.holiday_deleted"
MODULE_CREATED = "course.module_created"
MODULE_UPDATED = "course.module_updated"
MODULE_DELETED = "course.module_deleted"
MODULES_REORDERED = "course.modules_reordered"
MODULE_PUBLISHED = "course.module_published"
MODULE_UNPUBLISHED = "course.module_unpublished"
MODULE_VISIBILITY_SET = "course.module_visibility_set"
MODULE_PREREQUISITES_SET = "course.module_prerequisites_set"
MODULE_ITEM_CREATED = "course.module_item_created"
MODULE_ITEM_UPDATED = "course.module_item_updated"
MODULE_ITEM_DELETED = "course.module_item_deleted"
MODULE_ITEMS_REORDERED = "course.module_items_reordered"
MODULE_ITEM_PUBLISHED = "course.module_item_published"
MODULE_ITEM_UNPUBLISHED = "course.module_item_unpublished"
MODULE_ITEM_COMPLETED = "course.module_item_completed"

PUBLISHED: tuple[str, ...] = (
    DEPARTMENT_CREATED,
    DEPARTMENT_UPDATED,
    TERM_CREATED,
    BATCH_CREATED,
    BATCH_ASSIGNED,
    COURSE_CREATED,
    COURSE_UPDATED,
    SECTION_CREATED,
    SECTION_UPDATED,
    SECTION_STAFF_ASSIGNED,
    SECTION_STAFF_REMOVED,
    ENROLLMENT_ENROLLED,
    ENROLLMENT_WAITLISTED,
    ENROLLMENT_DROPPED,
    ENROLLMENT_PROMOTED,
    MEETING_CREATED,
    MEETING_UPDATED,
    MEETING_DELETED,
    MEETING_EXCEPTION_CREATED,
    MEETING_EXCEPTION_DELETED,
    HOLIDAY_CREATED,
    HOLIDAY_DELETED,
    MODULE_CREATED,
    MODULE_UPDATED,
    MODULE_DELETED,
    MODULES_REORDERED,
    MODULE_PUBLISHED,
    MODULE_UNPUBLISHED,
    MODULE_VISIBILITY_SET,
    MODULE_PREREQUISITES_SET,
    MODULE_ITEM_CREATED,
    MODULE_ITEM_UPDATED,
    MODULE_ITEM_DELETED,
    MODULE_ITEMS_REORDERED,
    MODULE_ITEM_PUBLISHED,
    MODULE_ITEM_UNPUBLISHED,
    MODULE_ITEM_COMPLETED,
)

PUBLISHER = OutboxPublisher(source=SOURCE, table=outbox, published=frozenset(PUBLISHED))
"""Writes this service's events to its outbox (``data`` gains ``actor_id``)."""

publish = PUBLISHER.publish
