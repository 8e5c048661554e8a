"""One service's database: engine, sessions, readiness, creation."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from shared.config import Settings

__all__ = ["PING_IDLE_AFTER", "Database", "DatabaseUnavailable", "create_database"]

PING_IDLE_AFTER = 1.0
"""Seconds a pooled PostgreSQL connection may rest before it is tested on checkout.

A connection handed back to the pool a moment ago is taken again as it is; one
that rested longer is pinged first, and replaced when the ping fails (the
server restarted, a proxy dropped it). SQLAlchemy's ``pool_pre_ping`` pings on
every checkout, which on asyncpg costs three round trips (BEGIN, the ping,
ROLLBACK) before each session's first statement.
"""


class DatabaseUnavailable(Exception):
    """The service's database cannot be reached."""


class Database:
    """The relational store of one service.

    ``schema`` is set when services share one PostgreSQL database, each in its
    own schema; ``None`` for a database (or SQLite file) of the service's own.
    """

    def __init__(
        self,
        *,
        service: str,
        url: URL,
        schema: str | None = None,
        echo: bool = False,
        pool_size: int = 10,
        ping_idle_after: float = PING_IDLE_AFTER,
    ) -> None:
        self.service = service
        self.url = url
        self.schema = schema
        self.engine: AsyncEngine = _make_engine(
            url, schema, echo=echo, pool_size=pool_size, ping_idle_after=ping_idle_after
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    def session(self) -> AsyncSession:
        """A new session; use as ``async with db.session() as s:``."""
        return self.sessionmaker()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessionmaker() as session, session.begin():
            yield session

    async def ping(self) -> None:
        """Raise :class:`DatabaseUnavailable` unless a trivial query succeeds."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            raise DatabaseUnavailable(
                f"database of {self.service} unreachable at {self.safe_url}: "
                f"{_reason(exc)} (check LMS_DATABASE_URL)"
            ) from exc

    @property
    def safe_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    async def create(self) -> None:
        """Create the database (PostgreSQL), the schema, or the SQLite folder, if missing."""
        if self.dialect == "sqlite":
            if self.url.database:
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            return
        await _create_pg_database(self.url)
        if self.schema is not None:
            admin = create_async_engine(self.url)
            try:
                async with admin.begin() as conn:
                    await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
            finally:
                await admin.dispose()

    async def drop(self) -> None:
        """Drop the database or schema (tests and throwaway environments only)."""
        await self.engine.dispose()
        if self.dialect == "sqlite":
            if self.url.database:
                Path(self.url.database).unlink(missing_ok=True)  # noqa: ASYNC240 (one small file)
            return
        if self.schema is not None:
            admin = create_async_engine(self.url)
            try:
                async with admin.begin() as conn:
                    await conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            finally:
                await admin.dispose()
            return
        maintenance = create_async_engine(
            self.url.set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        try:
            async with maintenance.connect() as conn:
                await conn.execute(
                    text(f'DROP DATABASE IF EXISTS "{self.url.database}" WITH (FORCE)')
                )
        finally:
            await maintenance.dispose()

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            yield conn


def create_database(settings: Settings, service: str) -> Database:
    """The database of ``service`` as the settings describe it."""
    if settings.database_backend == "sqlite":
        path = (settings.data_dir / f"{service}.db").resolve()
        url = URL.create("sqlite+aiosqlite", database=str(path))
        return Database(service=service, url=url, echo=settings.database_echo)
    template = settings.database_url
    schema: str | None = None
    if "{service}" in template:
        raw = template.replace("{service}", service)
    else:
        raw, schema = template, service
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+asyncpg")
    return Database(
        service=service,
        url=url,
        schema=schema,
        echo=settings.database_echo,
        pool_size=settings.database_pool_size,
    )


def _make_engine(
    url: URL, schema: str | None, *, echo: bool, pool_size: int, ping_idle_after: float
) -> AsyncEngine:
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    connect_args: dict[str, Any] = {}
    if schema is not None:
        connect_args["server_settings"] = {"search_path": f"{schema},public"}
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args=connect_args,
    )
    _ping_rested_connections(engine, ping_idle_after)
    return engine


def _ping_rested_connections(engine: AsyncEngine, after: float) -> None:
    """Test a pooled connection on checkout when it rested over ``after`` seconds.

    A failed ping raises :class:`DisconnectionError`, on which the pool
    discards the connection and checks out another (a fresh one when every
    pooled connection is gone), as ``pool_pre_ping`` does.
    """
    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def _rested_since(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping_if_rested(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at < after:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc
        if not alive:
            raise DisconnectionError("pooled connection failed its ping")


async def _create_pg_database(url: URL) -> None:
    maintenance = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with maintenance.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": url.database},
            )
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        await maintenance.dispose()


def _reason(exc: BaseException) -> str:
    text_ = str(exc).strip().splitlines()
    return text_[0] if text_ else type(exc).__name__
