"""Interfaces and unions across subgraphs."""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_interface_fields_and_type_conditions() -> None:
    """Interface fields stay at the interface; rating (ratings subgraph) jumps per concrete type,
    in one fetch.
    """
    assert_plan(
        "abstract",
        ("{ media { __typename id title ... on Book { pages rating } ... on Movie { rating } } }"),
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "media") {
      {
        media {
          __typename
          id
          title
          ... on Book {
            __typename
            id
            pages
          }
          ... on Movie {
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
          ... on Movie {
            __typename
            id
          }
        } =>
        {
          ... on Book {
            rating
          }
          ... on Movie {
            rating
          }
        }
      },
    },
  },
}
""",
    )


def test_union_with_fragment_on_an_interface() -> None:
    """A fragment on an interface inside a union is split into the union members implementing it."""
    assert_plan(
        "abstract",
        ('{ search(text: "x") { ... on Media { title } ... on Person { name followers } } }'),
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "media") {
      {
        search(text: "x") {
          __typename
          ... on Book {
            title
          }
          ... on Movie {
            title
          }
          ... on Person {
            __typename
            id
            name
          }
        }
      }
    },
    Flatten(path: "search.@") {
      Fetch(service: "ratings") {
        {
          ... on Person {
            __typename
            id
          }
        } =>
        {
          ... on Person {
            followers
          }
        }
      },
    },
  },
}
""",
    )
