"""RequestContext built from an HTTP request's Authorization header."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.requests import Request

from shared.auth.keys import KeyStore
from shared.auth.principal import Principal
from shared.auth.tokens import LocalTokenVerifier, TokenIssuer
from shared.errors import AuthenticationError
from shared.graphql.context import RequestContext


def request_with(authorization: str | None) -> Request:
    headers = [] if authorization is None else [(b"authorization", authorization.encode())]
    return Request({"type": "http", "method": "POST", "path": "/graphql", "headers": headers})


async def test_context_from_request(tmp_path: Path) -> None:
    store = KeyStore.open(tmp_path)
    verifier = LocalTokenVerifier(store, issuer="lms", audience="lms")
    principal = Principal(user_id="u1", college_id="c1")
    token = TokenIssuer(store, issuer="lms", audience="lms", access_ttl=60).issue(principal)

    context = await RequestContext.from_request(
        request_with(f"Bearer {token}"), verifier=verifier, services={"db": 1}
    )
    assert context.principal == principal
    assert context.require_principal() == principal
    assert context.services == {"db": 1}
    assert context.loaders.get("x", lambda: 5) == 5

    anonymous = await RequestContext.from_request(request_with(None), verifier=verifier)
    assert anonymous.principal == Principal.anonymous()
    with pytest.raises(AuthenticationError):
        anonymous.require_principal()

    invalid = await RequestContext.from_request(request_with("Bearer x.y.z"), verifier=verifier)
    assert invalid.credentials_error is not None
    with pytest.raises(AuthenticationError, match="malformed"):
        _ = invalid.principal
