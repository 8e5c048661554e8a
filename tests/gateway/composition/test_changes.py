"""Schema changes: every difference between two API schemas, once, with its severity."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from graphql import BreakingChangeType, DangerousChangeType, build_schema, find_schema_changes

from gateway.composition.changes import SchemaChange, Severity, find_changes, group_changes
from gateway.supergraph import Supergraph

BREAKING, DANGEROUS, SAFE = Severity.BREAKING, Severity.DANGEROUS, Severity.SAFE

BASE = '''
"""A course."""
type Course implements Node {
  id: ID!
  """Its title."""
  title: String!
  code: String
  tags: [String!]!
  kind: Kind!
  old: Int @deprecated(reason: "use new")
  sections(first: Int = 10, filter: SectionFilter, after: String!): [Section!]!
}
interface Node { id: ID! }
type Section { id: ID! }
type Lecture { id: ID! }
union Item = Course | Section
enum Kind { LECTURE LAB }
input SectionFilter { name: String, size: Int! = 5, active: Boolean! }
directive @cached(ttl: Int) on FIELD
type Query { course(id: ID!): Course, item: Item }
'''


def changes_after(old: str, new: str) -> list[tuple[Severity, str, str]]:
    """The changes from SDL ``old`` to ``new``, as (severity, code, coordinate).

    Every message must name its coordinate, since reports print the message alone.
    """
    changes = find_changes(build_schema(old), build_schema(new))
    for change in changes:
        assert change.coordinate in change.message, change
    return [(c.severity, c.code, c.coordinate) for c in changes]


def edited(*replacements: tuple[str, str]) -> str:
    """BASE with each (old text, new text) replaced once; the old text must be there."""
    sdl = BASE
    for old, new in replacements:
        assert sdl.count(old) == 1, old
        sdl = sdl.replace(old, new)
    return sdl


def test_identical_schemas_have_no_changes() -> None:
    # given the same SDL twice / when compared / then nothing is reported
    assert changes_after(BASE, BASE) == []


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        pytest.param(
            [("type Lecture { id: ID! }", "")],
            (BREAKING, "TYPE_REMOVED", "Lecture"),
            id="type removed",
        ),
        pytest.param(
            [("  code: String\n", "")],
            (BREAKING, "FIELD_REMOVED", "Course.code"),
            id="field removed",
        ),
        pytest.param(
            [("enum Kind { LECTURE LAB }", "enum Kind { LECTURE }")],
            (BREAKING, "VALUE_REMOVED_FROM_ENUM", "Kind.LAB"),
            id="enum value removed",
        ),
        pytest.param(
            [("union Item = Course | Section", "union Item = Course")],
            (BREAKING, "TYPE_REMOVED_FROM_UNION", "Item"),
            id="union member removed",
        ),
        pytest.param(
            [("type Course implements Node {", "type Course {")],
            (BREAKING, "IMPLEMENTED_INTERFACE_REMOVED", "Course"),
            id="interface removed",
        ),
        pytest.param(
            [("type Lecture { id: ID! }", "input Lecture { id: ID! }")],
            (BREAKING, "TYPE_CHANGED_KIND", "Lecture"),
            id="type changed kind",
        ),
        pytest.param(
            [("  title: String!", "  title: String")],
            (BREAKING, "FIELD_CHANGED_KIND", "Course.title"),
            id="output field made nullable",
        ),
        pytest.param(
            [("  code: String\n", "  code: String!\n")],
            (SAFE, "FIELD_CHANGED_KIND_SAFE", "Course.code"),
            id="output field made non-null",
        ),
        pytest.param(
            [("  tags: [String!]!", "  tags: String!")],
            (BREAKING, "FIELD_CHANGED_KIND", "Course.tags"),
            id="output list made scalar",
        ),
        pytest.param(
            [("filter: SectionFilter,", "filter: SectionFilter!,")],
            (BREAKING, "ARG_CHANGED_KIND", "Course.sections(filter:)"),
            id="argument made non-null",
        ),
        pytest.param(
            [("after: String!)", "after: String)")],
            (SAFE, "ARG_CHANGED_KIND_SAFE", "Course.sections(after:)"),
            id="argument made nullable",
        ),
        pytest.param(
            [("input SectionFilter { name: String,", "input SectionFilter { name: String!,")],
            (BREAKING, "FIELD_CHANGED_KIND", "SectionFilter.name"),
            id="input field made non-null",
        ),
        pytest.param(
            [("active: Boolean! }", "active: Boolean }")],
            (SAFE, "FIELD_CHANGED_KIND_SAFE", "SectionFilter.active"),
            id="input field made nullable",
        ),
        pytest.param(
            [("after: String!)", "after: String!, term: Int!)")],
            (BREAKING, "REQUIRED_ARG_ADDED", "Course.sections(term:)"),
            id="required argument added",
        ),
        pytest.param(
            [("active: Boolean! }", "active: Boolean!, term: Int! }")],
            (BREAKING, "REQUIRED_INPUT_FIELD_ADDED", "SectionFilter.term"),
            id="required input field added",
        ),
        pytest.param(
            [("after: String!)", "after: String!, term: Int)")],
            (SAFE, "OPTIONAL_ARG_ADDED", "Course.sections(term:)"),
            id="optional argument added",
        ),
        pytest.param(
            [("after: String!)", "after: String!, term: Int! = 1)")],
            (SAFE, "OPTIONAL_ARG_ADDED", "Course.sections(term:)"),
            id="non-null argument with a default added",
        ),
        pytest.param(
            [("active: Boolean! }", "active: Boolean!, term: Int }")],
            (SAFE, "OPTIONAL_INPUT_FIELD_ADDED", "SectionFilter.term"),
            id="optional input field added",
        ),
        pytest.param(
            [("enum Kind { LECTURE LAB }", "enum Kind { LECTURE LAB EXAM }")],
            (DANGEROUS, "VALUE_ADDED_TO_ENUM", "Kind.EXAM"),
            id="enum value added",
        ),
        pytest.param(
            [("union Item = Course | Section", "union Item = Course | Section | Lecture")],
            (DANGEROUS, "TYPE_ADDED_TO_UNION", "Item"),
            id="union member added",
        ),
        pytest.param(
            [("type Section { id: ID! }", "type Section implements Node { id: ID! }")],
            (DANGEROUS, "IMPLEMENTED_INTERFACE_ADDED", "Section"),
            id="interface added",
        ),
        pytest.param(
            [("first: Int = 10", "first: Int = 20")],
            (DANGEROUS, "ARG_DEFAULT_VALUE_CHANGE", "Course.sections(first:)"),
            id="argument default changed",
        ),
        pytest.param(
            [("first: Int = 10", "first: Int")],
            (DANGEROUS, "ARG_DEFAULT_VALUE_CHANGE", "Course.sections(first:)"),
            id="nullable argument default removed",
        ),
        pytest.param(
            [("filter: SectionFilter,", 'filter: SectionFilter = {name: "a"},')],
            (DANGEROUS, "ARG_DEFAULT_VALUE_CHANGE", "Course.sections(filter:)"),
            id="nullable argument default added",
        ),
        pytest.param(
            [("size: Int! = 5", "size: Int! = 6")],
            (DANGEROUS, "INPUT_FIELD_DEFAULT_VALUE_CHANGE", "SectionFilter.size"),
            id="input field default changed",
        ),
        pytest.param(
            [("size: Int! = 5", "size: Int!")],
            (BREAKING, "INPUT_FIELD_DEFAULT_VALUE_REMOVED", "SectionFilter.size"),
            id="non-null input field default removed",
        ),
        pytest.param(
            [("after: String!)", 'after: String! = "")')],
            (SAFE, "ARG_DEFAULT_VALUE_ADDED", "Course.sections(after:)"),
            id="required argument given a default",
        ),
        pytest.param(
            [("type Query {", "type Term { id: ID! }\ntype Query {")],
            (SAFE, "TYPE_ADDED", "Term"),
            id="type added",
        ),
        pytest.param(
            [("  code: String\n", "  code: String\n  credits: Int\n")],
            (SAFE, "FIELD_ADDED", "Course.credits"),
            id="field added",
        ),
        pytest.param(
            [('"""Its title."""', '"""The title."""')],
            (SAFE, "DESCRIPTION_CHANGED", "Course.title"),
            id="field description changed",
        ),
        pytest.param(
            [('"""A course."""\n', "")],
            (SAFE, "DESCRIPTION_CHANGED", "Course"),
            id="type description removed",
        ),
        pytest.param(
            [("  code: String\n", '  code: String @deprecated(reason: "use title")\n')],
            (SAFE, "DEPRECATION_ADDED", "Course.code"),
            id="field deprecated",
        ),
        pytest.param(
            [(' @deprecated(reason: "use new")', "")],
            (SAFE, "DEPRECATION_REMOVED", "Course.old"),
            id="deprecation removed",
        ),
        pytest.param(
            [('reason: "use new"', 'reason: "use title"')],
            (SAFE, "DEPRECATION_REASON_CHANGED", "Course.old"),
            id="deprecation reason changed",
        ),
        pytest.param(
            [("enum Kind { LECTURE LAB }", 'enum Kind { LECTURE LAB @deprecated(reason: "x") }')],
            (SAFE, "DEPRECATION_ADDED", "Kind.LAB"),
            id="enum value deprecated",
        ),
        pytest.param(
            [("directive @cached(ttl: Int) on FIELD\n", "")],
            (BREAKING, "DIRECTIVE_REMOVED", "@cached"),
            id="directive removed",
        ),
        pytest.param(
            [("on FIELD\n", "on FIELD | FRAGMENT_SPREAD\n")],
            (SAFE, "DIRECTIVE_LOCATION_ADDED", "@cached"),
            id="directive location added",
        ),
        pytest.param(
            [("@cached(ttl: Int)", "@cached(ttl: Int, scope: String!)")],
            (BREAKING, "REQUIRED_DIRECTIVE_ARG_ADDED", "@cached(scope:)"),
            id="required directive argument added",
        ),
    ],
)
def test_each_kind_of_change_is_classed(
    replacements: list[tuple[str, str]], expected: tuple[Severity, str, str]
) -> None:
    # given BASE and a copy with one edit
    # when the two are compared
    changes = changes_after(BASE, edited(*replacements))
    # then exactly that one change is reported, with its severity and coordinate
    assert changes == [expected]


def test_a_removed_type_is_one_change_not_one_per_field() -> None:
    # given a type with fields, an argument and a member of a union, then removed with it
    new = edited(
        ("type Section { id: ID! }", ""),
        ("union Item = Course | Section", "union Item = Course"),
        ("sections(first: Int = 10, filter: SectionFilter, after: String!): [Section!]!\n", ""),
    )
    # when compared
    changes = changes_after(BASE, new)
    # then the type, the union member and the field are each reported once
    assert changes == [
        (BREAKING, "FIELD_REMOVED", "Course.sections"),
        (BREAKING, "TYPE_REMOVED_FROM_UNION", "Item"),
        (BREAKING, "TYPE_REMOVED", "Section"),
    ]


def test_messages_name_the_coordinate_and_what_happened() -> None:
    # given a removed field and a changed default
    new = edited(("  code: String\n", ""), ("first: Int = 10", "first: Int = 20"))
    # when compared
    changes = find_changes(build_schema(BASE), build_schema(new))
    # then each message reads on its own
    assert [str(c) for c in changes] == [
        "Field Course.code was removed.",
        "Default value of argument Course.sections(first:) changed "
        "from 10 to 20; operations that omit it now get the new behaviour.",
    ]


def test_group_changes_keeps_every_severity_in_order() -> None:
    # given one safe and one breaking change
    new = edited(("  code: String\n", ""), ("type Query {", "type Term { id: ID! }\ntype Query {"))
    changes = find_changes(build_schema(BASE), build_schema(new))
    # when grouped
    groups = group_changes(changes)
    # then breaking, dangerous and safe are keys in that order, each with its changes
    assert list(groups) == [BREAKING, DANGEROUS, SAFE]
    assert [c.coordinate for c in groups[BREAKING]] == ["Course.code"]
    assert groups[DANGEROUS] == []
    assert [c.coordinate for c in groups[SAFE]] == ["Term"]


def test_breaking_and_dangerous_changes_agree_with_graphql_core() -> None:
    # given one schema pair holding many edits at once
    new = edited(
        ("type Lecture { id: ID! }", "input Lecture { id: ID! }"),
        ("  title: String!", "  title: String"),
        ("filter: SectionFilter,", "filter: SectionFilter!,"),
        ("after: String!)", "after: String!, term: Int!, page: Int)"),
        ("enum Kind { LECTURE LAB }", "enum Kind { LECTURE EXAM }"),
        ("union Item = Course | Section", "union Item = Section"),
        ("type Course implements Node {", "type Course {"),
        ("type Section { id: ID! }", "type Section implements Node { id: ID! }"),
        ("first: Int = 10", "first: Int = 20"),
        ("size: Int! = 5", "size: Int! = 6"),
        ("active: Boolean! }", "active: Boolean!, page: Int, year: Int! }"),
        ("  code: String\n", ""),
        ("directive @cached(ttl: Int) on FIELD\n", ""),
    )
    old_schema, new_schema = build_schema(BASE), build_schema(new)
    # when compared here and by graphql-core
    ours = find_changes(old_schema, new_schema)
    theirs = find_schema_changes(old_schema, new_schema)
    # then the breaking and dangerous codes match, except that a new optional
    # argument or input field is safe here (no existing operation sends it)
    reclassified = {"OPTIONAL_ARG_ADDED", "OPTIONAL_INPUT_FIELD_ADDED"}

    def codes(changes: list[SchemaChange], severity: Severity) -> Counter[str]:
        return Counter(c.code for c in changes if c.severity is severity)

    assert codes(ours, BREAKING) == Counter(
        c.type.name for c in theirs if isinstance(c.type, BreakingChangeType)
    )
    assert codes(ours, DANGEROUS) == Counter(
        c.type.name
        for c in theirs
        if isinstance(c.type, DangerousChangeType) and c.type.name not in reclassified
    )
    assert {c.code for c in ours if c.code in reclassified} == reclassified
    assert all(c.severity is SAFE for c in ours if c.code in reclassified)
    # and no element is reported twice for the same kind of change
    assert len({(c.code, c.coordinate, c.message) for c in ours}) == len(ours)


def test_the_project_supergraph_has_no_changes_against_itself() -> None:
    # given the committed supergraph's API schema, loaded twice
    sdl = (Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql").read_text()
    old, new = Supergraph.parse(sdl).api_schema, Supergraph.parse(sdl).api_schema
    # when compared
    # then no change is found (two loads of one supergraph never differ)
    assert find_changes(old, new) == []
