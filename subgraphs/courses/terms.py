"""Terms and batches: the calendar and the student cohorts sections are planned for.

Both need ``course:update`` ("change courses, batches and schedules") and
act in the actor's college; a batch's department must be the college's.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import DomainError
from subgraphs.courses import events, tenancy
from subgraphs.courses.departments import department_of_college
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import Batch, Term
from subgraphs.courses.validation import normalize_name

__all__ = ["create_batch", "create_term"]

UPDATE = "course:update"
MIN_INTAKE_YEAR = 1900
MAX_INTAKE_YEAR = 2200


async def create_term(
    session: AsyncSession,
    *,
    actor: Principal,
    name: str,
    starts_on: date,
    ends_on: date,
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> Term:
    """A new term of the college; ``ends_on`` may not be before ``starts_on``."""
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, UPDATE)
    name = normalize_name(name, max_length=100)
    if ends_on < starts_on:
        raise DomainError(
            CoursesErrorCode.INVALID_DATE_RANGE, "A term cannot end before it starts.", "ends_on"
        )
    term = Term(college_id=target, name=name, starts_on=starts_on, ends_on=ends_on)
    session.add(term)
    await session.flush()
    await events.publish(
        session,
        type=events.TERM_CREATED,
        tenant=target,
        subject=term.id,
        actor=actor,
        data={"name": name, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        on_commit=on_commit,
    )
    return term


async def create_batch(
    session: AsyncSession,
    *,
    actor: Principal,
    department_id: str,
    name: str,
    intake_year: int,
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> Batch:
    """A new batch (cohort) of one of the college's departments."""
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission(actor, UPDATE)
    name = normalize_name(name, max_length=100)
    if not MIN_INTAKE_YEAR <= intake_year <= MAX_INTAKE_YEAR:
        raise DomainError(
            CoursesErrorCode.INVALID_INTAKE_YEAR,
            f"An intake year is between {MIN_INTAKE_YEAR} and {MAX_INTAKE_YEAR}.",
            "intake_year",
        )
    await department_of_college(session, college_id=target, department_id=department_id)
    batch = Batch(
        college_id=target, department_id=department_id, name=name, intake_year=intake_year
    )
    session.add(batch)
    await session.flush()
    await events.publish(
        session,
        type=events.BATCH_CREATED,
        tenant=target,
        subject=batch.id,
        actor=actor,
        data={"department_id": department_id, "name": name, "intake_year": intake_year},
        on_commit=on_commit,
    )
    return batch
