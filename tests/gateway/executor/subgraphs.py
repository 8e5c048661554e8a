"""Four small Strawberry federation subgraphs the executor tests run plans against.

- ``products``: ``Product @key(upc)`` (name, price, weight), the ``Item``
  interface (``Book @key(id)``, ``Movie``), ``topProducts``, ``product``,
  ``items``, ``brokenField`` (always errors), ``addProduct`` (a mutation).
- ``reviews``: ``Review``, adds ``reviews``, ``reviewCount: Int!`` and
  ``reviewSummary`` to ``Product`` (both error for upc ``3``), ``User`` stubs.
- ``accounts``: ``User @key(id)`` (name, username).
- ``inventory``: adds ``inStock`` and ``shippingEstimate @requires(price
  weight)`` to ``Product``, ``stock`` to ``Book``.

Each is served by :class:`RecordingApp`, which records every request
(its JSON body and headers) and can be told to delay or to fail.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import strawberry
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

__all__ = ["SUBGRAPHS", "Recorded", "RecordingApp", "build_apps", "subgraph_sdl"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PRODUCTS: dict[str, dict[str, Any]] = {
    "1": {"name": "Table", "price": 100, "weight": 10},
    "2": {"name": "Chair", "price": 50, "weight": 5},
    "3": {"name": "Lamp", "price": 20, "weight": 1},
}
REVIEWS = [
    {"id": "r1", "body": "Sturdy", "upc": "1", "author": "u1"},
    {"id": "r2", "body": "Wobbly", "upc": "1", "author": "u2"},
    {"id": "r3", "body": "Comfy", "upc": "2", "author": "u1"},
    {"id": "r4", "body": "Bright", "upc": "3", "author": "u1"},
]
USERS = {"u1": {"name": "Ada", "username": "ada"}, "u2": {"name": "Alan", "username": "alan"}}
STOCK = {"b1": 7, "b2": 0}


# -- products ----------------------------------------------------------------------
@strawberry.federation.interface
class Item:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["upc"])
class Product:
    upc: strawberry.ID
    name: str
    price: int
    weight: int

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID) -> Product:
        return _product(upc)


@strawberry.federation.type(keys=["id"])
class Book(Item):
    pages: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Book:
        return Book(id=id, title=f"Book {id}", pages=100)


@strawberry.federation.type
class Movie(Item):
    director: str


def _product(upc: str) -> Product:
    row = PRODUCTS[upc]
    return Product(
        upc=strawberry.ID(upc), name=row["name"], price=row["price"], weight=row["weight"]
    )


@strawberry.type
class ProductsQuery:
    @strawberry.field
    def top_products(self, first: int = 5) -> list[Product]:
        return [_product(upc) for upc in list(PRODUCTS)[:first]]

    @strawberry.field
    def product(self, upc: strawberry.ID) -> Product | None:
        return _product(upc) if upc in PRODUCTS else None

    @strawberry.field
    def items(self) -> list[Item]:
        return [
            Book(id=strawberry.ID("b1"), title="Dune", pages=412),
            Movie(id=strawberry.ID("m1"), title="Alien", director="Scott"),
            Book(id=strawberry.ID("b2"), title="Emma", pages=320),
        ]

    @strawberry.field
    def broken_field(self) -> str | None:
        raise ValueError("brokenField always fails")


@strawberry.type(name="Mutation")
class ProductsMutation:
    @strawberry.mutation
    def add_product(self, name: str) -> Product:
        upc = str(len(PRODUCTS) + 100)
        return Product(upc=strawberry.ID(upc), name=name, price=1, weight=1)


# -- reviews -----------------------------------------------------------------------
@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class User:
    id: strawberry.ID


@strawberry.type
class Review:
    id: strawberry.ID
    body: str
    author: User
    product: ReviewedProduct


@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewedProduct:
    upc: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        return [_review(row) for row in REVIEWS if row["upc"] == self.upc]

    @strawberry.field
    def review_count(self) -> int:
        if self.upc == "3":
            raise ValueError("review count unavailable for product 3")
        return sum(1 for row in REVIEWS if row["upc"] == self.upc)

    @strawberry.field
    def review_summary(self) -> str | None:
        if self.upc == "3":
            raise ValueError("summary unavailable for product 3")
        return f"{sum(1 for row in REVIEWS if row['upc'] == self.upc)} reviews"

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID) -> ReviewedProduct:
        return ReviewedProduct(upc=upc)


def _review(row: dict[str, str]) -> Review:
    return Review(
        id=strawberry.ID(row["id"]),
        body=row["body"],
        author=User(id=strawberry.ID(row["author"])),
        product=ReviewedProduct(upc=strawberry.ID(row["upc"])),
    )


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def reviews(self) -> list[Review]:
        return [_review(row) for row in REVIEWS]


# -- accounts ----------------------------------------------------------------------
@strawberry.federation.type(keys=["id"], name="User")
class Account:
    id: strawberry.ID
    name: str
    username: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Account:
        row = USERS[id]
        return Account(id=id, name=row["name"], username=row["username"])


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def me(self) -> Account:
        return Account.resolve_reference(strawberry.ID("u1"))


# -- inventory ---------------------------------------------------------------------
@strawberry.federation.type(keys=["upc"], name="Product")
class StockedProduct:
    upc: strawberry.ID
    price: int = strawberry.federation.field(external=True)
    weight: int = strawberry.federation.field(external=True)

    @strawberry.field
    def in_stock(self) -> bool:
        return self.upc != "2"

    @strawberry.federation.field(requires=["price weight"])  # type: ignore[untyped-decorator]
    def shipping_estimate(self) -> int | None:
        return 0 if self.price >= 100 else self.weight * 2

    @classmethod
    def resolve_reference(
        cls, upc: strawberry.ID, price: int | None = None, weight: int | None = None
    ) -> StockedProduct:
        return StockedProduct(upc=upc, price=price or 0, weight=weight or 0)


@strawberry.federation.type(keys=["id"], name="Book")
class StockedBook:
    id: strawberry.ID

    @strawberry.field
    def stock(self) -> int:
        return STOCK.get(self.id, 0)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> StockedBook:
        return StockedBook(id=id)


@strawberry.type
class InventoryQuery:
    @strawberry.field
    def warehouse_name(self) -> str:
        return "Main"


SUBGRAPHS: dict[str, strawberry.federation.Schema] = {
    "products": strawberry.federation.Schema(
        query=ProductsQuery, mutation=ProductsMutation, types=[Book, Movie]
    ),
    "reviews": strawberry.federation.Schema(query=ReviewsQuery, types=[ReviewedProduct, User]),
    "accounts": strawberry.federation.Schema(query=AccountsQuery, types=[Account]),
    "inventory": strawberry.federation.Schema(
        query=InventoryQuery, types=[StockedProduct, StockedBook]
    ),
}


def subgraph_sdl(name: str) -> str:
    """The federation SDL of subgraph ``name``, as its ``_service { sdl }`` answers."""
    result = SUBGRAPHS[name].execute_sync("{ _service { sdl } }")
    assert result.data is not None, result.errors
    return str(result.data["_service"]["sdl"]).rstrip() + "\n"


# -- serving -----------------------------------------------------------------------
@dataclass
class Recorded:
    """One request a subgraph received."""

    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class RecordingApp:
    """An ASGI app serving ``schema`` that records requests and can delay or fail on demand.

    ``delay`` seconds are slept before answering; ``fail_with`` makes the app
    answer that HTTP status with a plain-text body instead of executing.
    """

    schema: strawberry.federation.Schema
    requests: list[Recorded] = field(default_factory=list)
    delay: float = 0.0
    fail_with: int | None = None

    def __post_init__(self) -> None:
        self._app = GraphQL(self.schema)

    def reset(self) -> None:
        self.requests.clear()
        self.delay = 0.0
        self.fail_with = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.append(Recorded(json.loads(body or b"{}"), headers))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_with is not None:
            await send(
                {
                    "type": "http.response.start",
                    "status": self.fail_with,
                    "headers": [(b"content-type", b"text/plain")],
                }
            )
            await send({"type": "http.response.body", "body": b"upstream exploded"})
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self._app(scope, replay, send)


def build_apps() -> dict[str, RecordingApp]:
    """A fresh recording app for each subgraph."""
    return {name: RecordingApp(schema) for name, schema in SUBGRAPHS.items()}
