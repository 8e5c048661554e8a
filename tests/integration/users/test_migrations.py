"""Users's migrations build exactly the tables its models declare, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from shared.db import Database
from subgraphs.users.models import Base
from tests.integration.users.conftest import users_migrations


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_migrated_schema_equals_the_models(users_db: Database) -> None:
    # given a database upgraded to head by the migrations (fixture)
    # when the schema is compared with the models
    async with users_db.connect() as conn:
        differences = await conn.run_sync(_differences)
        tables = await conn.run_sync(_tables)
    # then nothing differs, and every declared table exists
    assert differences == []
    assert tables == set(Base.metadata.tables)


async def test_downgrade_to_base_and_upgrade_again(users_db: Database) -> None:
    # given a migrated database
    migrations = users_migrations(users_db)
    head = migrations.head()
    # when it goes down to nothing
    await migrations.downgrade("base")
    # then no users table is left
    assert await migrations.current() is None
    async with users_db.connect() as conn:
        assert await conn.run_sync(_tables) == set()
    # and when it comes back up, it is at head again
    await migrations.upgrade()
    assert await migrations.current() == head


async def test_sort_names_are_filled_for_existing_profiles(users_db: Database) -> None:
    # given a database at the first revision holding a profile
    migrations = users_migrations(users_db)
    await migrations.downgrade("199f2b26896a")
    async with users_db.connect() as conn:
        await conn.execute(
            text(
                "INSERT INTO profile (user_id, college_id, status, display_name, bio, "
                "phone_visibility, office_visibility, pronouns_visibility, website_visibility, "
                "created_at, updated_at) VALUES ('u-1', 'c-1', 'active', 'Ada LOVELACE', '', "
                "'staff', 'college', 'college', 'college', :now, :now)"
            ),
            {"now": datetime.now(UTC)},
        )
        await conn.commit()
    # when it is upgraded to head
    await migrations.upgrade()
    # then the profile has its sort name, and no role keys
    async with users_db.connect() as conn:
        sort_name = await conn.scalar(text("SELECT sort_name FROM profile"))
        roles = await conn.scalar(text("SELECT count(*) FROM profile_role"))
    assert (sort_name, roles) == ("ada lovelace", 0)
