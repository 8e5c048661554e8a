"""The committed supergraph fixture is what Apollo's composition makes of the test subgraphs."""

from __future__ import annotations

import pytest
import strawberry

from tests.gateway.edge.conftest import SUPERGRAPH, SUPERGRAPH_DIR
from tests.gateway.edge.oracle import run_node
from tests.gateway.edge.subgraphs import courses_schema, people_schema


@pytest.mark.parametrize(
    ("name", "schema"), [("courses", courses_schema), ("people", people_schema)]
)
def test_subgraph_sdl_files_match_the_subgraphs(name: str, schema: strawberry.Schema) -> None:
    # given the SDL a running subgraph reports
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.errors is None
    assert result.data is not None
    # then the committed file is that SDL
    committed = (SUPERGRAPH_DIR / f"{name}.graphql").read_text()
    assert committed == result.data["_service"]["sdl"].rstrip() + "\n"


def test_supergraph_is_the_composition_of_the_subgraphs() -> None:
    # when Apollo's composition composes the committed subgraph SDL
    done = run_node(
        "compose.mjs",
        f"courses=http://courses.invalid/graphql={SUPERGRAPH_DIR / 'courses.graphql'}",
        f"people=http://people.invalid/graphql={SUPERGRAPH_DIR / 'people.graphql'}",
    )
    # then it yields the committed supergraph
    assert done.returncode == 0, done.stderr
    assert done.stdout == SUPERGRAPH.read_text()
