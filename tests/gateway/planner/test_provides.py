"""``@provides``: a subgraph resolves external fields below a providing field."""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_provided_field_saves_a_hop() -> None:
    """Review.product provides name: one fetch."""
    assert_plan(
        "shop",
        "{ latestReviews { body product { name } } }",
        expected="""
QueryPlan {
  Fetch(service: "reviews") {
    {
      latestReviews {
        body
        product {
          name
        }
      }
    }
  },
}
""",
    )


def test_fields_not_provided_still_jump() -> None:
    """name is provided, inStock is not: one jump to inventory."""
    assert_plan(
        "shop",
        "{ latestReviews { product { name inStock } } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "reviews") {
      {
        latestReviews {
          product {
            __typename
            id
            name
          }
        }
      }
    },
    Flatten(path: "latestReviews.@.product") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            inStock
          }
        }
      },
    },
  },
}
""",
    )
