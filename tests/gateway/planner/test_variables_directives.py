"""Variables, defaults and @skip/@include."""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_fetches_declare_the_variables_they_use() -> None:
    """Each fetch declares only its variables, with the client's types and defaults."""
    assert_plan(
        "shop",
        (
            "query Q($n: Int = 3, $cur: String!, $withStock: Boolean!) { products(first: "
            '$n) { cheap: price(currency: $cur) euro: price(currency: "EUR") inStock '
            "@include(if: $withStock) } }"
        ),
        operation_name="Q",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products(first: $n) {
          __typename
          id
          cheap: price(currency: $cur)
          euro: price(currency: "EUR")
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            id
          }
        } =>
        {
          ... on Product {
            inStock @include(if: $withStock)
          }
        }
      },
    },
  },
}
""",
    )


def test_conditional_fragment_travels_with_its_fields() -> None:
    """A conditional fragment wraps the remote field in the entity fetch; the key is fetched
    unconditionally.
    """
    assert_plan(
        "abstract",
        (
            "query ($rated: Boolean = true) { media { id ... on Book @include(if: $rated)"
            " { rating } } }"
        ),
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "media") {
      {
        media {
          __typename
          id
          ... on Book {
            __typename
            id
          }
        }
      }
    },
    Flatten(path: "media.@") {
      Fetch(service: "ratings") {
        {
          ... on Book {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            ... @include(if: $rated) {
              rating
            }
          }
        }
      },
    },
  },
}
""",
    )


def test_typename_alone_needs_no_fetch() -> None:
    """The gateway answers __typename on the root itself."""
    assert_plan(
        "shop",
        "{ __typename }",
        expected="""
QueryPlan {}
""",
    )


def test_introspection_needs_no_fetch() -> None:
    """Introspection root fields are answered by the executor."""
    assert_plan(
        "shop",
        '{ __schema { queryType { name } } __type(name: "Product") { name } }',
        expected="""
QueryPlan {}
""",
    )
