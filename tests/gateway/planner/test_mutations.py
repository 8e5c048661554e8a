"""Mutations: top-level fields in order, one fetch per run of one subgraph."""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_mutation_fields_run_in_order() -> None:
    """productCreate and productRename share a fetch; each run's entity fetches finish before the
    next run.
    """
    assert_plan(
        "shop",
        (
            'mutation { productCreate(name: "a") { id inStock } productRename(id: "1", '
            'name: "b") { name } stockAdjust(id: "1", delta: 2) { name } '
            'reviewCreate(productId: "1", body: "x") { id } }'
        ),
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        productCreate(name: "a") {
          __typename
          id
        }
        productRename(id: "1", name: "b") {
          name
        }
      }
    },
    Flatten(path: "productCreate") {
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
    Fetch(service: "inventory") {
      {
        stockAdjust(id: "1", delta: 2) {
          __typename
          id
        }
      }
    },
    Flatten(path: "stockAdjust") {
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
    Fetch(service: "reviews") {
      {
        reviewCreate(productId: "1", body: "x") {
          id
        }
      }
    },
  },
}
""",
    )
