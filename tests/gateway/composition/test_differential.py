"""Our composition against Apollo's on the project's subgraph sets: same API schema, same
join metadata, or both refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.composition import SubgraphSource, compose
from tests.gateway.composition.oracle import ROOT, apollo_compose, summary

GATEWAY = ROOT / "tests" / "gateway"
SETS = {
    **{
        d.name: sorted(d.glob("*.graphql"))
        for d in sorted((GATEWAY / "planner" / "supergraphs" / "sources").iterdir())
    },
    "executor": [
        GATEWAY / "executor" / "fixtures" / f"{n}.graphql"
        for n in ("accounts", "inventory", "products", "reviews")
    ],
    "edge": [GATEWAY / "edge" / "supergraph" / f"{n}.graphql" for n in ("courses", "people")],
}


@pytest.mark.parametrize("files", list(SETS.values()), ids=list(SETS))
def test_same_supergraph_as_apollo(files: list[Path]) -> None:
    # given the subgraph files of one set
    subgraphs = [(p.stem, f"http://{p.stem}", p) for p in files]
    # when both compositions run
    apollo, apollo_errors = apollo_compose(subgraphs)
    ours = compose([SubgraphSource(name=n, url=u, sdl=p.read_text()) for n, u, p in subgraphs])
    # then both succeed with the same API schema and metadata
    assert apollo is not None, apollo_errors
    assert ours.supergraph_sdl is not None, ours.errors
    assert summary(ours.supergraph_sdl) == summary(apollo)
