"""Entity jumps through ``@key``: several keys, compound and nested keys, non-resolvable keys."""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_each_subgraph_is_entered_by_a_key_it_resolves() -> None:
    """Book has keys id (catalog, stock) and isbn (catalog, pricing): each jump uses the key its
    target resolves.
    """
    assert_plan(
        "keys",
        "{ books { title price copies } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        books {
          __typename
          isbn
          id
          title
        }
      }
    },
    Parallel {
      Flatten(path: "books.@") {
        Fetch(service: "pricing") {
          {
            ... on Book {
              __typename
              isbn
            }
          } =>
          {
            ... on Book {
              price
            }
          }
        },
      },
      Flatten(path: "books.@") {
        Fetch(service: "stock") {
          {
            ... on Book {
              __typename
              id
            }
          } =>
          {
            ... on Book {
              copies
            }
          }
        },
      },
    },
  },
}
""",
    )


def test_nested_key_is_sent_whole() -> None:
    """Edition's key `book { isbn } number` is selected and sent as a nested representation."""
    assert_plan(
        "keys",
        "{ books { edition { number printRun } } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "catalog") {
      {
        books {
          edition {
            __typename
            book {
              isbn
            }
            number
          }
        }
      }
    },
    Flatten(path: "books.@.edition") {
      Fetch(service: "pricing") {
        {
          ... on Edition {
            __typename
            book {
              isbn
            }
            number
          }
        } =>
        {
          ... on Edition {
            printRun
          }
        }
      },
    },
  },
}
""",
    )


def test_a_non_resolvable_key_is_never_jumped_to() -> None:
    """Organization's key in pricing is resolvable: false; catalog is entered instead, by the
    compound Listing key.
    """
    assert_plan(
        "keys",
        "{ listings { discount book { title } organization { name } } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "pricing") {
      {
        listings {
          __typename
          sku
          discount
          organization {
            __typename
            id
          }
        }
      }
    },
    Parallel {
      Flatten(path: "listings.@.organization") {
        Fetch(service: "catalog") {
          {
            ... on Organization {
              __typename
              id
            }
          } =>
          {
            ... on Organization {
              name
            }
          }
        },
      },
      Flatten(path: "listings.@") {
        Fetch(service: "catalog") {
          {
            ... on Listing {
              __typename
              sku
              organization {
                id
              }
            }
          } =>
          {
            ... on Listing {
              book {
                title
              }
            }
          }
        },
      },
    },
  },
}
""",
    )
