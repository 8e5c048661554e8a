"""roles, batch, sort name and avatar details

Revision ID: e8e54fc49494
Revises: 199f2b26896a
Created: 2026-11-25 03:30:01.051501

``sort_name`` is added nullable, filled from ``lower(display_name)`` (the
model keeps it as the case-folded name from then on), then made NOT NULL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e8e54fc49494"
down_revision: str | Sequence[str] | None = "199f2b26896a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "profile_role",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("role_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["profile.user_id"],
            name=op.f("fk_profile_role_user_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "role_key", name=op.f("pk_profile_role")),
    )
    with op.batch_alter_table("profile_role", schema=None) as batch_op:
        batch_op.create_index("ix_profile_role_role_key", ["role_key"], unique=False)

    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("avatar_content_type", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("avatar_width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("avatar_height", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("batch_id", sa.String(length=64), nullable=True))
    op.execute(sa.text("UPDATE profile SET sort_name = lower(display_name)"))
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.alter_column("sort_name", existing_type=sa.String(length=200), nullable=False)
        batch_op.create_index("ix_profile_college_batch", ["college_id", "batch_id"], unique=False)
        batch_op.create_index(
            "ix_profile_college_sort_name", ["college_id", "sort_name"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_index("ix_profile_college_sort_name")
        batch_op.drop_index("ix_profile_college_batch")
        batch_op.drop_column("batch_id")
        batch_op.drop_column("avatar_height")
        batch_op.drop_column("avatar_width")
        batch_op.drop_column("avatar_content_type")
        batch_op.drop_column("sort_name")

    with op.batch_alter_table("profile_role", schema=None) as batch_op:
        batch_op.drop_index("ix_profile_role_role_key")

    op.drop_table("profile_role")
