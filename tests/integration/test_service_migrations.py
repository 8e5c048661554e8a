"""Every registered service's migrations build exactly the tables its models declare,
on SQLite and PostgreSQL, and go down to nothing and up again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection

from lms.services import all_services
from shared.config import Settings
from shared.db import Database, create_database
from shared.db.migrations import Migrations
from shared.service import ServiceSpec

SERVICES = {spec.name: spec for spec in all_services()}


def _differences(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


@pytest.fixture(params=sorted(SERVICES))
def spec(request: pytest.FixtureRequest) -> ServiceSpec:
    return SERVICES[request.param]


@pytest.fixture
async def database(spec: ServiceSpec, db_settings: Settings) -> AsyncIterator[Database]:
    database = create_database(db_settings, spec.name)
    try:
        yield database
    finally:
        await database.drop()


async def test_migrated_schema_equals_the_models(spec: ServiceSpec, database: Database) -> None:
    # given the service's database upgraded to head by its migrations
    await Migrations(database, spec.metadata, spec.migrations_dir).upgrade()
    # when the schema is compared with the models
    async with database.connect() as conn:
        differences = await conn.run_sync(_differences, spec.metadata)
        tables = await conn.run_sync(_tables)
    # then nothing differs, and every declared table exists
    assert differences == []
    assert tables == set(spec.metadata.tables)


async def test_downgrade_to_base_and_upgrade_again(spec: ServiceSpec, database: Database) -> None:
    # given a migrated database
    migrations = Migrations(database, spec.metadata, spec.migrations_dir)
    await migrations.upgrade()
    head = migrations.head()
    # when it goes down to nothing
    await migrations.downgrade("base")
    # then none of the service's tables is left
    assert await migrations.current() is None
    async with database.connect() as conn:
        assert await conn.run_sync(_tables) == set()
    # and when it comes back up, it is at head again
    await migrations.upgrade()
    assert await migrations.current() == head
