"""The requests a gateway sends to subgraphs for a query, rebuilt from Apollo's plan.

``node tests/oracle/plan.mjs`` gives Apollo's query plan; :func:`replay`
walks it (Sequence, Parallel, Fetch, Flatten) against the running
subgraphs, building each entity fetch's representations from the answers
before it, exactly as a gateway would. The benchmark then drives each
subgraph directly with those requests, to tell a gateway's own cost apart
from the subgraphs'.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.conformance.campus import ORACLE

__all__ = ["SubgraphRequest", "apollo_plan", "replay", "representations"]

Json = dict[str, Any]


@dataclass(frozen=True)
class SubgraphRequest:
    """One fetch of the plan: which subgraph, and the GraphQL body sent to it."""

    service: str
    body: Json


def apollo_plan(supergraph: Path, query: str) -> Json:
    """Apollo's query plan for ``query``, as JSON."""
    result = subprocess.run(
        ["node", str(ORACLE / "plan.mjs"), str(supergraph), query],
        capture_output=True,
        text=True,
        cwd=ORACLE,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"planning failed:\n{result.stderr}")
    plan: Json = json.loads(result.stdout)
    return plan


def replay(
    plan: Json,
    urls: Mapping[str, str],
    *,
    headers: Mapping[str, str] | None = None,
    variables: Mapping[str, Any] | None = None,
) -> list[SubgraphRequest]:
    """Run the plan's fetches in order and return the requests they sent."""
    sent: list[SubgraphRequest] = []
    data: Json = {}
    with httpx.Client(timeout=30.0, headers=dict(headers or {})) as client:
        for path, fetch in _fetches(plan["node"], ()):
            body: Json = {"query": fetch["operation"]}
            wanted = {name: (variables or {}).get(name) for name in fetch.get("variableUsages", [])}
            if "requires" in fetch:
                targets = list(_objects_at(data, path))
                keys = [_key(representations(t, fetch["requires"])) for t in targets]
                unique = list(dict.fromkeys(keys))
                wanted["representations"] = [json.loads(key) for key in unique]
            if wanted:
                body["variables"] = wanted
            response = client.post(urls[fetch["serviceName"]], json=body)
            response.raise_for_status()
            answer = response.json()
            if answer.get("errors"):
                raise RuntimeError(f"{fetch['serviceName']} answered errors: {answer['errors']}")
            sent.append(SubgraphRequest(fetch["serviceName"], body))
            if "requires" in fetch:
                entities = dict(zip(unique, answer["data"]["_entities"], strict=True))
                for target, key in zip(targets, keys, strict=True):
                    _merge(target, entities[key])
            else:
                _merge(data, answer["data"])
    return sent


def representations(value: Json, selections: list[Json]) -> Json:
    """The part of ``value`` a ``requires`` selection set picks."""
    picked: Json = {}
    for selection in selections:
        if selection["kind"] == "InlineFragment":
            condition = selection.get("typeCondition")
            if condition is None or value.get("__typename") == condition:
                picked.update(representations(value, selection["selections"]))
        else:
            name = selection["name"]
            field = value.get(name)
            if "selections" in selection and field is not None:
                field = (
                    [representations(item, selection["selections"]) for item in field]
                    if isinstance(field, list)
                    else representations(field, selection["selections"])
                )
            picked[name] = field
    return picked


def _key(representation: Json) -> str:
    """Identical representations are sent once, as gateways do."""
    return json.dumps(representation)


def _fetches(node: Json, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Json]]:
    kind = node["kind"]
    if kind in ("Sequence", "Parallel"):
        for child in node["nodes"]:
            yield from _fetches(child, path)
    elif kind == "Flatten":
        yield from _fetches(node["node"], tuple(node["path"]))
    elif kind == "Fetch":
        yield path, node
    else:
        raise ValueError(f"plan node {kind} is not supported by the replay")


def _objects_at(value: Any, path: tuple[str, ...]) -> Iterator[Json]:
    if value is None:
        return
    if not path:
        if isinstance(value, list):
            for item in value:
                yield from _objects_at(item, path)
        else:
            yield value
        return
    head, rest = path[0], path[1:]
    if head == "@":
        for item in value:
            yield from _objects_at(item, rest)
    else:
        yield from _objects_at(value.get(head), rest)


def _merge(target: Json, source: Json) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            for mine, theirs in zip(target[key], value, strict=True):
                if isinstance(mine, dict) and isinstance(theirs, dict):
                    _merge(mine, theirs)
        else:
            target[key] = value
