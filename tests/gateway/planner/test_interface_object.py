"""``@interfaceObject``: an interface seen as an object type by a subgraph."""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_interface_object_field_from_an_entity_interface() -> None:
    """lastSeen lives on the interface object in activity: one jump at the interface, __typename
    rewritten.
    """
    assert_plan(
        "interface_object",
        "{ accounts { email lastSeen } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "accounts") {
      {
        accounts {
          __typename
          id
          email
        }
      }
    },
    Flatten(path: "accounts.@") {
      Fetch(service: "activity") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            lastSeen
          }
        }
      },
    },
  },
}
""",
    )


def test_concrete_type_is_fetched_for_type_conditions() -> None:
    """activity only knows Account: the concrete type comes from accounts before the Student
    fragment applies.
    """
    assert_plan(
        "interface_object",
        "{ recentlyActive { lastSeen ... on Student { cohort } } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "activity") {
      {
        recentlyActive {
          __typename
          id
          lastSeen
        }
      }
    },
    Flatten(path: "recentlyActive.@") {
      Fetch(service: "accounts") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            __typename
            ... on Student {
              cohort
            }
          }
        }
      },
    },
  },
}
""",
    )


def test_typename_is_never_the_interface_name() -> None:
    """__typename is asked of accounts, which knows the concrete types."""
    assert_plan(
        "interface_object",
        "{ recentlyActive { __typename id } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "activity") {
      {
        recentlyActive {
          __typename
          id
        }
      }
    },
    Flatten(path: "recentlyActive.@") {
      Fetch(service: "accounts") {
        {
          ... on Account {
            __typename
            id
          }
        } =>
        {
          ... on Account {
            __typename
          }
        }
      },
    },
  },
}
""",
    )
