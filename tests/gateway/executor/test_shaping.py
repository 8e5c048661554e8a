"""Response shaping and merging, on hand-written plans over canned subgraph answers.

Given a plan and what each subgraph answers, when the executor runs the
client's operation, then the response follows the GraphQL spec: only the
fields asked for, under their response names, nulls propagated to the
nearest nullable position, and an error wherever a value is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import build_schema, get_operation_ast, parse
from graphql.execution.values import get_variable_values

from gateway.executor import Executor
from gateway.planner.plan import FetchNode, FlattenNode, PlanNode, QueryPlan, SequenceNode
from gateway.transport import SubgraphRequest, SubgraphResponse

SCHEMA = build_schema(
    """
    type Query {
      user: User
      users: [User!]
      strictUsers: [User!]!
      pets: [Pet]
      grid: [[Int!]]
    }
    type User { id: ID! name: String! nick: String status: Status age: Int }
    enum Status { ACTIVE INACTIVE }
    interface Pet { name: String! }
    type Dog implements Pet { name: String! barks: Boolean }
    type Cat implements Pet { name: String! lives: Int }
    """
)

Answer = Callable[[SubgraphRequest], dict[str, Any]]


class CannedTransport:
    """A transport answering from a function of the request; records what it was sent."""

    def __init__(self, name: str, answer: Answer) -> None:
        self.name = name
        self.answer = answer
        self.requests: list[SubgraphRequest] = []

    async def send(self, request: SubgraphRequest) -> SubgraphResponse:
        self.requests.append(request)
        body = self.answer(request)
        return SubgraphResponse(data=body.get("data"), errors=list(body.get("errors", [])))

    async def close(self) -> None:
        return None


def root_fetch(operation: str = "{ ... }", service: str = "one") -> FetchNode:
    return FetchNode(service_name=service, operation=operation)


async def execute(
    query: str,
    node: PlanNode | None,
    answers: Mapping[str, Answer],
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> dict[str, Any]:
    document = parse(query)
    operation = get_operation_ast(document, operation_name)
    assert operation is not None
    coerced = get_variable_values(
        SCHEMA, operation.variable_definitions or (), dict(variables or {})
    )
    assert not isinstance(coerced, list)
    transports = {name: CannedTransport(name, answer) for name, answer in answers.items()}
    result = await Executor(SCHEMA, transports).execute(
        QueryPlan(node=node),
        document,
        operation_name=operation_name,
        variables=coerced.coerced,
    )
    return result.to_dict()


def data(value: dict[str, Any]) -> Answer:
    return lambda _request: {"data": value}


async def test_null_for_a_non_null_field_nulls_the_parent_with_an_error() -> None:
    result = await execute(
        "{ user { id name } }",
        root_fetch(),
        {"one": data({"user": {"id": "1", "name": None}})},
    )
    assert result == {
        "errors": [
            {
                "message": "Cannot return null for non-nullable field User.name.",
                "locations": [{"line": 1, "column": 13}],
                "path": ["user", "name"],
            }
        ],
        "data": {"user": None},
    }


async def test_null_item_of_a_list_of_non_null_nulls_the_list() -> None:
    result = await execute(
        "{ users { id } strictUsers { id } }",
        root_fetch(),
        {"one": data({"users": [{"id": "1"}, None], "strictUsers": [{"id": "2"}]})},
    )
    assert result["data"] == {"users": None, "strictUsers": [{"id": "2"}]}
    assert [(e["message"], e["path"]) for e in result["errors"]] == [
        ("Cannot return null for non-nullable array element of type User at index 1.", ["users", 1])
    ]


async def test_null_reaching_a_non_null_root_field_nulls_data() -> None:
    result = await execute(
        "{ user { id } strictUsers { id name } }",
        root_fetch(),
        {"one": data({"user": {"id": "1"}, "strictUsers": [{"id": "2", "name": None}]})},
    )
    assert result["data"] is None
    assert [e["path"] for e in result["errors"]] == [["strictUsers", 0, "name"]]


async def test_nested_lists_and_nullable_items() -> None:
    result = await execute(
        "{ grid }", root_fetch(), {"one": data({"grid": [[1, 2], None, [3, None]]})}
    )
    assert result["data"] == {"grid": [[1, 2], None, None]}
    assert [e["path"] for e in result["errors"]] == [["grid", 2, 1]]


async def test_an_error_already_reported_is_not_reported_again() -> None:
    answer = {
        "data": {"user": None},
        "errors": [{"message": "boom", "path": ["user", "name"]}],
    }
    result = await execute("{ user { name } }", root_fetch(), {"one": lambda _r: answer})
    assert result == {
        "errors": [
            {
                "message": "boom",
                "path": ["user", "name"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "one"},
            }
        ],
        "data": {"user": None},
    }


async def test_unknown_enum_value_is_an_error_on_that_field() -> None:
    result = await execute(
        "{ user { status } }", root_fetch(), {"one": data({"user": {"status": "HIDDEN"}})}
    )
    assert result["data"] == {"user": {"status": None}}
    assert [(e["message"], e["path"]) for e in result["errors"]] == [
        ("Invalid value found for field User.status.", ["user", "status"])
    ]


async def test_scalar_of_the_wrong_kind_is_an_error() -> None:
    result = await execute(
        "{ user { age nick } }", root_fetch(), {"one": data({"user": {"age": "old", "nick": "x"}})}
    )
    assert result["data"] == {"user": {"age": None, "nick": "x"}}
    assert result["errors"][0]["path"] == ["user", "age"]


async def test_only_requested_fields_under_their_response_names() -> None:
    result = await execute(
        "{ who: user { handle: nick id } }",
        root_fetch(),
        {"one": data({"who": {"__typename": "User", "id": "1", "handle": "n", "name": "x"}})},
    )
    assert result == {"data": {"who": {"handle": "n", "id": "1"}}}


async def test_abstract_types_use_the_typename_for_fragments() -> None:
    result = await execute(
        "{ pets { name kind: __typename ... on Dog { barks } ... on Cat { lives } } }",
        root_fetch(),
        {
            "one": data(
                {
                    "pets": [
                        {"__typename": "Dog", "name": "Rex", "barks": True},
                        None,
                        {"__typename": "Cat", "name": "Tom", "lives": 9},
                    ]
                }
            )
        },
    )
    assert result == {
        "data": {
            "pets": [
                {"name": "Rex", "kind": "Dog", "barks": True},
                None,
                {"name": "Tom", "kind": "Cat", "lives": 9},
            ]
        }
    }


async def test_typename_unknown_to_the_api_schema_is_an_error() -> None:
    result = await execute(
        "{ pets { name } }",
        root_fetch(),
        {
            "one": data(
                {
                    "pets": [
                        {"__typename": "Hidden", "name": "x"},
                        {"__typename": "Dog", "name": "y"},
                    ]
                }
            )
        },
    )
    assert result["data"] == {"pets": [None, {"name": "y"}]}
    assert [(e["message"], e["path"]) for e in result["errors"]] == [
        ("Invalid __typename found for object at field Query.pets.", ["pets", 0])
    ]


async def test_skip_and_include_with_variables_and_fragments() -> None:
    query = """
      query ($skipName: Boolean!, $withNick: Boolean!) {
        user {
          name @skip(if: $skipName)
          ... @include(if: $withNick) { nick }
          id @include(if: true)
        }
      }
    """
    answer = data({"user": {"name": "A", "nick": "a", "id": "1"}})
    first = await execute(
        query, root_fetch(), {"one": answer}, {"skipName": True, "withNick": True}
    )
    second = await execute(
        query, root_fetch(), {"one": answer}, {"skipName": False, "withNick": False}
    )
    assert first == {"data": {"user": {"nick": "a", "id": "1"}}}
    assert second == {"data": {"user": {"name": "A", "id": "1"}}}


async def test_root_typename_needs_no_fetch() -> None:
    result = await execute("{ __typename t: __typename }", None, {})
    assert result == {"data": {"__typename": "Query", "t": "Query"}}


async def test_unknown_operation_name_is_an_error() -> None:
    document = parse("query A { user { id } }")
    result = await Executor(SCHEMA, {}).execute(
        QueryPlan(node=None), document, operation_name="B", variables={}
    )
    assert result.data is None
    assert result.errors == [{"message": "the document has no operation named 'B'"}]


def _entity_fetch(**extra: Any) -> FetchNode:
    return FetchNode(
        service_name="two",
        operation=(
            "query($representations:[_Any!]!)"
            "{_entities(representations:$representations){...on User{nick}}}"
        ),
        requires=(
            {
                "kind": "InlineFragment",
                "typeCondition": "User",
                "selections": [
                    {"kind": "Field", "name": "__typename"},
                    {"kind": "Field", "name": "id"},
                ],
            },
        ),
        **extra,
    )


async def test_entities_of_the_wrong_length_are_an_error_with_partial_data() -> None:
    plan = SequenceNode(
        nodes=(root_fetch(), FlattenNode(path=("users", "@"), node=_entity_fetch()))
    )
    result = await execute(
        "{ users { id nick } }",
        plan,
        {
            "one": data(
                {"users": [{"__typename": "User", "id": "1"}, {"__typename": "User", "id": "2"}]}
            ),
            "two": data({"_entities": [{"nick": "x"}]}),
        },
    )
    assert result["data"] == {"users": [{"id": "1", "nick": None}, {"id": "2", "nick": None}]}
    (error,) = result["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "serviceName": "two"}
    assert "2 entities" in error["message"]


async def test_rewrites_rename_keys_and_set_typenames() -> None:
    renamer = {
        "kind": "KeyRenamer",
        "path": ["... on User", "nick__alias_0"],
        "renameKeyTo": "nick",
    }
    setter = {"kind": "ValueSetter", "path": ["... on User", "__typename"], "setValueTo": "Account"}
    fetch = _entity_fetch(input_rewrites=(setter,), output_rewrites=(renamer,))
    plan = SequenceNode(nodes=(root_fetch(), FlattenNode(path=("user",), node=fetch)))
    sent: list[Any] = []

    def entities(request: SubgraphRequest) -> dict[str, Any]:
        sent.append(request.variables["representations"])
        return {"data": {"_entities": [{"__typename": "User", "nick__alias_0": "n"}]}}

    result = await execute(
        "{ user { id nick } }",
        plan,
        {"one": data({"user": {"__typename": "User", "id": "1"}}), "two": entities},
    )
    assert result == {"data": {"user": {"id": "1", "nick": "n"}}}
    assert sent == [[{"__typename": "Account", "id": "1"}]]


async def test_entity_errors_reach_every_object_of_a_shared_representation() -> None:
    plan = SequenceNode(
        nodes=(root_fetch(), FlattenNode(path=("users", "@"), node=_entity_fetch()))
    )
    answer = {
        "data": {"_entities": [None]},
        "errors": [
            {"message": "no nick", "path": ["_entities", 0, "nick"], "extensions": {"code": "X"}}
        ],
    }
    result = await execute(
        "{ users { id nick } }",
        plan,
        {
            "one": data(
                {"users": [{"__typename": "User", "id": "1"}, {"__typename": "User", "id": "1"}]}
            ),
            "two": lambda _r: answer,
        },
    )
    assert result["data"] == {"users": [{"id": "1", "nick": None}, {"id": "1", "nick": None}]}
    assert [(e["path"], e["extensions"]) for e in result["errors"]] == [
        (["users", 0, "nick"], {"code": "X", "serviceName": "two"}),
        (["users", 1, "nick"], {"code": "X", "serviceName": "two"}),
    ]
