"""Running query plans against the subgraphs and shaping the client's response.

Plans run as Apollo Gateway runs them: ``Sequence`` in order, ``Parallel``
at once, ``Condition`` by its boolean variable, ``Fetch`` at the root, and
``Flatten`` over every object at its path: representations built from
``requires`` (input rewrites applied), identical ones sent once, in ONE
``_entities`` request, each answer merged into every object it came from
(output rewrites applied). Subgraph errors are re-pathed into the client's
response; a failed fetch leaves partial data and one error. Identical queries
in flight at the same time (same subgraph, operation, variables, forwarded
headers) share one request; mutations never do. An object the gateway's
``_node`` subgraph marked as one that must exist becomes null, with
``NOT_FOUND``, when its owner's entity fetch answers null for it
(:mod:`gateway.executor.existence`).

``execute`` never raises: every failure becomes an error in the result.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.executor.bounded_cache import BoundedCache
from gateway.executor.errors import fetch_failure, internal_error, subgraph_error
from gateway.executor.existence import MUST_EXIST, explained_entities, remove_missing
from gateway.executor.inflight import InflightRequests
from gateway.executor.introspection import introspect
from gateway.executor.json_values import copy_json, deep_merge
from gateway.executor.operation_shape import OperationShape, find_operation
from gateway.executor.representations import (
    RequiredSelection,
    build_representation,
    compile_requires,
)
from gateway.executor.response_path import FlattenPath, compile_path
from gateway.executor.result import GatewayResult
from gateway.executor.rewrites import Rewrite, apply_rewrites, compile_rewrites
from gateway.executor.schema_types import SchemaTypes
from gateway.executor.shaping import ResponseShaper
from gateway.planner.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)
from gateway.transport.errors import TransportError
from gateway.transport.request import SubgraphRequest, SubgraphResponse

if TYPE_CHECKING:
    from graphql import DocumentNode, GraphQLSchema

    from gateway.executor.operation_shape import FieldShape
    from gateway.transport.protocol import Transport

__all__ = ["Executor"]

logger = logging.getLogger(__name__)

_NO_HEADERS: Mapping[str, str] = {}
_INTERNAL = "Internal error while executing the operation; see the gateway's logs."


@dataclass(frozen=True, slots=True)
class _CompiledFetch:
    node: FetchNode
    requires: tuple[RequiredSelection, ...] | None
    input_rewrites: tuple[Rewrite, ...]
    output_rewrites: tuple[Rewrite, ...]
    shareable: bool


class Executor:
    """Executes query plans over ``transports`` (subgraph name → transport).

    ``api_schema`` is the schema clients see (the supergraph minus
    ``@inaccessible``). With ``deduplicate`` (the default), identical queries
    in flight at once share one subgraph request. Compiled operations and
    fetches are cached (``cache_size`` entries each).
    """

    def __init__(
        self,
        api_schema: GraphQLSchema,
        transports: Mapping[str, Transport],
        *,
        deduplicate: bool = True,
        cache_size: int = 1024,
    ) -> None:
        self.api_schema = api_schema
        self.transports = dict(transports)
        self.types = SchemaTypes(api_schema)
        self.deduplicate = deduplicate
        self._inflight = InflightRequests()
        self._operations: BoundedCache[tuple[int, str | None], OperationShape] = BoundedCache(
            cache_size
        )
        self._fetches: BoundedCache[int, _CompiledFetch] = BoundedCache(cache_size * 4)
        self._paths: dict[tuple[str, ...], FlattenPath] = {}

    async def execute(
        self,
        plan: QueryPlan,
        document: DocumentNode,
        *,
        operation_name: str | None,
        variables: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> GatewayResult:
        """Run ``plan`` for the operation ``operation_name`` of ``document``.

        ``variables`` are the operation's coerced variable values; ``headers``
        are forwarded to every subgraph request.
        """
        try:
            operation = self._operation(document, operation_name)
        except ValueError as exc:
            return GatewayResult(data=None, errors=[{"message": str(exc)}])
        run = _Run(self, variables, headers or _NO_HEADERS, operation)
        try:
            if plan.node is not None:
                await run.node(plan.node)
            return run.result()
        except Exception:
            logger.exception("executing operation %s failed", operation_name or "<anonymous>")
            return GatewayResult(
                data=None,
                errors=[
                    *run.errors,
                    internal_error("Internal error while executing the operation."),
                ],
            )

    # -- caches ------------------------------------------------------------------
    def _operation(self, document: DocumentNode, operation_name: str | None) -> OperationShape:
        key = (id(document), operation_name)
        shape = self._operations.get(key)
        if shape is None or shape.document is not document:
            shape = OperationShape(document, find_operation(document, operation_name), self.types)
            self._operations.put(key, shape)
        return shape

    def compiled(self, fetch: FetchNode) -> _CompiledFetch:
        key = id(fetch)
        compiled = self._fetches.get(key)
        if compiled is None or compiled.node is not fetch:
            compiled = _CompiledFetch(
                node=fetch,
                requires=None if fetch.requires is None else compile_requires(fetch.requires),
                input_rewrites=compile_rewrites(fetch.input_rewrites),
                output_rewrites=compile_rewrites(fetch.output_rewrites),
                shareable=self.deduplicate and fetch.operation_kind == "query",
            )
            self._fetches.put(key, compiled)
        return compiled

    def path(self, path: tuple[str, ...]) -> FlattenPath:
        compiled = self._paths.get(path)
        if compiled is None:
            if len(self._paths) > 4096:
                self._paths.clear()
            compiled = self._paths[path] = compile_path(path)
        return compiled

    async def send(
        self, compiled: _CompiledFetch, request: SubgraphRequest, headers_key: tuple[Any, ...]
    ) -> SubgraphResponse:
        fetch = compiled.node
        transport = self.transports.get(fetch.service_name)
        if transport is None:
            raise TransportError(
                f"No transport for subgraph {fetch.service_name!r}; "
                "configure one for every subgraph of the supergraph.",
                subgraph=fetch.service_name,
                code="INTERNAL_SERVER_ERROR",
            )
        if not compiled.shareable:
            return await transport.send(request)
        key = (
            fetch.service_name,
            fetch.operation,
            fetch.operation_name,
            repr(request.variables),
            headers_key,
        )
        return await self._inflight.send(key, lambda: transport.send(request))


_PER_REQUEST_HEADERS = frozenset(
    {"x-request-id", "traceparent", "tracestate", "user-agent", "x-forwarded-for"}
)
"""Headers unique to each client request, left out of the deduplication key: two
identical requests of the same credentials share one subgraph request, which carries
the first one's request id, trace context and client address (queries only:
mutations, where the client's address is recorded, are never shared)."""


class _Run:
    """The state of one execution: the merged data and the errors so far."""

    __slots__ = (
        "data",
        "errors",
        "executor",
        "headers",
        "headers_key",
        "operation",
        "types",
        "variables",
    )

    def __init__(
        self,
        executor: Executor,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        operation: OperationShape,
    ) -> None:
        self.executor = executor
        self.types = executor.types
        self.variables = variables
        self.headers = headers
        self.headers_key = tuple(
            item for item in headers.items() if item[0].lower() not in _PER_REQUEST_HEADERS
        )
        self.operation = operation
        self.data: dict[str, Any] = {}
        self.errors: list[dict[str, Any]] = []

    async def node(self, node: PlanNode) -> None:
        if isinstance(node, FetchNode):
            await self.fetch(node, None)
        elif isinstance(node, FlattenNode):
            await self.fetch(node.node, self.executor.path(node.path))
        elif isinstance(node, SequenceNode):
            for child in node.nodes:
                await self.node(child)
        elif isinstance(node, ParallelNode):
            await asyncio.gather(*(self.node(child) for child in node.nodes))
        elif isinstance(node, ConditionNode):
            branch = (
                node.if_clause if self.variables.get(node.condition) is True else node.else_clause
            )
            if branch is not None:
                await self.node(branch)
        else:
            raise TypeError(f"unknown plan node {type(node).__name__}")

    async def fetch(self, fetch: FetchNode, path: FlattenPath | None) -> None:
        service = fetch.service_name
        try:
            compiled = self.executor.compiled(fetch)
            if compiled.requires is None:
                await self._root_fetch(compiled, path)
            else:
                await self._entity_fetch(compiled, compiled.requires, path)
        except TransportError as exc:
            self.errors.append(fetch_failure(exc, service=service))
        except _InvalidAnswer as exc:
            self.errors.append(internal_error(str(exc), service=service))
        except Exception:
            logger.exception("fetch from subgraph %s failed", service)
            self.errors.append(
                internal_error(
                    f"Internal error while fetching from subgraph {service!r}.", service=service
                )
            )

    def _variables(self, fetch: FetchNode) -> dict[str, Any]:
        variables = self.variables
        return {name: variables[name] for name in fetch.variable_usages if name in variables}

    def _request(self, fetch: FetchNode, variables: dict[str, Any]) -> SubgraphRequest:
        return SubgraphRequest(
            query=fetch.operation,
            variables=variables,
            operation_name=fetch.operation_name,
            headers=self.headers,
        )

    async def _root_fetch(self, compiled: _CompiledFetch, path: FlattenPath | None) -> None:
        fetch = compiled.node
        targets = [self.data] if path is None else path.objects(self.data, self.types)
        if not targets:
            return
        request = self._request(fetch, self._variables(fetch))
        response = await self.executor.send(compiled, request, self.headers_key)
        service = fetch.service_name
        for error in response.errors:
            error_path = error.get("path")
            self.errors.append(
                subgraph_error(
                    error,
                    service=service,
                    path=list(error_path) if isinstance(error_path, list) else None,
                )
            )
        data = response.data
        if data is None:
            return
        if compiled.output_rewrites:
            apply_rewrites(compiled.output_rewrites, data, self.types)
        object_names = self.types.object_names
        deep_merge(targets[0], data, object_names)
        for target in targets[1:]:
            deep_merge(target, copy_json(data), object_names)

    async def _entity_fetch(
        self,
        compiled: _CompiledFetch,
        requires: tuple[RequiredSelection, ...],
        path: FlattenPath | None,
    ) -> None:
        fetch = compiled.node
        types = self.types
        objects = [self.data] if path is None else path.objects(self.data, types)
        representations: list[dict[str, Any]] = []
        sources: list[list[dict[str, Any]]] = []
        seen: dict[str, int] = {}
        input_rewrites = compiled.input_rewrites
        for obj in objects:
            representation = build_representation(obj, requires, types)
            if representation is None or not representation.get("__typename"):
                continue
            if input_rewrites:
                apply_rewrites(input_rewrites, representation, types)
            key = repr(representation)
            index = seen.get(key)
            if index is None:
                seen[key] = len(representations)
                representations.append(representation)
                sources.append([obj])
            else:
                sources[index].append(obj)
        if not representations:
            return
        variables = self._variables(fetch)
        variables["representations"] = representations
        response = await self.executor.send(
            compiled, self._request(fetch, variables), self.headers_key
        )
        service = fetch.service_name
        if response.errors:
            self._entity_errors(response.errors, service, sources, path)
        data = response.data
        if data is None:
            return
        entities = data.get("_entities")
        if type(entities) is not list or len(entities) != len(representations):
            raise _InvalidAnswer(
                f"Subgraph {service!r} answered an entity fetch without a list of "
                f"{len(representations)} entities in data._entities; "
                "check its _entities resolver (one answer per representation, in order)."
            )
        object_names = types.object_names
        output_rewrites = compiled.output_rewrites
        for index, (entity, targets) in enumerate(zip(entities, sources, strict=True)):
            if type(entity) is not dict:
                if entity is None and MUST_EXIST in targets[0]:
                    self._remove_missing(targets, index, response.errors, path)
                continue
            if output_rewrites:
                apply_rewrites(output_rewrites, entity, types)
            deep_merge(targets[0], entity, object_names)
            for target in targets[1:]:
                deep_merge(target, copy_json(entity), object_names)

    def _remove_missing(
        self,
        targets: list[dict[str, Any]],
        index: int,
        errors: list[dict[str, Any]],
        path: FlattenPath | None,
    ) -> None:
        """Objects that must exist (see :mod:`gateway.executor.existence`) but whose
        entity came back null: null them, with ``NOT_FOUND`` unless an error explains it."""
        explained = explained_entities(errors)
        self.errors.extend(
            remove_missing(
                self.data,
                targets,
                self._locate(path),
                explained=explained is None or index in explained,
            )
        )

    def _entity_errors(
        self,
        errors: list[dict[str, Any]],
        service: str,
        sources: list[list[dict[str, Any]]],
        path: FlattenPath | None,
    ) -> None:
        located: dict[int, list[list[str | int]]] | None = None
        for error in errors:
            error_path = error.get("path")
            if (
                isinstance(error_path, list)
                and len(error_path) >= 2
                and error_path[0] == "_entities"
                and type(error_path[1]) is int
                and 0 <= error_path[1] < len(sources)
            ):
                if located is None:
                    located = (
                        path.locate(self.data, self.types)
                        if path is not None
                        else {id(self.data): [[]]}
                    )
                rest = list(error_path[2:])
                paths = [
                    found + rest
                    for obj in sources[error_path[1]]
                    for found in located.get(id(obj), ())
                ]
                if paths:
                    for entity_path in paths:
                        self.errors.append(subgraph_error(error, service=service, path=entity_path))
                    continue
            self.errors.append(subgraph_error(error, service=service, path=None))

    def _locate(self, path: FlattenPath | None) -> dict[int, list[list[str | int]]]:
        if path is None:
            return {id(self.data): [[]]}
        return path.locate(self.data, self.types)

    def result(self) -> GatewayResult:
        executor = self.executor
        operation = self.operation

        def answer(fields: tuple[FieldShape, ...]) -> dict[str, Any]:
            data, errors = introspect(executor.api_schema, operation, fields, self.variables)
            self.errors.extend(errors)
            return data

        shaper = ResponseShaper(operation, self.variables, introspect=answer)
        data = shaper.shape(self.data)
        errors = self.errors
        if shaper.errors:
            errors.extend(_uncovered(shaper.errors, errors))
        return GatewayResult(data=data, errors=errors)


class _InvalidAnswer(Exception):
    """A subgraph answered, but not as the plan requires."""


def _uncovered(
    shaping: list[dict[str, Any]], fetching: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The shaping errors not explained by a fetch error.

    A fetch error explains a null at, above or below its path, and a null in
    the same object as its path (a subgraph that nulls an entity or its whole
    ``data`` for one failing non-null field also drops that object's other
    fields). A fetch error without a path (a failed fetch) explains them all,
    as in Apollo Gateway, which reports one error per problem, not one per null.
    """
    if not fetching:
        return shaping
    exact: set[tuple[Any, ...]] = set()
    prefixes: set[tuple[Any, ...]] = set()
    for error in fetching:
        error_path = error.get("path")
        if not isinstance(error_path, list):
            return []
        key = tuple(error_path)
        exact.add(key)
        for end in range(len(key) + 1):
            prefixes.add(key[:end])
    kept = []
    for error in shaping:
        key = tuple(error["path"])
        if (
            key in prefixes
            or (key and key[:-1] in prefixes)
            or any(key[:end] in exact for end in range(len(key)))
        ):
            continue
        kept.append(error)
    return kept
