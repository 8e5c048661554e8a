"""Composition time: the project's own subgraphs, the largest fixture set, a large generated set.

Run: ``.venv/bin/pytest tests/load/test_composition_speed.py`` prints
pytest-benchmark's table (min / median / mean per composition). The generated
set is 12 subgraphs of 40 entity types each, every type referencing entities of
the next subgraph (480 entities, 5,000+ fields): roughly a large college
platform. A measurement, never a timing assertion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.composition import SubgraphSource, compose
from lms.supergraph import project_subgraph_sdls, subgraph_url

FIXTURES = Path(__file__).resolve().parents[1] / "gateway" / "executor" / "fixtures"


def _generated_set(subgraphs: int = 12, types: int = 40) -> list[SubgraphSource]:
    sources = []
    for s in range(subgraphs):
        nxt = (s + 1) % subgraphs
        lines = [
            'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", '
            'import: ["@key", "@shareable"])',
            "type Money @shareable { amount: Int! currency: String! }",
            "enum Status { ACTIVE ARCHIVED }",
            "type Query {",
            *(f"  e{s}x{t}(id: ID!): E{s}x{t}" for t in range(types)),
            "}",
        ]
        for t in range(types):
            lines += [
                f'type E{s}x{t} @key(fields: "id") {{',
                "  id: ID!",
                *(f"  f{f}: String" for f in range(8)),
                "  price: Money",
                "  status: Status!",
                f"  next: E{nxt}x{t}",
                "}",
                f'type E{nxt}x{t} @key(fields: "id", resolvable: false) {{ id: ID! }}',
            ]
        sources.append(SubgraphSource(name=f"sub{s}", url=f"http://sub{s}", sdl="\n".join(lines)))
    return sources


SETS: dict[str, Any] = {
    "project": lambda: [
        SubgraphSource(name=n, url=subgraph_url(n), sdl=sdl)
        for n, sdl in project_subgraph_sdls().items()
    ],
    "executor-fixtures": lambda: [
        SubgraphSource(name=n, url=f"http://{n}", sdl=(FIXTURES / f"{n}.graphql").read_text())
        for n in ("accounts", "inventory", "products", "reviews")
    ],
    "generated-12x40": _generated_set,
}


@pytest.mark.parametrize("name", list(SETS))
def test_composition_time(benchmark: Any, name: str) -> None:
    # given a set of subgraphs
    sources = SETS[name]()
    # when it is composed repeatedly
    result = benchmark.pedantic(compose, args=(sources,), rounds=5, iterations=1)
    # then every round composes cleanly
    assert result.errors == []
    assert result.supergraph_sdl is not None
