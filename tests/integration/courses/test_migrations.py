"""Courses' migrations build exactly the tables its models declare, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from shared.db import Database
from subgraphs.courses.content import models as _content_models  # noqa: F401 (its tables)
from subgraphs.courses.models import Base
from subgraphs.courses.schedules import models as _schedule_models  # noqa: F401 (its tables)
from tests.integration.courses.conftest import courses_migrations


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_migrated_schema_equals_the_models(courses_db: Database) -> None:
    # given a database upgraded to head by the migrations (fixture)
    # when the schema is compared with the models
    async with courses_db.connect() as conn:
        differences = await conn.run_sync(_differences)
        tables = await conn.run_sync(_tables)
    # then nothing differs, and every declared table exists
    assert differences == []
    assert tables == set(Base.metadata.tables)


async def test_downgrade_to_base_and_upgrade_again(courses_db: Database) -> None:
    # given a migrated database
    migrations = courses_migrations(courses_db)
    head = migrations.head()
    # when it goes down to nothing
    await migrations.downgrade("base")
    # then no courses table is left
    assert await migrations.current() is None
    async with courses_db.connect() as conn:
        assert await conn.run_sync(_tables) == set()
    # and when it comes back up, it is at head again
    await migrations.upgrade()
    assert await migrations.current() == head
