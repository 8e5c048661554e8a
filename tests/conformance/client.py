"""Sending a case to a gateway and reading its answer."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conformance.case import Case
from tests.conformance.responses import normalize

__all__ = ["ask"]


def ask(client: httpx.Client, url: str, case: Case) -> dict[str, Any]:
    """POST the case as JSON and return the normalized GraphQL response.

    Any status is accepted as long as the body is a GraphQL response:
    request errors come back as 400 from some servers, 200 from others.
    """
    response = client.post(
        url,
        json=case.body(),
        headers={"Accept": "application/json", **case.headers},
    )
    try:
        body = response.json()
    except ValueError as exc:
        raise AssertionError(
            f"{url} answered {response.status_code} with a body that is not JSON: "
            f"{response.text[:500]!r}"
        ) from exc
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        raise AssertionError(f"{url} answered {response.status_code} with {body!r}")
    return normalize(body)
