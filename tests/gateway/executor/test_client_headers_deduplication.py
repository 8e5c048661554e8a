"""The client's address and user agent reach subgraphs without splitting shared queries."""

from __future__ import annotations

import asyncio

from tests.gateway.executor.conftest import Run
from tests.gateway.executor.subgraphs import RecordingApp

TOKEN = {"authorization": "Bearer t0k3n"}


async def test_queries_of_two_clients_at_different_addresses_share_one_request(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    # given two identical queries with the same token from two browsers at two addresses
    subgraph_apps["products"].delay = 0.05
    first_client = {**TOKEN, "user-agent": "Firefox/128", "x-forwarded-for": "198.51.100.1"}
    second_client = {**TOKEN, "user-agent": "Safari/17", "x-forwarded-for": "203.0.113.9"}
    # when they run at the same time
    first, second = await asyncio.gather(
        run("requires", headers=first_client), run("requires", headers=second_client)
    )
    # then one subgraph request answered both, carrying one of the two clients
    assert first == second
    (shared,) = subgraph_apps["products"].requests
    assert (shared.headers["user-agent"], shared.headers["x-forwarded-for"]) in {
        ("Firefox/128", "198.51.100.1"),
        ("Safari/17", "203.0.113.9"),
    }


async def test_mutations_of_two_clients_each_carry_their_own_address(
    run: Run, subgraph_apps: dict[str, RecordingApp]
) -> None:
    # given the same mutation sent by two clients at once
    subgraph_apps["products"].delay = 0.05
    await asyncio.gather(
        run("mutation", headers={**TOKEN, "x-forwarded-for": "198.51.100.1"}),
        run("mutation", headers={**TOKEN, "x-forwarded-for": "203.0.113.9"}),
    )
    # then each reached the subgraph with its own client address
    mutations = [r for r in subgraph_apps["products"].requests if "mutation" in r.body["query"]]
    assert sorted(r.headers["x-forwarded-for"] for r in mutations) == [
        "198.51.100.1",
        "203.0.113.9",
    ]
