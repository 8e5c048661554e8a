"""course content: modules, items, visibility, prerequisites, progress

Revision ID: 4b8c2d0e1f32
Revises: 3a7b1c9d0e21
Created: 2026-11-25 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4b8c2d0e1f32"
down_revision: str | Sequence[str] | None = "3a7b1c9d0e21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _status() -> sa.Enum:
    return sa.Enum(
        "draft",
        "published",
        name="content_status",
        native_enum=False,
        create_constraint=True,
        length=32,
    )


def upgrade() -> None:
    op.create_table(
        "course_module",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("college_id", sa.String(length=36), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", _status(), nullable=False),
        sa.Column("visible_to_all", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["course.id"],
            name=op.f("fk_course_module_course_id_course"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_module")),
    )
    with op.batch_alter_table("course_module", schema=None) as batch_op:
        batch_op.create_index(
            "ix_course_module_course_position", ["course_id", "position"], unique=False
        )

    op.create_table(
        "module_item",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("college_id", sa.String(length=36), nullable=False),
        sa.Column("module_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "page",
                "file",
                "link",
                name="item_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", _status(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("file_key", sa.String(length=512), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=127), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'page' AND body IS NOT NULL)"
            " OR (kind = 'file' AND file_key IS NOT NULL)"
            " OR (kind = 'link' AND url IS NOT NULL)",
            name=op.f("ck_module_item_kind_fields"),
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["course_module.id"],
            name=op.f("fk_module_item_module_id_course_module"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_item")),
    )
    with op.batch_alter_table("module_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_module_item_module_position", ["module_id", "position"], unique=False
        )

    op.create_table(
        "module_section",
        sa.Column("module_id", sa.String(length=36), nullable=False),
        sa.Column("section_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["course_module.id"],
            name=op.f("fk_module_section_module_id_course_module"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.id"],
            name=op.f("fk_module_section_section_id_section"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("module_id", "section_id", name=op.f("pk_module_section")),
    )
    with op.batch_alter_table("module_section", schema=None) as batch_op:
        batch_op.create_index("ix_module_section_section", ["section_id"], unique=False)

    op.create_table(
        "module_prerequisite",
        sa.Column("module_id", sa.String(length=36), nullable=False),
        sa.Column("required_module_id", sa.String(length=36), nullable=False),
        sa.CheckConstraint(
            "module_id <> required_module_id", name=op.f("ck_module_prerequisite_not_itself")
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["course_module.id"],
            name=op.f("fk_module_prerequisite_module_id_course_module"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["required_module_id"],
            ["course_module.id"],
            name=op.f("fk_module_prerequisite_required_module_id_course_module"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "module_id", "required_module_id", name=op.f("pk_module_prerequisite")
        ),
    )
    with op.batch_alter_table("module_prerequisite", schema=None) as batch_op:
        batch_op.create_index(
            "ix_module_prerequisite_required", ["required_module_id"], unique=False
        )

    op.create_table(
        "item_completion",
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["module_item.id"],
            name=op.f("fk_item_completion_item_id_module_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "user_id", name=op.f("pk_item_completion")),
    )
    with op.batch_alter_table("item_completion", schema=None) as batch_op:
        batch_op.create_index("ix_item_completion_user", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item_completion", schema=None) as batch_op:
        batch_op.drop_index("ix_item_completion_user")

    op.drop_table("item_completion")
    with op.batch_alter_table("module_prerequisite", schema=None) as batch_op:
        batch_op.drop_index("ix_module_prerequisite_required")

    op.drop_table("module_prerequisite")
    with op.batch_alter_table("module_section", schema=None) as batch_op:
        batch_op.drop_index("ix_module_section_section")

    op.drop_table("module_section")
    with op.batch_alter_table("module_item", schema=None) as batch_op:
        batch_op.drop_index("ix_module_item_module_position")

    op.drop_table("module_item")
    with op.batch_alter_table("course_module", schema=None) as batch_op:
        batch_op.drop_index("ix_course_module_course_position")

    op.drop_table("course_module")
