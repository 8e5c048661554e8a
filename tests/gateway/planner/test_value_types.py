"""Value types (no key) shared by subgraphs:
reached from the root or through an entity above them.
"""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_shared_root_field_is_split_across_subgraphs() -> None:
    """Stats has no key: each subgraph's part is fetched from its own root field, in parallel."""
    assert_plan(
        "value_types",
        "{ stats { games viewers } }",
        expected="""
QueryPlan {
  Parallel {
    Fetch(service: "league") {
      {
        stats {
          games
        }
      }
    },
    Fetch(service: "media") {
      {
        stats {
          viewers
        }
      }
    },
  },
}
""",
    )


def test_value_type_field_is_reached_through_the_parent_entity() -> None:
    """Profile has no key: motto is fetched by entering media at the Team above it."""
    assert_plan(
        "value_types",
        "{ teams { profile { name motto } } }",
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "league") {
      {
        teams {
          __typename
          id
          profile {
            name
          }
        }
      }
    },
    Flatten(path: "teams.@") {
      Fetch(service: "media") {
        {
          ... on Team {
            __typename
            id
          }
        } =>
        {
          ... on Team {
            profile {
              motto
            }
          }
        }
      },
    },
  },
}
""",
    )


def test_shared_union_field_returns_only_common_members() -> None:
    """Team.members is served by both subgraphs, so it only returns members both know (Player)."""
    assert_plan(
        "value_types",
        (
            "{ teams { members { ... on Player { number interviews } ... on Coach { since"
            " } ... on Mascot { costume } } } }"
        ),
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "league") {
      {
        teams {
          members {
            __typename
            ... on Player {
              __typename
              id
              number
            }
          }
        }
      }
    },
    Flatten(path: "teams.@.members.@") {
      Fetch(service: "media") {
        {
          ... on Player {
            __typename
            id
          }
        } =>
        {
          ... on Player {
            interviews
          }
        }
      },
    },
  },
}
""",
    )
