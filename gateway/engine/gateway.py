"""The gateway's request pipeline: from a GraphQL request to a GraphQL response.

``Gateway.execute`` runs, for every request: parse (cached by query text) →
validate against the API schema (cached with the parse) → resolve the
operation → refuse a mutation over ``GET`` → coerce the variables → plan
(cached by query text and operation name) → execute the plan over the
subgraphs. Every failure before execution is a GraphQL error with
``extensions.code`` (see :class:`~gateway.engine.codes.ErrorCode`); a failing
subgraph gives partial data and errors, never an exception.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import OperationDefinitionNode, OperationType
from graphql.execution.values import get_variable_values

from gateway.engine.codes import ErrorCode
from gateway.engine.documents import DocumentCache
from gateway.engine.errors import GatewayConfigError
from gateway.engine.forwarding import subgraph_headers
from gateway.engine.operation_metrics import OperationMetrics
from gateway.engine.request import GatewayResponse, GraphQLRequest, Outcome
from gateway.executor import Executor
from gateway.node import NODE_SUBGRAPH
from gateway.node import relay_node as node_support
from gateway.planner import PlanCache, PlanningError, QueryPlanner
from gateway.supergraph import Supergraph
from gateway.transport import HttpTransport, SubgraphRequest, create_http_client
from shared.observability import MetricsRegistry, default_metrics

if TYPE_CHECKING:
    from gateway.transport import Transport
    from shared.config import Settings

__all__ = [
    "HEALTH_CHECK_QUERY",
    "QUERY_PLAN_HEADER",
    "READINESS_TIMEOUT",
    "Gateway",
    "load_supergraph",
    "resolve_relay_node",
]

logger = logging.getLogger(__name__)

QUERY_PLAN_HEADER = "x-lms-query-plan"
"""Request header asking for the query plan in ``extensions.queryPlan`` (development only)."""

HEALTH_CHECK_QUERY = "query __ApolloServiceHealthCheck__ { __typename }"
"""The query readiness checks send to every subgraph (Apollo Gateway's)."""

READINESS_TIMEOUT = 2.0
"""Longest wait, in seconds, for one subgraph's answer to a readiness check."""

_NO_VARIABLES: dict[str, Any] = {}


class Gateway:
    """Serves the API schema of ``supergraph`` by planning and executing over ``transports``.

    ``transports`` maps every subgraph name to the transport reaching it. With
    ``development`` on, a request carrying ``x-lms-query-plan: true`` gets its
    query plan in ``extensions.queryPlan``. ``plan_cache_size`` bounds both the
    plan cache and the cache of parsed documents. Operations are counted and
    timed in ``metrics`` (default: the process-wide registry). With ``relay_node``
    on, the API schema gains Relay's ``node(id:)``, ``nodes(ids:)`` and ``Node``
    (see :mod:`gateway.node`); they stay off, with a warning, for a supergraph
    that defines them itself.
    """

    def __init__(
        self,
        supergraph: Supergraph,
        transports: Mapping[str, Transport],
        *,
        plan_cache_size: int = 1000,
        deduplicate: bool = True,
        development: bool = False,
        readiness_timeout: float = READINESS_TIMEOUT,
        metrics: MetricsRegistry | None = None,
        on_close: Callable[[], Awaitable[None]] | None = None,
        relay_node: bool = False,
    ) -> None:
        missing = sorted(set(supergraph.subgraphs) - set(transports))
        if missing:
            raise GatewayConfigError(f"no transport for subgraph {missing[0]}")
        planner = QueryPlanner(supergraph)
        node = node_support(supergraph, transports) if relay_node else None
        if node is not None:
            supergraph, transports, planner = node.supergraph, node.transports, node.planner
        self.relay_node = node is not None
        """Whether ``node``/``nodes`` are served (asked for, and the supergraph allows)."""
        self.supergraph = supergraph
        self.schema = supergraph.api_schema
        self.transports = dict(transports)
        self.development = development
        self._documents = DocumentCache(self.schema, size=plan_cache_size)
        self._plans = PlanCache(planner, plan_cache_size)
        self._executor = Executor(
            self.schema, self.transports, deduplicate=deduplicate, cache_size=plan_cache_size
        )
        self.readiness_timeout = readiness_timeout
        self._metrics = OperationMetrics(
            metrics if metrics is not None else default_metrics(), service="gateway"
        )
        self._on_close = on_close

    # -- construction ------------------------------------------------------------
    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        supergraph_path: Path | str,
        *,
        relay_node_default: bool = False,
    ) -> Gateway:
        """A gateway on the supergraph file at ``supergraph_path``, reaching subgraphs over HTTP.

        Subgraph URLs come from the supergraph, replaced by those in
        ``settings.gateway_subgraph_urls``. Every transport shares one pooled
        HTTP client, closed by :meth:`close`. Raises :class:`GatewayConfigError`
        (one line) for a missing or invalid file or an unknown subgraph name.
        ``node``/``nodes`` are served as ``settings.gateway_relay_node`` says, or
        when it is unset, as ``relay_node_default`` says (on for the platform's
        own gateway, off for ``lms gateway``).
        """
        supergraph = load_supergraph(settings, supergraph_path)
        timeout = settings.gateway_subgraph_timeout
        client = create_http_client(timeout=timeout)
        transports: dict[str, Transport] = {
            name: HttpTransport(name, info.url, timeout=timeout, client=client)
            for name, info in supergraph.subgraphs.items()
        }
        return cls(
            supergraph,
            transports,
            plan_cache_size=settings.gateway_plan_cache_size,
            deduplicate=settings.gateway_deduplicate,
            development=settings.is_development,
            readiness_timeout=min(READINESS_TIMEOUT, timeout),
            on_close=client.aclose,
            relay_node=resolve_relay_node(settings, default=relay_node_default),
        )

    async def close(self) -> None:
        """Close the transports and release the connections to the subgraphs."""
        on_close, self._on_close = self._on_close, None
        try:
            await asyncio.gather(*(t.close() for t in self.transports.values()))
        finally:
            if on_close is not None:
                await on_close()

    # -- requests ----------------------------------------------------------------
    async def execute(
        self,
        request: GraphQLRequest,
        *,
        headers: Mapping[str, str],
        method: str = "POST",
        peer: str | None = None,
    ) -> GatewayResponse:
        """Answer ``request``; ``headers`` are the client's HTTP headers, ``method`` its verb.

        ``peer`` is the address the request came from (appended to the
        ``x-forwarded-for`` the subgraphs receive).
        """
        started = time.perf_counter()
        response, operation = await self._answer(request, headers, method, peer)
        if operation is None:
            operation_type, operation_name = "unknown", request.operation_name
        else:
            operation_type = operation.operation.value
            operation_name = operation.name.value if operation.name else None
        self._metrics.record(
            operation_type=operation_type,
            operation_name=operation_name,
            failed=response.outcome is not Outcome.EXECUTED or bool(response.body.get("errors")),
            seconds=time.perf_counter() - started,
        )
        return response

    async def _answer(
        self, request: GraphQLRequest, headers: Mapping[str, str], method: str, peer: str | None
    ) -> tuple[GatewayResponse, OperationDefinitionNode | None]:
        prepared = self._documents.get(request.query)
        document = prepared.document
        if document is None:
            return GatewayResponse({"errors": list(prepared.errors)}, Outcome.REQUEST_ERROR), None
        operation = prepared.operation(request.operation_name)
        if isinstance(operation, str):
            failure = GatewayResponse.error(
                operation,
                code=ErrorCode.OPERATION_RESOLUTION_FAILURE,
                outcome=Outcome.REQUEST_ERROR,
            )
            return failure, None
        if method == "GET" and operation.operation is OperationType.MUTATION:
            refusal = GatewayResponse.error(
                "Can only perform a mutation operation from a POST request.",
                code=ErrorCode.BAD_REQUEST,
                outcome=Outcome.METHOD_NOT_ALLOWED,
                headers={"Allow": "POST"},
            )
            return refusal, operation

        if operation.variable_definitions:
            coerced = get_variable_values(
                self.schema, operation.variable_definitions, dict(request.variables or {})
            )
            if isinstance(coerced, list):
                errors = [_user_input_error(e.formatted) for e in coerced]
                return GatewayResponse({"errors": errors}, Outcome.REQUEST_ERROR), operation
            variables: dict[str, Any] = coerced.coerced
        else:
            variables = _NO_VARIABLES

        operation_name = operation.name.value if operation.name else None
        try:
            plan = self._plans.get_or_plan(request.query, document, operation_name)
        except PlanningError as exc:
            error = {"message": str(exc), "extensions": {"code": exc.code}}
            return GatewayResponse({"errors": [error]}, Outcome.REQUEST_ERROR), operation
        except Exception:
            logger.exception("planning failed for operation %s", operation_name or "<anonymous>")
            failure = GatewayResponse.error(
                "The operation could not be planned; the gateway's log has the details.",
                code=ErrorCode.QUERY_PLANNING_FAILED,
                outcome=Outcome.SERVER_ERROR,
            )
            return failure, operation

        try:
            result = await self._executor.execute(
                plan,
                document,
                operation_name=operation_name,
                variables=variables,
                headers=subgraph_headers(headers, peer=peer),
            )
        except Exception:
            logger.exception("execution failed for operation %s", operation_name or "<anonymous>")
            failure = GatewayResponse.error(
                "Internal server error.",
                code=ErrorCode.INTERNAL_SERVER_ERROR,
                outcome=Outcome.SERVER_ERROR,
            )
            return failure, operation
        body: dict[str, Any] = result.to_dict()
        if self.development and _asks_for_plan(headers):
            extensions = body.setdefault("extensions", {})
            extensions["queryPlan"] = plan.to_json()
        return GatewayResponse(body, Outcome.EXECUTED), operation

    # -- readiness ---------------------------------------------------------------
    async def readiness(self) -> dict[str, str | None]:
        """Each subgraph's name and ``None`` when it answers a health-check query, else why not.

        Every subgraph is asked at once; each gets at most ``readiness_timeout`` seconds.
        The gateway's own in-process ``_node`` subgraph is always ready and not listed.
        """
        names = [name for name in self.transports if name != NODE_SUBGRAPH]
        outcomes = await asyncio.gather(*(self._probe(name) for name in names))
        return dict(zip(names, outcomes, strict=True))

    async def _probe(self, name: str) -> str | None:
        transport = self.transports[name]
        timeout = self.readiness_timeout
        request = SubgraphRequest(
            HEALTH_CHECK_QUERY,
            operation_name="__ApolloServiceHealthCheck__",
            headers=subgraph_headers({}),
        )
        try:
            async with asyncio.timeout(timeout):
                response = await transport.send(request)
        except TimeoutError:
            return f"no answer within {timeout:g}s"
        except Exception as exc:
            return str(exc) or type(exc).__name__
        data = response.data
        if data is not None and data.get("__typename"):
            return None
        if response.errors:
            return f"health check failed: {response.errors[0].get('message')}"
        return "health check failed: no __typename in the answer"


def load_supergraph(settings: Settings, path: Path | str) -> Supergraph:
    """The supergraph in the file at ``path``, its subgraph URLs replaced as the settings say."""
    path = Path(path)
    try:
        sdl = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GatewayConfigError(
            f"supergraph file {path} not found (compose one, or check --supergraph)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GatewayConfigError(f"cannot read supergraph file {path}: {exc}") from None
    try:
        supergraph = Supergraph.parse(sdl)
    except Exception as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise GatewayConfigError(f"invalid supergraph {path}: {message}") from None
    overrides = settings.gateway_subgraph_url_overrides
    unknown = sorted(set(overrides) - set(supergraph.subgraphs))
    if unknown:
        known = ", ".join(sorted(supergraph.subgraphs)) or "none"
        raise GatewayConfigError(
            f"LMS_GATEWAY_SUBGRAPH_URLS names subgraph {unknown[0]}, which the supergraph "
            f"does not have (its subgraphs: {known})"
        )
    return supergraph.with_urls(overrides) if overrides else supergraph


def resolve_relay_node(settings: Settings, *, default: bool) -> bool:
    """Whether to serve ``node``/``nodes``: ``LMS_GATEWAY_RELAY_NODE`` when set, else
    ``default`` (the platform's own gateway: on; ``lms gateway``: off)."""
    configured = settings.gateway_relay_node
    return default if configured is None else configured


def _asks_for_plan(headers: Mapping[str, str]) -> bool:
    return any(
        key.lower() == QUERY_PLAN_HEADER and value.strip().lower() == "true"
        for key, value in headers.items()
    )


def _user_input_error(formatted: Mapping[str, Any]) -> dict[str, Any]:
    entry = dict(formatted)
    entry["extensions"] = {
        **(entry.get("extensions") or {}),
        "code": ErrorCode.BAD_USER_INPUT.value,
    }
    return entry
