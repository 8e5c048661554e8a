"""Named and inline fragments, aliases."""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_named_and_inline_fragments_are_inlined() -> None:
    """Fragments are inlined; aliases are kept, so data merges by response name."""
    assert_plan(
        "shop",
        (
            'query { p1: product(id: "1") { ...F } p2: product(id: "2") { ... on Product '
            "{ id inStock } } } fragment F on Product { name reviews { body } }"
        ),
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        p1: product(id: "1") {
          __typename
          id
          name
        }
        p2: product(id: "2") {
          __typename
          id
        }
      }
    },
    Parallel {
      Flatten(path: "p1") {
        Fetch(service: "reviews") {
          {
            ... on Product {
              __typename
              id
            }
          } =>
          {
            ... on Product {
              reviews {
                body
              }
            }
          }
        },
      },
      Flatten(path: "p2") {
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
  },
}
""",
    )


def test_one_field_under_two_aliases_with_different_arguments() -> None:
    """Both aliases are sent as they are."""
    assert_plan(
        "shop",
        '{ products { usd: price(currency: "USD") eur: price(currency: "EUR") } }',
        expected="""
QueryPlan {
  Fetch(service: "products") {
    {
      products {
        usd: price(currency: "USD")
        eur: price(currency: "EUR")
      }
    }
  },
}
""",
    )
