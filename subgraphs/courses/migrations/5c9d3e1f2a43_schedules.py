"""schedules: meetings, exceptions, holidays, calendar feeds

Revision ID: 5c9d3e1f2a43
Revises: 4b8c2d0e1f32
Created: 2026-11-25 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c9d3e1f2a43"
down_revision: str | Sequence[str] | None = "4b8c2d0e1f32"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("college_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name="uq_calendar_feed_token_hash"),
        sa.UniqueConstraint("user_id", name="uq_calendar_feed_user"),
    )
    op.create_table(
        "college_holiday",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("college_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_college_holiday_date_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_college_holiday")),
    )
    with op.batch_alter_table("college_holiday", schema=None) as batch_op:
        batch_op.create_index(
            "ix_college_holiday_college_starts", ["college_id", "starts_on"], unique=False
        )

    op.create_table(
        "section_meeting",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("college_id", sa.String(length=36), nullable=False),
        sa.Column("section_id", sa.String(length=36), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("room", sa.String(length=100), nullable=True),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("last_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_section_meeting_time_range")),
        sa.CheckConstraint("last_date >= first_date", name=op.f("ck_section_meeting_date_range")),
        sa.CheckConstraint("weekday BETWEEN 1 AND 7", name=op.f("ck_section_meeting_weekday_iso")),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.id"],
            name=op.f("fk_section_meeting_section_id_section"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_meeting")),
    )
    with op.batch_alter_table("section_meeting", schema=None) as batch_op:
        batch_op.create_index(
            "ix_section_meeting_college_room", ["college_id", "room", "weekday"], unique=False
        )
        batch_op.create_index("ix_section_meeting_section", ["section_id"], unique=False)

    op.create_table(
        "meeting_exception",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("college_id", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.String(length=36), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "cancelled",
                "moved",
                name="exception_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.Time(), nullable=True),
        sa.Column("ends_at", sa.Time(), nullable=True),
        sa.Column("room", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'cancelled' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL"
            " AND ends_at > starts_at)",
            name=op.f("ck_meeting_exception_moved_time_range"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["section_meeting.id"],
            name=op.f("fk_meeting_exception_meeting_id_section_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_exception")),
        sa.UniqueConstraint("meeting_id", "on_date", name="uq_meeting_exception_meeting_date"),
    )


def downgrade() -> None:
    op.drop_table("meeting_exception")
    with op.batch_alter_table("section_meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_section_meeting_section")
        batch_op.drop_index("ix_section_meeting_college_room")

    op.drop_table("section_meeting")
    with op.batch_alter_table("college_holiday", schema=None) as batch_op:
        batch_op.drop_index("ix_college_holiday_college_starts")

    op.drop_table("college_holiday")
    op.drop_table("calendar_feed")
