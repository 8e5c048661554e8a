"""Error codes of the courses domain (stable: never renamed, only added).

Services raise them as :class:`shared.errors.DomainError` (``code``,
``message``, ``field``); the GraphQL layer turns them into payload errors.
Authentication, permission and "not found" failures are not codes here:
they are the shared ``UNAUTHENTICATED`` / ``FORBIDDEN`` / ``NOT_FOUND`` errors.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["CoursesErrorCode"]


class CoursesErrorCode(Enum):
    # input values
    INVALID_CODE = "INVALID_CODE"
    INVALID_NAME = "INVALID_NAME"
    INVALID_CREDITS = "INVALID_CREDITS"
    INVALID_CAPACITY = "INVALID_CAPACITY"
    INVALID_DATE_RANGE = "INVALID_DATE_RANGE"
    INVALID_INTAKE_YEAR = "INVALID_INTAKE_YEAR"
    # departments and courses
    DUPLICATE_DEPARTMENT_CODE = "DUPLICATE_DEPARTMENT_CODE"
    DUPLICATE_COURSE_CODE = "DUPLICATE_COURSE_CODE"
    UNKNOWN_DEPARTMENT = "UNKNOWN_DEPARTMENT"
    # sections
    DUPLICATE_SECTION_CODE = "DUPLICATE_SECTION_CODE"
    UNKNOWN_COURSE = "UNKNOWN_COURSE"
    UNKNOWN_TERM = "UNKNOWN_TERM"
    UNKNOWN_BATCH = "UNKNOWN_BATCH"
    COURSE_ARCHIVED = "COURSE_ARCHIVED"
    # enrolment
    SECTION_NOT_OPEN = "SECTION_NOT_OPEN"
    SECTION_FULL = "SECTION_FULL"
    ALREADY_ENROLLED = "ALREADY_ENROLLED"
    ALREADY_WAITLISTED = "ALREADY_WAITLISTED"
    NOT_ENROLLED = "NOT_ENROLLED"
