"""Tables of the users service: profiles, preferences, outbox and processed events.

A profile's primary key is the identity account id (``user_id``), a UUID
string of 36 characters, so ids travel unchanged between subgraphs. Each
contact detail (phone, office, pronouns, website) is a pair of columns: its
value and its :class:`Visibility`, checked by the database and read back as
the ``StrEnum`` members below.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy import Enum as SAEnum
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, validates
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from shared.db import TimestampMixin, service_metadata
from shared.events import outbox_table, processed_events_table

__all__ = [
    "CONTACT_FIELDS",
    "ID_LENGTH",
    "Base",
    "Preferences",
    "Profile",
    "ProfileKind",
    "ProfileRole",
    "ProfileStatus",
    "Visibility",
    "outbox",
    "processed_events",
    "sort_name",
]

ID_LENGTH = 36

CONTACT_FIELDS: tuple[str, ...] = ("phone", "office", "pronouns", "website")
"""Contact details; each has a ``<name>_visibility`` column next to its value."""


def sort_name(display_name: str) -> str:
    """The key people are sorted and searched by: the name case-folded.

    Computed here, not by the database, so ``lower()`` differences between
    SQLite (ASCII only) and PostgreSQL never change an order or a match.
    """
    return display_name.casefold()[:200]


class Base(DeclarativeBase):
    metadata = service_metadata()


class Visibility(StrEnum):
    """Who, besides the owner, sees a contact detail."""

    COLLEGE = "college"
    """Everyone of the owner's college."""
    STAFF = "staff"
    """Staff of the owner's college."""
    PRIVATE = "private"
    """The owner alone."""


class ProfileKind(StrEnum):
    """The identity account's kind, copied from ``user.invited``."""

    STAFF = "staff"
    STUDENT = "student"


class ProfileStatus(StrEnum):
    """The identity account's state, following its ``user.*`` events."""

    INVITED = "invited"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


class _json_array(FunctionElement[Any]):
    """The aggregate of a column as a JSON array: ``json_agg`` / SQLite's ``json_group_array``.

    ``NULL`` on PostgreSQL when there are no rows, ``[]`` on SQLite.
    """

    type = JSON()
    inherit_cache = True
    name = "json_array"


@compiles(_json_array)
def _json_array_default(element: _json_array, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_array({compiler.process(element.clauses, **kw)})"


@compiles(_json_array, "postgresql")
def _json_array_postgresql(element: _json_array, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_agg({compiler.process(element.clauses, **kw)})"


def _choice(enum: type[StrEnum], name: str) -> SAEnum:
    """A short string column restricted to ``enum``'s values by a named CHECK constraint."""
    return SAEnum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def _visibility(name: str, default: Visibility) -> Mapped[Visibility]:
    return mapped_column(_choice(Visibility, name), default=default)


def _when(*, nullable: bool = True, **kwargs: Any) -> Mapped[Any]:
    return mapped_column(DateTime(timezone=True), nullable=nullable, **kwargs)


class ProfileRole(Base):
    """A role key a person holds, copied from identity's ``user.invited`` and ``role.changed``."""

    __tablename__ = "profile_role"
    __table_args__ = (Index("ix_profile_role_role_key", "role_key"),)

    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("profile.user_id", ondelete="CASCADE"), primary_key=True
    )
    role_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class Profile(TimestampMixin, Base):
    """What a person of a college shows about themselves to the others."""

    __tablename__ = "profile"
    __table_args__ = (
        Index("ix_profile_college_name", "college_id", "display_name"),
        Index("ix_profile_college_department", "college_id", "department_id"),
        Index("ix_profile_college_sort_name", "college_id", "sort_name"),
        Index("ix_profile_college_batch", "college_id", "batch_id"),
    )

    user_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    """The identity account id."""
    college_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    kind: Mapped[ProfileKind | None] = mapped_column(_choice(ProfileKind, "profile_kind"))
    """``None`` when the profile was made from an event that did not say (``user.activated``)."""
    status: Mapped[ProfileStatus] = mapped_column(
        _choice(ProfileStatus, "profile_status"), default=ProfileStatus.INVITED
    )
    display_name: Mapped[str] = mapped_column(String(200), default="")
    sort_name: Mapped[str] = mapped_column(String(200), default="")
    """:func:`sort_name` of the display name, kept in step by the model (ordering, search)."""
    bio: Mapped[str] = mapped_column(Text, default="")
    avatar_key: Mapped[str | None] = mapped_column(String(1024))
    """Object-storage key of the avatar image (``avatars/<college>/<user>/...``)."""
    avatar_content_type: Mapped[str | None] = mapped_column(String(64))
    """Media type of the stored avatar (``image/png`` or ``image/jpeg``)."""
    avatar_width: Mapped[int | None] = mapped_column(Integer)
    avatar_height: Mapped[int | None] = mapped_column(Integer)
    department_id: Mapped[str | None] = mapped_column(String(64))
    """Opaque id of a department of the courses subgraph, copied from identity."""
    batch_id: Mapped[str | None] = mapped_column(String(64))
    """The courses subgraph's batch of a student, from ``course.batch_assigned``."""
    phone: Mapped[str | None] = mapped_column(String(32))
    phone_visibility: Mapped[Visibility] = _visibility("phone_visibility", Visibility.STAFF)
    office: Mapped[str | None] = mapped_column(String(100))
    office_visibility: Mapped[Visibility] = _visibility("office_visibility", Visibility.COLLEGE)
    pronouns: Mapped[str | None] = mapped_column(String(40))
    pronouns_visibility: Mapped[Visibility] = _visibility("pronouns_visibility", Visibility.COLLEGE)
    website: Mapped[str | None] = mapped_column(String(300))
    website_visibility: Mapped[Visibility] = _visibility("website_visibility", Visibility.COLLEGE)
    deactivated_at: Mapped[datetime | None] = _when()
    role_keys: Mapped[list[str] | None] = column_property(
        select(_json_array(ProfileRole.role_key))
        .where(ProfileRole.user_id == user_id)
        .correlate_except(ProfileRole)
        .scalar_subquery(),
        expire_on_flush=False,
    )
    """The :class:`ProfileRole` keys, in no order (``None`` or ``[]`` for none; sort them).

    Read-only, loaded with the row by a correlated subquery (an index
    lookup on ``profile_role``'s key): every ``select(Profile)`` brings the
    roles in the same statement, so a page of people or a batch of
    references needs no second query. Kept as loaded through flushes:
    :func:`~subgraphs.users.profiles._set_roles` writes the rows, and the
    next read shows them.
    """

    @validates("display_name")
    def _keep_sort_name(self, _key: str, value: str) -> str:
        self.sort_name = sort_name(value)
        return value


class Preferences(TimestampMixin, Base):
    """A person's own settings; a profile without a row has the defaults."""

    __tablename__ = "preferences"

    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("profile.user_id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str | None] = mapped_column(String(16))
    """A language tag (``en``, ``pt-BR``); ``None``: the college's."""
    time_zone: Mapped[str | None] = mapped_column(String(64))
    """An IANA zone name (``Europe/Dublin``); ``None``: the college's."""
    notifications: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """``{channel: {category: bool}}``, every channel and category present."""


outbox = outbox_table(Base.metadata)
"""Events published by users, written in the same transaction as the change."""

processed_events = processed_events_table(Base.metadata)
"""Ids of identity events already applied (see ``IdempotentConsumer``)."""
