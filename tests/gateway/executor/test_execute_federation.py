"""Apollo's plans over the test subgraphs, executed in process: the happy paths.

Given Apollo's committed plan for each fixture operation, when the executor
runs it against the Strawberry subgraphs, then the response is what a
GraphQL server over the whole supergraph would answer.
"""

from __future__ import annotations

from tests.gateway.executor.conftest import Run
from tests.gateway.executor.subgraphs import RecordingApp


async def test_entity_jumps_through_three_subgraphs(run: Run) -> None:
    assert await run("entity_jump") == {
        "data": {
            "topProducts": [
                {
                    "upc": "1",
                    "name": "Table",
                    "reviews": [
                        {"body": "Sturdy", "author": {"name": "Ada"}},
                        {"body": "Wobbly", "author": {"name": "Alan"}},
                    ],
                },
                {
                    "upc": "2",
                    "name": "Chair",
                    "reviews": [{"body": "Comfy", "author": {"name": "Ada"}}],
                },
                {
                    "upc": "3",
                    "name": "Lamp",
                    "reviews": [{"body": "Bright", "author": {"name": "Ada"}}],
                },
            ]
        }
    }


async def test_requires_sends_the_required_fields(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    assert await run("requires") == {
        "data": {
            "topProducts": [
                {"name": "Table", "shippingEstimate": 0, "inStock": True},
                {"name": "Chair", "shippingEstimate": 10, "inStock": False},
                {"name": "Lamp", "shippingEstimate": 2, "inStock": True},
            ]
        }
    }
    representations = [
        r.body["variables"]["representations"]
        for r in subgraph_apps["inventory"].requests
        if "shippingEstimate" in r.body["query"]
    ]
    assert representations == [
        [
            {"__typename": "Product", "upc": "1", "price": 100, "weight": 10},
            {"__typename": "Product", "upc": "2", "price": 50, "weight": 5},
            {"__typename": "Product", "upc": "3", "price": 20, "weight": 1},
        ]
    ]


async def test_abstract_types_fetch_only_matching_entities(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    assert await run("abstract") == {
        "data": {
            "items": [
                {"__typename": "Book", "title": "Dune", "stock": 7, "pages": 412},
                {"__typename": "Movie", "title": "Alien", "director": "Scott"},
                {"__typename": "Book", "title": "Emma", "stock": 0, "pages": 320},
            ]
        }
    }
    (inventory,) = subgraph_apps["inventory"].requests
    assert inventory.body["variables"]["representations"] == [
        {"__typename": "Book", "id": "b1"},
        {"__typename": "Book", "id": "b2"},
    ]


async def test_aliases_name_the_response_fields(run: Run) -> None:
    assert await run("aliases") == {
        "data": {
            "first": {"label": "Table", "cost": 100},
            "second": {"label": "Chair", "count": 1},
        }
    }


async def test_skip_and_include_pick_the_condition_branches(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    with_reviews = await run("skip_include", {"withReviews": True, "skipStock": True})
    assert with_reviews == {
        "data": {
            "topProducts": [
                {"name": "Table", "reviews": [{"body": "Sturdy"}, {"body": "Wobbly"}]},
                {"name": "Chair", "reviews": [{"body": "Comfy"}]},
            ]
        }
    }
    assert subgraph_apps["inventory"].requests == []

    without = await run("skip_include", {"withReviews": False, "skipStock": False})
    assert without == {
        "data": {
            "topProducts": [{"name": "Table", "inStock": True}, {"name": "Chair", "inStock": False}]
        }
    }
    assert len(subgraph_apps["reviews"].requests) == 1


async def test_typename_alone_needs_no_fetch(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    assert await run("typename_only") == {"data": {"__typename": "Query"}}
    assert all(not app.requests for app in subgraph_apps.values())


async def test_introspection_is_answered_from_the_api_schema(run: Run) -> None:
    assert await run("introspection") == {
        "data": {
            "__type": {
                "name": "Item",
                "possibleTypes": [{"name": "Book"}, {"name": "Movie"}],
            },
            "topProducts": [{"name": "Table"}],
        }
    }


async def test_named_and_inline_fragments_with_aliases(run: Run) -> None:
    assert await run("fragments") == {
        "data": {"topProducts": [{"name": "Table", "cost": 100}, {"name": "Chair", "cost": 50}]}
    }


async def test_only_used_variables_are_sent(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    assert await run("variables", {"upc": "2"}) == {
        "data": {"product": {"name": "Chair", "inStock": False}}
    }
    (products,) = subgraph_apps["products"].requests
    assert products.body["variables"] == {"upc": "2"}
    (inventory,) = subgraph_apps["inventory"].requests
    assert set(inventory.body["variables"]) == {"representations"}


async def test_nested_lists_are_flattened_through_every_level(run: Run) -> None:
    result = await run("nested_lists")
    assert result == {
        "data": {
            "topProducts": [
                {
                    "reviews": [
                        {"product": {"name": "Table", "inStock": True}},
                        {"product": {"name": "Table", "inStock": True}},
                    ]
                },
                {"reviews": [{"product": {"name": "Chair", "inStock": False}}]},
                {"reviews": [{"product": {"name": "Lamp", "inStock": True}}]},
            ]
        }
    }


async def test_mutation_then_entity_fetch(run: Run) -> None:
    assert await run("mutation") == {
        "data": {"addProduct": {"upc": "103", "name": "Desk", "inStock": True}}
    }
