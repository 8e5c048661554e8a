"""Tables of the identity service: colleges, accounts, roles, credentials, keys, jobs, templates.

Every id is a UUID string (``str(uuid.uuid4())``, 36 characters), the same
form as event ids, so ids travel unchanged through events and other
subgraphs. Built-in roles have fixed ids (:func:`builtin_role_id`) so every
database agrees on them. Status-like columns are short strings checked by
the database (``CHECK ... IN (...)``) and read back as the ``StrEnum``
members below.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import TimestampMixin, service_metadata, utcnow
from shared.events import outbox_table

__all__ = [
    "Account",
    "AccountKind",
    "AccountRole",
    "AccountStatus",
    "ApiKey",
    "Base",
    "College",
    "CollegeStatus",
    "EmailTemplate",
    "ImportJob",
    "ImportKind",
    "ImportState",
    "OneTimeToken",
    "PasswordHistory",
    "RefreshToken",
    "Role",
    "TemplateKey",
    "TokenPurpose",
    "builtin_role_id",
    "new_id",
    "outbox",
]

ID_LENGTH = 36
_NO_COLLEGE = text("college_id IS NULL")
_BUILTIN_ROLE_NAMESPACE = uuid.UUID("5b0f3c1e-8d2a-4f6b-9c71-2e4a6d8f0b13")


def new_id() -> str:
    """A fresh primary key: a random UUID in its canonical 36-character form."""
    return str(uuid.uuid4())


def builtin_role_id(key: str) -> str:
    """The fixed id of the built-in role ``key`` (the same in every database)."""
    return str(uuid.uuid5(_BUILTIN_ROLE_NAMESPACE, f"builtin-role:{key}"))


class Base(DeclarativeBase):
    metadata = service_metadata()


class CollegeStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class AccountKind(StrEnum):
    STAFF = "staff"
    STUDENT = "student"
    PLATFORM = "platform"
    """The platform's own operators (super-admins); they belong to no college."""


class AccountStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class ImportKind(StrEnum):
    STAFF = "staff"
    STUDENT = "student"


class ImportState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TemplateKey(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    WELCOME = "welcome"


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


def _id(**kwargs: Any) -> Mapped[str]:
    return mapped_column(String(ID_LENGTH), primary_key=True, default=new_id, **kwargs)


def _when(*, nullable: bool = True, **kwargs: Any) -> Mapped[Any]:
    return mapped_column(DateTime(timezone=True), nullable=nullable, **kwargs)


class College(TimestampMixin, Base):
    """A tenant: one college and its own settings and password policy."""

    __tablename__ = "college"

    id: Mapped[str] = _id()
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    """Short url-safe name (``north-valley``), unique on the platform."""
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[CollegeStatus] = mapped_column(
        _choice(CollegeStatus, "college_status"), default=CollegeStatus.ACTIVE
    )
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Time zone, locale and other per-college preferences (see ``colleges.COLLEGE_SETTINGS``)."""
    password_policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Overrides of the platform's password policy; empty means the defaults."""


class Account(TimestampMixin, Base):
    """A person who can sign in: staff, student, or a platform operator (no college)."""

    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("college_id", "email", name="uq_account_college_email"),
        Index(
            "uq_account_platform_email",
            "email",
            unique=True,
            postgresql_where=_NO_COLLEGE,
            sqlite_where=_NO_COLLEGE,
        ),
        Index("ix_account_college_created", "college_id", "created_at", "id"),
        Index("ix_account_college_kind_status", "college_id", "kind", "status"),
        Index("ix_account_college_department", "college_id", "department_id"),
        Index("ix_account_purge_after", "purge_after"),
    )

    id: Mapped[str] = _id()
    college_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("college.id", ondelete="RESTRICT")
    )
    email: Mapped[str] = mapped_column(String(254))
    """Always stored lower-cased; unique within the college."""
    display_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AccountKind] = mapped_column(_choice(AccountKind, "account_kind"))
    status: Mapped[AccountStatus] = mapped_column(
        _choice(AccountStatus, "account_status"), default=AccountStatus.INVITED
    )
    department_id: Mapped[str | None] = mapped_column(String(64))
    """Opaque id of a department of the courses subgraph."""
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """``None`` until the invitation is accepted."""
    password_changed_at: Mapped[datetime | None] = _when()
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = _when()
    last_login_at: Mapped[datetime | None] = _when()
    sessions_valid_after: Mapped[datetime | None] = _when()
    """Access tokens issued before this instant are refused."""
    deleted_at: Mapped[datetime | None] = _when()
    purge_after: Mapped[datetime | None] = _when()
    """When a soft-deleted account is removed for good."""


class Role(TimestampMixin, Base):
    """A named set of permissions: built-in (no college) or a college's own."""

    __tablename__ = "role"
    __table_args__ = (
        UniqueConstraint("college_id", "key", name="uq_role_college_key"),
        Index(
            "uq_role_builtin_key",
            "key",
            unique=True,
            postgresql_where=_NO_COLLEGE,
            sqlite_where=_NO_COLLEGE,
        ),
    )

    id: Mapped[str] = _id()
    college_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("college.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)


class AccountRole(Base):
    """An account holds a role (an account may hold several)."""

    __tablename__ = "account_role"
    __table_args__ = (Index("ix_account_role_role", "role_id"),)

    account_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("role.id", ondelete="CASCADE"), primary_key=True
    )
    assigned_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)


class PasswordHistory(Base):
    """A password hash an account used before, kept for reuse checks."""

    __tablename__ = "password_history"
    __table_args__ = (Index("ix_password_history_account_created", "account_id", "created_at"),)

    id: Mapped[str] = _id()
    account_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("account.id", ondelete="CASCADE")
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)


class RefreshToken(Base):
    """One refresh token; a login starts a family (a "session"), each refresh rotates within it."""

    __tablename__ = "refresh_token"
    __table_args__ = (
        Index("ix_refresh_token_family", "family_id"),
        Index("ix_refresh_token_account", "account_id", "revoked_at"),
    )

    id: Mapped[str] = _id()
    family_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    account_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("account.id", ondelete="CASCADE")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 (hex) of the opaque token; the token itself is never stored."""
    issued_at: Mapped[datetime] = _when(nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = _when(nullable=False)
    used_at: Mapped[datetime | None] = _when()
    """Set when the token was exchanged (rotated); a second use is theft."""
    revoked_at: Mapped[datetime | None] = _when()
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))


class OneTimeToken(Base):
    """A single-use token sent by email: an invitation or a password reset."""

    __tablename__ = "one_time_token"
    __table_args__ = (Index("ix_one_time_token_account_purpose", "account_id", "purpose"),)

    id: Mapped[str] = _id()
    account_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("account.id", ondelete="CASCADE")
    )
    purpose: Mapped[TokenPurpose] = mapped_column(_choice(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 (hex) of the token; only the email carries the token itself."""
    expires_at: Mapped[datetime] = _when(nullable=False)
    used_at: Mapped[datetime | None] = _when()
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)


class ApiKey(Base):
    """A college's key for machine access, limited to ``scopes``."""

    __tablename__ = "api_key"
    __table_args__ = (Index("ix_api_key_college", "college_id", "created_at"),)

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("college.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    """Public start of the key, shown in lists so people can tell keys apart."""
    secret_hash: Mapped[str] = mapped_column(String(255))
    previous_secret_hash: Mapped[str | None] = mapped_column(String(255))
    previous_valid_until: Mapped[datetime | None] = _when()
    """After a rotation the previous secret still works until then."""
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    expires_at: Mapped[datetime | None] = _when()
    revoked_at: Mapped[datetime | None] = _when()
    last_used_at: Mapped[datetime | None] = _when()
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = _when(nullable=False, default=utcnow, onupdate=utcnow)


class ImportJob(Base):
    """A bulk creation of staff or students from a CSV file in object storage."""

    __tablename__ = "import_job"
    __table_args__ = (Index("ix_import_job_college_created", "college_id", "created_at"),)

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("college.id", ondelete="CASCADE")
    )
    kind: Mapped[ImportKind] = mapped_column(_choice(ImportKind, "import_kind"))
    object_key: Mapped[str] = mapped_column(String(1024))
    state: Mapped[ImportState] = mapped_column(
        _choice(ImportState, "import_state"), default=ImportState.PENDING
    )
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    """Rows that became accounts."""
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    """Rows rejected; the report at ``error_report_key`` says why."""
    error_report_key: Mapped[str | None] = mapped_column(String(1024))
    error_message: Mapped[str | None] = mapped_column(Text)
    """Why the whole job failed (unreadable file ...), not a row's error."""
    created_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = _when(nullable=False, default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = _when()
    finished_at: Mapped[datetime | None] = _when()


class EmailTemplate(Base):
    """One version of a college's email template; versions are never edited."""

    __tablename__ = "email_template"
    __table_args__ = (
        UniqueConstraint(
            "college_id", "key", "version", name="uq_email_template_college_key_version"
        ),
    )

    id: Mapped[str] = _id()
    college_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("college.id", ondelete="CASCADE")
    )
    key: Mapped[TemplateKey] = mapped_column(_choice(TemplateKey, "template_key"))
    version: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = _when(nullable=False, default=utcnow)


outbox = outbox_table(Base.metadata)
"""Events published by identity, written in the same transaction as the change."""
