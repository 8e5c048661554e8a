"""enrollment imports, batch members and section staff changes

Revision ID: 3a7b1c9d0e21
Revises: 2ce0ae6588bd
Created: 2026-11-25 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3a7b1c9d0e21"
down_revision: str | Sequence[str] | None = "2ce0ae6588bd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "batch_member",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("college_id", sa.String(length=36), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
            name=op.f("fk_batch_member_batch_id_batch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_member")),
        sa.UniqueConstraint("user_id", name="uq_batch_member_user"),
    )
    with op.batch_alter_table("batch_member", schema=None) as batch_op:
        batch_op.create_index("ix_batch_member_batch", ["batch_id"], unique=False)

    op.create_table(
        "enrollment_import",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("college_id", sa.String(length=36), nullable=False),
        sa.Column("object_key", sa.String(length=512), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment_import")),
    )
    with op.batch_alter_table("enrollment_import", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enrollment_import_college_created", ["college_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("enrollment_import", schema=None) as batch_op:
        batch_op.drop_index("ix_enrollment_import_college_created")

    op.drop_table("enrollment_import")
    with op.batch_alter_table("batch_member", schema=None) as batch_op:
        batch_op.drop_index("ix_batch_member_batch")

    op.drop_table("batch_member")
