"""Who may read what beyond ``course:read``: class lists and people's memberships.

* A section's class list (students, waitlist, enrolment history) is for
  holders of ``section:manage`` in its college, and for its teaching staff
  (instructors and teaching assistants of that section) holding
  ``enrollment:read``.
* A person's memberships (``User.enrollments``, ``User.teaching``,
  ``User.batch``) are for the person, and for holders of ``enrollment:read``;
  either way only those of the viewer's college are shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.auth.principal import Principal
from shared.auth.tenancy import can_see
from subgraphs.courses.models import MemberRole, SectionMember

__all__ = ["STAFF_ROLES", "may_read_class_list", "may_read_memberships", "teaches"]

STAFF_ROLES = frozenset({MemberRole.INSTRUCTOR, MemberRole.TEACHING_ASSISTANT})


def teaches(actor: Principal, members: Iterable[SectionMember]) -> bool:
    """Whether ``actor`` is an instructor or teaching assistant among ``members``."""
    return actor.user_id is not None and any(
        member.user_id == actor.user_id and member.role in STAFF_ROLES for member in members
    )


def may_read_class_list(
    actor: Principal, college_id: str, members: Iterable[SectionMember]
) -> bool:
    """Whether ``actor`` may read the class list of a section of ``college_id``."""
    if not can_see(actor, college_id):
        return False
    if actor.has("section:manage"):
        return True
    return actor.has("enrollment:read") and teaches(actor, members)


def may_read_memberships(actor: Principal, user_id: str) -> bool:
    """Whether ``actor`` may read the memberships of person ``user_id`` (in its college)."""
    if actor.kind == "user" and actor.user_id == user_id:
        return True
    return actor.has("enrollment:read")
