"""``@requires``: required fields are fetched first and sent in the representation."""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_required_fields_are_fetched_before_and_sent() -> None:
    """shippingEstimate requires weight and price(currency: "EUR") from products; the argument-
    carrying field is fetched under an alias and renamed back in the representation.
    """
    assert_plan(
        "shop",
        "{ products { shippingEstimate } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          __typename
          id
          weight
          price__alias_0: price(currency: "EUR")
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            id
            weight
            price__alias_0: price
          }
        } =>
        {
          ... on Product {
            shippingEstimate
          }
        }
      },
    },
  },
}
""",
    )


def test_required_field_and_client_field_with_other_arguments_coexist() -> None:
    """The client's price (USD) and the required price (EUR) share a response key: the required one
    is aliased.
    """
    assert_plan(
        "shop",
        "{ products { price shippingEstimate } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          __typename
          id
          weight
          price__alias_0: price(currency: "EUR")
          price
        }
      }
    },
    Flatten(path: "products.@") {
      Fetch(service: "inventory") {
        {
          ... on Product {
            __typename
            id
            weight
            price__alias_0: price
          }
        } =>
        {
          ... on Product {
            shippingEstimate
          }
        }
      },
    },
  },
}
""",
    )
