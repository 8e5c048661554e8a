"""Input and output rewrites in plan JSON: aliases undone, ``@interfaceObject`` typenames set."""

from __future__ import annotations

from typing import Any

from tests.gateway.planner.plans import assert_plan, plan


def _fetches(node: dict[str, Any]) -> list[dict[str, Any]]:
    if node["kind"] == "Fetch":
        return [node]
    if node["kind"] == "Flatten":
        return _fetches(node["node"])
    return [fetch for child in node.get("nodes", ()) for fetch in _fetches(child)]


def test_conflicting_field_types_are_aliased_and_renamed_back() -> None:
    """User.id is ID! and Admin.id is ID in accounts: one of them is fetched under an alias."""
    query = "{ accounts { ... on User { id name } ... on Admin { id name } } }"
    assert_plan(
        "mismatch",
        query,
        expected="""
QueryPlan {
  Fetch(service: "accounts") {
    {
      accounts {
        __typename
        ... on User {
          id
          name
        }
        ... on Admin {
          id__alias_0: id
          name
        }
      }
    }
  },
}
""",
    )
    node = plan("mismatch", query).to_json()["node"]
    assert node["outputRewrites"] == [
        {
            "kind": "KeyRenamer",
            "path": ["accounts", "... on Admin", "id__alias_0"],
            "renameKeyTo": "id",
        }
    ]


def test_required_field_alias_is_renamed_in_the_representation() -> None:
    entity_fetch = _fetches(plan("shop", "{ products { shippingEstimate } }").to_json()["node"])[1]
    assert entity_fetch["requires"] == [
        {
            "kind": "InlineFragment",
            "typeCondition": "Product",
            "selections": [
                {"kind": "Field", "name": "__typename"},
                {"kind": "Field", "name": "id"},
                {"kind": "Field", "name": "weight"},
                {"kind": "Field", "alias": "price__alias_0", "name": "price"},
            ],
        }
    ]
    assert entity_fetch["inputRewrites"] == [
        {
            "kind": "KeyRenamer",
            "path": ["... on Product", "price__alias_0"],
            "renameKeyTo": "price",
        }
    ]
    assert entity_fetch["operation"] == (
        "query($representations:[_Any!]!){_entities(representations:$representations)"
        "{...on Product{shippingEstimate}}}"
    )


def test_interface_object_representations_carry_the_interface_name() -> None:
    entity_fetch = _fetches(
        plan("interface_object", "{ accounts { lastSeen } }").to_json()["node"]
    )[1]
    assert entity_fetch["serviceName"] == "activity"
    assert entity_fetch["inputRewrites"] == [
        {
            "kind": "ValueSetter",
            "path": ["... on Account", "__typename"],
            "setValueTo": "Account",
        }
    ]


def test_root_fetch_json_shape() -> None:
    node = plan("shop", "query Top { topProduct { inStock } }", operation_name="Top").to_json()
    assert node == {
        "kind": "QueryPlan",
        "node": {
            "kind": "Fetch",
            "serviceName": "inventory",
            "variableUsages": [],
            "operation": "query Top__inventory__0{topProduct{inStock}}",
            "operationKind": "query",
            "operationName": "Top__inventory__0",
        },
    }
