"""DataLoaders: one loader per request and key, one SQL statement for N keys."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import ForeignKey, MetaData, String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.config import Settings
from shared.db import Database, create_database
from shared.graphql.loaders import (
    LoaderRegistry,
    rows_by_column_loader,
    rows_grouped_by_column_loader,
)


class Base(DeclarativeBase):
    metadata = MetaData()


class Course(Base):
    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)


class Section(Base):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    name: Mapped[str] = mapped_column(String(20))


@pytest.fixture
async def database(sqlite_settings: Settings) -> AsyncIterator[Database]:
    db = create_database(sqlite_settings, "loaders")
    await db.create()
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with db.transaction() as session:
        session.add_all(Course(id=i, code=f"C{i}") for i in range(1, 11))
        session.add_all(Section(id=i, course_id=1 + i % 3, name=f"S{i}") for i in range(1, 10))
    yield db
    await db.drop()


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def test_one_statement_loads_many_keys_in_key_order(
    database: Database, statements: list[str]
) -> None:
    loader = rows_by_column_loader(Course.id, sessions=database.session)
    keys = [7, 3, 99, 1, 3, 10]
    courses = await asyncio.gather(*(loader.load(k) for k in keys))
    assert [c.code if c else None for c in courses] == ["C7", "C3", None, "C1", "C3", "C10"]
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
    assert " IN " in selects[0].upper()
    # cached: loading again issues no statement
    await loader.load_many([1, 7])
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


async def test_loads_by_any_unique_column(database: Database) -> None:
    loader = rows_by_column_loader(Course.code, sessions=database.session)
    found = await loader.load_many(["C2", "nope"])
    assert found[0] is not None
    assert found[0].id == 2
    assert found[1] is None


async def test_grouped_loader_returns_lists_in_one_statement(
    database: Database, statements: list[str]
) -> None:
    loader = rows_grouped_by_column_loader(
        Section.course_id, sessions=database.session, order_by=[Section.name.desc()]
    )
    groups = await asyncio.gather(*(loader.load(k) for k in [1, 2, 3, 4]))
    assert [[s.name for s in g] for g in groups] == [
        ["S9", "S6", "S3"],
        ["S7", "S4", "S1"],
        ["S8", "S5", "S2"],
        [],
    ]
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_registry_makes_one_loader_per_key() -> None:
    registry = LoaderRegistry()
    made: list[int] = []

    class CourseByIdLoader:
        def __init__(self) -> None:
            made.append(1)

    first = registry.get(CourseByIdLoader)
    assert registry.get(CourseByIdLoader) is first
    named = registry.get("SectionsByCourseIdLoader", lambda: object())
    assert registry.get("SectionsByCourseIdLoader", lambda: object()) is named
    assert len(made) == 1
    assert len(registry) == 2
    assert CourseByIdLoader in registry
    with pytest.raises(TypeError, match="no factory"):
        registry.get("unknown")
