"""``@override``, including progressive override labels."""

from __future__ import annotations

from tests.gateway.planner.plans import assert_plan


def test_overridden_field_comes_from_the_new_subgraph() -> None:
    """title moved to courses; credits' override has a label not enabled, so it stays in legacy."""
    assert_plan(
        "override",
        '{ course(id: "1") { title credits syllabus } }',
        expected="""
QueryPlan {
  Sequence {
    Fetch(service: "legacy") {
      {
        course(id: "1") {
          __typename
          id
          credits
          syllabus
        }
      }
    },
    Flatten(path: "course") {
      Fetch(service: "courses") {
        {
          ... on Course {
            __typename
            id
          }
        } =>
        {
          ... on Course {
            title
          }
        }
      },
    },
  },
}
""",
    )
