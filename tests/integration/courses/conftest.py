"""The courses database, migrated by its real migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import subgraphs.courses
from shared.config import Settings
from shared.db import Database, create_database
from shared.db.migrations import Migrations
from subgraphs.courses.models import Base

MIGRATIONS_DIR = Path(subgraphs.courses.__file__).parent / "migrations"


def courses_migrations(database: Database) -> Migrations:
    return Migrations(database, Base.metadata, MIGRATIONS_DIR)


@pytest.fixture
async def courses_db(db_settings: Settings) -> AsyncIterator[Database]:
    """A fresh courses database at the head revision, dropped afterwards."""
    database = create_database(db_settings, "courses")
    try:
        await courses_migrations(database).upgrade()
        yield database
    finally:
        await database.drop()


@pytest.fixture
async def courses_pg(postgres_settings: Settings) -> AsyncIterator[Database]:
    """A fresh courses database on PostgreSQL only (for row-locking behaviour)."""
    database = create_database(postgres_settings, "courses")
    try:
        await courses_migrations(database).upgrade()
        yield database
    finally:
        await database.drop()
