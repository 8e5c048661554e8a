"""Alembic environment shared by every service; configured by shared.db.migrations."""

from __future__ import annotations

from alembic import context

config = context.config
connection = config.attributes["connection"]
schema = config.attributes.get("schema")

context.configure(
    connection=connection,
    target_metadata=config.attributes["metadata"],
    version_table_schema=schema,
    include_schemas=False,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)

with context.begin_transaction():
    context.run_migrations()
