"""Our composition against Apollo's on small subgraph sets, each isolating one merge
detail the execution differential (``tests/conformance/test_composed_by_lms.py``) or the
federation audit showed: same API schema, same join metadata, same directives."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.composition import SubgraphSource, compose
from tests.gateway.composition.oracle import apollo_compose, summary

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: {imports})\n'

SETS: dict[str, dict[str, str]] = {
    # A field moved by @override keeps the description most subgraphs give it, the
    # subgraph it moved from included; a tie goes to the first subgraph by name.
    "override-keeps-description": {
        "catalog": LINK.format(imports='["@key"]')
        + """
        type Query { course: Course }
        type Course @key(fields: "id") {
          id: ID!
          \"\"\"Seats; owned by the workload subgraph now.\"\"\"
          limit: Int
        }
        """,
        "workload": LINK.format(imports='["@key", "@override"]')
        + """
        type Course @key(fields: "id") {
          id: ID!
          \"\"\"Seats in the course.\"\"\"
          limit: Int @override(from: "catalog")
        }
        """,
    },
    # Most subgraphs win over the first one.
    "description-majority": {
        "a": LINK.format(imports='["@shareable"]')
        + 'type Query { """One.""" ping: String @shareable }',
        "b": LINK.format(imports='["@shareable"]')
        + 'type Query { """Two.""" ping: String @shareable }',
        "c": LINK.format(imports='["@shareable"]')
        + 'type Query { """Two.""" ping: String @shareable }',
    },
    # Enums, enum values, scalars, inputs and arguments follow the same majority rule.
    "leaf-and-argument-descriptions": {
        name: LINK.format(imports='["@shareable"]')
        + f"""
        \"\"\"Level {text}.\"\"\"
        enum Level {{ \"\"\"Low {text}.\"\"\" LOW HIGH }}
        \"\"\"Moment {text}.\"\"\"
        scalar Moment
        \"\"\"Filter {text}.\"\"\"
        input Filter {{ \"\"\"Level {text}.\"\"\" level: Level }}
        type Query {{
          items(\"\"\"Which {text}.\"\"\" filter: Filter): [Level] @shareable
          at: Moment @shareable
        }}
        """
        for name, text in (("a", "one"), ("b", "two"), ("c", "two"))
    },
    # An @override naming no subgraph of the set is ignored: no @join__field at all.
    "override-from-unknown-subgraph": {
        "a": LINK.format(imports='["@key", "@shareable"]')
        + """
        type Post @key(fields: "id") { id: ID! createdAt: String! @shareable }
        type Query { feed: [Post] }
        """,
        "b": LINK.format(imports='["@key", "@shareable", "@override"]')
        + """
        type Post @key(fields: "id") {
          id: ID!
          createdAt: String! @override(from: "non-existing") @shareable
        }
        type Query { anotherFeed: [Post] }
        """,
    },
    # A field an overridden subgraph needs to implement an interface stays there as
    # usedOverridden; without it Apollo Gateway cannot extract that subgraph and stops.
    "override-of-interface-field": {
        "a": LINK.format(imports='["@key"]')
        + """
        interface Post { id: ID! createdAt: String! }
        type ImagePost implements Post @key(fields: "id") { id: ID! createdAt: String! }
        type Query { feed: [Post] }
        """,
        "b": LINK.format(imports='["@key", "@override"]')
        + """
        interface Post { id: ID! createdAt: String! }
        type TextPost implements Post @key(fields: "id") { id: ID! createdAt: String! }
        interface AnotherPost { id: ID! createdAt: String! }
        type ImagePost implements AnotherPost @key(fields: "id") {
          id: ID!
          createdAt: String! @override(from: "a")
        }
        type Query { anotherFeed: [AnotherPost] }
        """,
    },
}


@pytest.mark.parametrize("subgraphs", list(SETS.values()), ids=list(SETS))
def test_same_supergraph_as_apollo(subgraphs: dict[str, str], tmp_path: Path) -> None:
    # given a small subgraph set, written to files for Apollo's composition
    files = []
    for name, sdl in subgraphs.items():
        path = tmp_path / f"{name}.graphql"
        path.write_text(sdl)
        files.append((name, f"http://{name}", path))
    # when both compositions run
    apollo, apollo_errors = apollo_compose(files)
    ours = compose([SubgraphSource(name=n, url=u, sdl=p.read_text()) for n, u, p in files])
    # then both succeed with the same API schema, join metadata and directives
    assert apollo is not None, apollo_errors
    assert ours.supergraph_sdl is not None, ours.errors
    assert summary(ours.supergraph_sdl) == summary(apollo)
