"""record the origin of each event: request id, client address and user agent

Revision ID: 7a1b2c3d4e5f
Revises: 4e2f14ed6b6f
Created: 2026-11-25 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7a1b2c3d4e5f"
down_revision: str | Sequence[str] | None = "4e2f14ed6b6f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("client_ip", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("user_agent", sa.String(length=512), nullable=True))
        batch_op.create_index(
            "ix_audit_entry_college_request", ["college_id", "request_id"], unique=False
        )
        batch_op.create_index(
            "ix_audit_entry_college_client_ip", ["college_id", "client_ip"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_college_client_ip")
        batch_op.drop_index("ix_audit_entry_college_request")
        batch_op.drop_column("user_agent")
        batch_op.drop_column("client_ip")
        batch_op.drop_column("request_id")
