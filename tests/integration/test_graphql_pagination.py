"""Keyset pagination of SQL queries, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import DateTime, MetaData, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.config import Settings
from shared.db import Database, create_database
from shared.errors import BadUserInput
from shared.graphql.relay import encode_cursor, paginate

pytestmark = pytest.mark.integration


class Base(DeclarativeBase):
    metadata = MetaData()


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    score: Mapped[int]
    name: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


ROWS = 37


@pytest.fixture
async def database(db_settings: Settings) -> AsyncIterator[Database]:
    db = create_database(db_settings, "pages")
    await db.create()
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    rng = random.Random(7)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    async with db.transaction() as session:
        session.add_all(
            Item(
                id=i,
                score=rng.randint(0, 5),  # many ties: the id breaks them
                name=rng.choice(["ada", "bob", "cy", "dee"]),
                created_at=start + timedelta(minutes=rng.randint(0, 20)),
            )
            for i in range(1, ROWS + 1)
        )
    yield db
    await db.drop()


Ordering = tuple[list[Any], Callable[[Item], tuple[Any, ...]]]
ORDERINGS: dict[str, Ordering] = {
    "score": ([Item.score], lambda r: (r.score, r.id)),
    "score desc, name": ([Item.score.desc(), Item.name], lambda r: (-r.score, r.name, r.id)),
    "created desc": (
        [Item.created_at.desc()],
        lambda r: (-r.created_at.replace(tzinfo=None).timestamp(), -r.id),
    ),
    "id desc": ([Item.id.desc()], lambda r: (-r.id,)),
}


async def expected_ids(db: Database, key: Callable[[Item], tuple[Any, ...]]) -> list[int]:
    async with db.session() as session:
        rows = list((await session.scalars(select(Item))).all())
    return [r.id for r in sorted(rows, key=key)]


@pytest.mark.parametrize("ordering", list(ORDERINGS))
@pytest.mark.parametrize("size", [1, 4, 10, 100])
async def test_forward_and_backward_walks_see_every_row_once(
    database: Database, ordering: str, size: int
) -> None:
    order_by, key = ORDERINGS[ordering]
    expected = await expected_ids(database, key)
    statement = select(Item)
    async with database.session() as session:
        # forward
        seen: list[int] = []
        after = None
        while True:
            page = await paginate(session, statement, order_by=order_by, first=size, after=after)
            assert page.total_count == ROWS
            assert page.has_previous_page is (after is not None)
            seen += [item.id for item in page.nodes]
            if not page.has_next_page:
                break
            after = page.cursors[-1]
        assert seen == expected
        # backward
        seen = []
        before = None
        while True:
            page = await paginate(session, statement, order_by=order_by, last=size, before=before)
            assert page.has_next_page is (before is not None)
            seen = [item.id for item in page.nodes] + seen
            if not page.has_previous_page:
                break
            before = page.cursors[0]
        assert seen == expected


async def test_after_and_before_bound_a_window(database: Database) -> None:
    order_by, key = ORDERINGS["score desc, name"]
    expected = await expected_ids(database, key)
    async with database.session() as session:
        everything = await paginate(session, select(Item), order_by=order_by, first=100)
        cursors = everything.cursors
        page = await paginate(
            session, select(Item), order_by=order_by, first=100, after=cursors[4],
            before=cursors[12],
        )  # fmt: skip
        assert [i.id for i in page.nodes] == expected[5:12]
        page = await paginate(
            session, select(Item), order_by=order_by, last=3, after=cursors[4], before=cursors[12]
        )
        assert [i.id for i in page.nodes] == expected[9:12]
        assert page.has_previous_page


async def test_filters_in_the_statement_are_kept(database: Database) -> None:
    async with database.session() as session:
        statement = select(Item).where(Item.score >= 3)
        page = await paginate(session, statement, order_by=[Item.score], first=100)
        assert all(item.score >= 3 for item in page.nodes)
        assert page.total_count == len(page.nodes)
        assert not page.has_next_page


async def test_empty_results_and_zero_sizes(database: Database) -> None:
    async with database.session() as session:
        empty = await paginate(session, select(Item).where(Item.score > 99), first=5)
        assert empty.nodes == []
        assert (empty.has_next_page, empty.has_previous_page, empty.total_count) == (
            False,
            False,
            0,
        )
        zero = await paginate(session, select(Item), first=0)
        assert zero.nodes == []
        assert zero.has_next_page


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"first": 1, "last": 1}, "either `first` or `last`"),
        ({"first": -1}, "must not be negative"),
        ({"last": 101}, "at most 100"),
        ({"first": 5, "after": "garbage!"}, "Invalid cursor for `after`"),
        ({"first": 5, "before": encode_cursor([1])}, "Invalid cursor for `before`"),
    ],
)
async def test_invalid_arguments_are_bad_user_input(
    database: Database, arguments: dict[str, Any], message: str
) -> None:
    async with database.session() as session:
        with pytest.raises(BadUserInput, match=message):
            await paginate(session, select(Item), order_by=[Item.score], **arguments)
