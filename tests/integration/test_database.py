"""The database layer on both backends: sessions, transactions, migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import String, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.config import Settings
from shared.db import DatabaseUnavailable, create_database, service_metadata
from shared.db.database import PING_IDLE_AFTER
from shared.db.migrations import Migrations


class _Base(DeclarativeBase):
    metadata = service_metadata()


class Widget(_Base):
    __tablename__ = "widget"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)


async def test_transaction_commits_and_rolls_back(db_settings: Settings, tmp_path: Path) -> None:
    # given a migrated database
    db = create_database(db_settings, "widgets")
    migrations = Migrations(db, _Base.metadata, tmp_path / "versions")
    try:
        await migrations.revision("create widget")
        await migrations.upgrade()
        # when one transaction succeeds and another fails half-way
        async with db.transaction() as session:
            session.add(Widget(name="a"))
        with pytest.raises(RuntimeError):  # noqa: PT012 (the failure is mid-transaction)
            async with db.transaction() as session:
                session.add(Widget(name="b"))
                await session.flush()
                raise RuntimeError("boom")
        # then only the first one's row is there
        async with db.session() as session:
            names = (await session.scalars(select(Widget.name))).all()
        assert names == ["a"]
    finally:
        await db.drop()


async def test_migrations_upgrade_downgrade_current(db_settings: Settings, tmp_path: Path) -> None:
    db = create_database(db_settings, "migr")
    migrations = Migrations(db, _Base.metadata, tmp_path / "versions")
    try:
        await migrations.revision("create widget")
        head = migrations.head()
        assert head is not None
        await migrations.upgrade()
        assert await migrations.current() == head
        await migrations.downgrade("base")
        assert await migrations.current() is None
        await migrations.upgrade()
        assert await migrations.current() == head
    finally:
        await db.drop()


async def test_postgres_schema_per_service(postgres_settings: Settings) -> None:
    shared_db = postgres_settings.database_url.replace("{service}", "shared")
    settings = postgres_settings.with_overrides(database_url=shared_db)
    a, b = create_database(settings, "alpha"), create_database(settings, "beta")
    try:
        await a.create()
        await b.create()
        assert (a.schema, b.schema) == ("alpha", "beta")
        async with a.engine.begin() as conn:
            await conn.run_sync(_Base.metadata.create_all)
        async with a.session() as session:
            session.add(Widget(name="x"))
            await session.commit()
        await a.ping()
        await b.ping()
    finally:
        await a.drop()
        await b.drop()


async def test_unreachable_database_names_the_setting(sqlite_settings: Settings) -> None:
    settings = sqlite_settings.with_overrides(
        database_backend="postgres",
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/lms_{service}",
    )
    db = create_database(settings, "ghost")
    with pytest.raises(DatabaseUnavailable, match="LMS_DATABASE_URL"):
        await db.ping()
    await db.dispose()


async def test_a_pooled_connection_the_server_dropped_is_replaced(
    postgres_settings: Settings,
) -> None:
    # given a PostgreSQL database whose pool holds one connection that rested
    db = create_database(postgres_settings, "pinged")
    await db.create()
    try:
        async with db.session() as session:
            first_pid = await session.scalar(text("SELECT pg_backend_pid()"))
        # when the server drops that connection while it rests in the pool
        admin = create_database(postgres_settings, "pinged")
        try:
            async with admin.session() as session:
                await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})
        finally:
            await admin.dispose()
        await asyncio.sleep(PING_IDLE_AFTER + 0.2)
        # then the next session works, on another connection
        async with db.session() as session:
            second_pid = await session.scalar(text("SELECT pg_backend_pid()"))
        assert second_pid != first_pid
    finally:
        await db.drop()
