"""The users database, migrated by its real migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import subgraphs.users
from shared.config import Settings
from shared.db import Database, create_database
from shared.db.migrations import Migrations
from subgraphs.users.models import Base

MIGRATIONS_DIR = Path(subgraphs.users.__file__).parent / "migrations"


def users_migrations(database: Database) -> Migrations:
    return Migrations(database, Base.metadata, MIGRATIONS_DIR)


@pytest.fixture
async def users_db(db_settings: Settings) -> AsyncIterator[Database]:
    """A fresh users database at the head revision, dropped afterwards."""
    database = create_database(db_settings, "users")
    try:
        await users_migrations(database).upgrade()
        yield database
    finally:
        await database.drop()
