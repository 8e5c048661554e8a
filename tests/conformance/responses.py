"""Responses reduced to what conformance compares, and the comparison itself.

A response becomes ``{"data": ..., "errors": [...]}`` with ``data`` present
only when the gateway sent it (a request error has none) and each error cut
to ``message``, ``path`` and ``extensions.code`` (``None`` when absent).
Field order in ``data`` is kept: GraphQL orders response fields as the
selection set does, so ``data`` must match exactly, order included.
Loopback ports in messages (a subgraph that is down is named by its URL)
become ``<port>``: they change from run to run.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["differences", "normalize"]

Response = dict[str, Any]

_LOOPBACK_PORT = re.compile(r"(127\.0\.0\.1|localhost):\d+")


def normalize(response: Response) -> Response:
    """The parts of a GraphQL response a snapshot keeps."""
    normal: Response = {}
    if "data" in response:
        normal["data"] = response["data"]
    errors = [
        {
            "message": _without_ports(error.get("message")),
            "path": error.get("path"),
            "code": (error.get("extensions") or {}).get("code"),
        }
        for error in response.get("errors") or []
    ]
    normal["errors"] = sorted(errors, key=_error_order)
    return normal


def differences(expected: Response, actual: Response, *, messages: bool) -> list[str]:
    """How ``actual`` departs from the ``expected`` snapshot; empty when they agree.

    ``data``: present in both or neither, equal with the same field order.
    ``errors``: as many; each expected error matched by one with the same
    ``path``, the same ``code`` where the snapshot has one, and the same
    ``message`` when ``messages`` is set.
    """
    found: list[str] = []
    if ("data" in expected) != ("data" in actual):
        state = "has" if "data" in actual else "lacks"
        found.append(f"the response {state} a data entry, the reference does not agree")
    elif "data" in expected:
        if expected["data"] != actual["data"]:
            found.append(
                f"data differs:\n  expected {_dump(expected['data'])}\n"
                f"  actual   {_dump(actual['data'])}"
            )
        elif _dump(expected["data"]) != _dump(actual["data"]):
            found.append(
                f"data fields are in another order:\n  expected "
                f"{_dump(expected['data'])}\n  actual   {_dump(actual['data'])}"
            )
    wanted, got = expected["errors"], list(actual["errors"])
    if len(wanted) != len(got):
        found.append(
            f"{len(got)} errors where the reference has {len(wanted)}:\n"
            f"  expected {_dump(wanted)}\n  actual   {_dump(got)}"
        )
        return found
    for error in wanted:
        match = next((other for other in got if _agrees(error, other, messages=messages)), None)
        if match is None:
            found.append(f"no error agrees with {_dump(error)}; errors: {_dump(got)}")
        else:
            got.remove(match)
    return found


def _without_ports(message: object) -> object:
    return _LOOPBACK_PORT.sub(r"\1:<port>", message) if isinstance(message, str) else message


def _agrees(expected: dict[str, Any], actual: dict[str, Any], *, messages: bool) -> bool:
    return (
        expected["path"] == actual["path"]
        and (expected["code"] is None or expected["code"] == actual["code"])
        and (not messages or expected["message"] == actual["message"])
    )


def _error_order(error: dict[str, Any]) -> tuple[str, str, str]:
    return (_dump(error["path"]), str(error["code"] or ""), str(error["message"] or ""))


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
