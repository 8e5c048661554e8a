"""``@shareable`` fields:
served by the subgraph needing the fewest fetches, staying where possible.
"""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_shared_root_field_goes_where_the_whole_selection_is() -> None:
    """topProduct is in products and inventory; inventory also has inStock: one fetch."""
    assert_plan(
        "shop",
        "{ topProduct { inStock } }",
        expected="""
QueryPlan {
  Fetch(service: "inventory") {
    {
      topProduct {
        inStock
      }
    }
  },
}
""",
    )


def test_shared_root_field_then_a_jump() -> None:
    """Either subgraph needs a second fetch; the plan stays valid."""
    assert_plan(
        "shop",
        "{ topProduct { name inStock } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "inventory") {
      {
        topProduct {
          __typename
          id
          inStock
        }
      }
    },
    Flatten(path: "topProduct") {
      Fetch(service: "products") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            name
          }
        }
      },
    },
  },
}
""",
    )


def test_shared_field_stays_in_the_current_subgraph() -> None:
    """Product.id is in every subgraph: taken from reviews, where the product already is."""
    assert_plan(
        "shop",
        "{ latestReviews { product { id } } }",
        expected="""
QueryPlan {
  Fetch(service: "reviews") {
    {
      latestReviews {
        product {
          id
        }
      }
    }
  },
}
""",
    )
