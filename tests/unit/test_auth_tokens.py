"""Tokens: issue and verify locally and through a JWKS served by a real HTTP server."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shared.auth.bearer import authenticate, bearer_token
from shared.auth.keys import KeyStore
from shared.auth.principal import Principal
from shared.auth.tokens import (
    JwksTokenVerifier,
    JwksUnavailable,
    LocalTokenVerifier,
    TokenIssuer,
    create_token_verifier,
)
from shared.config import Settings
from shared.errors import AuthenticationError

PRINCIPAL = Principal(
    user_id="u1",
    college_id="c1",
    roles=frozenset({"teacher"}),
    permissions=frozenset({"course:*"}),
    session_id="s1",
)


def issuer_for(store: KeyStore, **changes: object) -> TokenIssuer:
    options: dict[str, object] = {"issuer": "lms", "audience": "lms", "access_ttl": 900}
    options.update(changes)
    return TokenIssuer(store, **options)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    return KeyStore.open(tmp_path / "keys")


@pytest.fixture
def verifier(store: KeyStore) -> LocalTokenVerifier:
    return LocalTokenVerifier(store, issuer="lms", audience="lms", refresh_interval=0)


async def test_issued_token_verifies_to_the_same_principal(
    store: KeyStore, verifier: LocalTokenVerifier
) -> None:
    token = issuer_for(store).issue(PRINCIPAL, extra_claims={"amr": ["pwd"]})
    assert await verifier.verify(token) == PRINCIPAL
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "ES256", "kid": store.active.kid, "typ": "JWT"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 900
    assert {"iss", "aud", "sub", "iat", "exp", "jti", "college", "roles", "permissions",
            "kind", "sid", "amr"} <= set(claims)  # fmt: skip
    other = issuer_for(store).issue(PRINCIPAL)
    assert jwt.decode(other, options={"verify_signature": False})["jti"] != claims["jti"]


def test_extra_claims_may_not_override_reserved_ones(store: KeyStore) -> None:
    with pytest.raises(ValueError, match="reserved claims"):
        issuer_for(store).issue(PRINCIPAL, extra_claims={"permissions": ["*"]})


async def test_expired_token_is_rejected(store: KeyStore, verifier: LocalTokenVerifier) -> None:
    token = issuer_for(store).issue(PRINCIPAL, ttl=timedelta(seconds=-60))
    with pytest.raises(AuthenticationError, match="expired"):
        await verifier.verify(token)


async def test_wrong_audience_and_issuer_are_rejected(
    store: KeyStore, verifier: LocalTokenVerifier
) -> None:
    with pytest.raises(AuthenticationError, match="audience"):
        await verifier.verify(issuer_for(store, audience="other").issue(PRINCIPAL))
    with pytest.raises(AuthenticationError, match="issuer"):
        await verifier.verify(issuer_for(store, issuer="evil").issue(PRINCIPAL))


async def test_tampered_token_has_a_bad_signature(
    store: KeyStore, verifier: LocalTokenVerifier
) -> None:
    header, _payload, signature = issuer_for(store).issue(PRINCIPAL).split(".")
    forged_payload = (
        issuer_for(store).issue(Principal(user_id="u1", permissions=frozenset({"*"}))).split(".")[1]
    )
    with pytest.raises(AuthenticationError, match="signature is invalid"):
        await verifier.verify(f"{header}.{forged_payload}.{signature}")


async def test_foreign_key_unsigned_and_garbage_tokens_are_rejected(
    tmp_path: Path, verifier: LocalTokenVerifier
) -> None:
    foreign = KeyStore.open(tmp_path / "foreign")
    with pytest.raises(AuthenticationError, match="unknown key"):
        await verifier.verify(issuer_for(foreign).issue(PRINCIPAL))
    unsigned = jwt.encode({"sub": "u1"}, key=None, algorithm="none", headers={"kid": "x"})
    with pytest.raises(AuthenticationError, match="not accepted"):
        await verifier.verify(unsigned)
    hmac = jwt.encode({"sub": "u1"}, key="k" * 32, algorithm="HS256", headers={"kid": "x"})
    with pytest.raises(AuthenticationError, match="not accepted"):
        await verifier.verify(hmac)
    with pytest.raises(AuthenticationError, match="malformed"):
        await verifier.verify("not.a.token")


async def test_rotation_keeps_old_tokens_valid_until_retired(tmp_path: Path) -> None:
    signer = KeyStore.open(tmp_path / "keys")
    # another process's view of the same folder
    verifier = LocalTokenVerifier(
        KeyStore.open(tmp_path / "keys"), issuer="lms", audience="lms", refresh_interval=0
    )
    old_token = issuer_for(signer).issue(PRINCIPAL)
    signer.rotate()
    new_token = issuer_for(signer).issue(PRINCIPAL)
    assert (
        jwt.get_unverified_header(new_token)["kid"] != jwt.get_unverified_header(old_token)["kid"]
    )
    assert await verifier.verify(new_token) == PRINCIPAL
    assert await verifier.verify(old_token) == PRINCIPAL
    signer.retire(older_than=timedelta(0))
    verifier.keystore.reload()
    with pytest.raises(AuthenticationError, match="unknown key"):
        await verifier.verify(old_token)
    assert await verifier.verify(new_token) == PRINCIPAL


async def test_a_verified_token_is_remembered_until_it_expires(
    store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a token of one second, verified once (its signature checked)
    verifier = LocalTokenVerifier(store, issuer="lms", audience="lms", leeway=0)
    token = issuer_for(store).issue(PRINCIPAL, ttl=1)
    decoded: list[str] = []
    decode = jwt.decode

    def counting(*args: object, **kwargs: object) -> object:
        decoded.append("decode")
        return decode(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jwt, "decode", counting)
    assert await verifier.verify(token) == PRINCIPAL
    # when it is verified again, by the other subgraphs of the same request
    for _ in range(3):
        assert await verifier.verify(token) == PRINCIPAL
    # then the signature was checked only the first time
    assert decoded == ["decode"]
    # and once its lifetime has passed, it is checked again and refused
    await asyncio.sleep(2.1)
    with pytest.raises(AuthenticationError, match="expired"):
        await verifier.verify(token)
    assert decoded == ["decode", "decode"]


async def test_bearer_header_parsing(store: KeyStore, verifier: LocalTokenVerifier) -> None:
    assert bearer_token(None) is None
    assert bearer_token("  ") is None
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    with pytest.raises(AuthenticationError, match="scheme"):
        bearer_token("Basic dXNlcjpwdw==")
    with pytest.raises(AuthenticationError, match="no token"):
        bearer_token("Bearer ")
    assert await authenticate(None, verifier=verifier) == Principal.anonymous()
    token = issuer_for(store).issue(PRINCIPAL)
    assert await authenticate(f"Bearer {token}", verifier=verifier) == PRINCIPAL
    with pytest.raises(AuthenticationError):
        await authenticate("Bearer nonsense", verifier=verifier)


def test_create_token_verifier_follows_the_settings(tmp_path: Path) -> None:
    local = create_token_verifier(Settings.load({}, data_dir=tmp_path))
    assert isinstance(local, LocalTokenVerifier)
    assert local.keystore.directory == tmp_path / "keys"
    remote = create_token_verifier(
        Settings.load({}, data_dir=tmp_path, jwks_url="http://127.0.0.1:1/jwks.json")
    )
    assert isinstance(remote, JwksTokenVerifier)
    assert remote.url == "http://127.0.0.1:1/jwks.json"


# -- JWKS over real HTTP ------------------------------------------------------------------
@dataclass
class JwksServer:
    url: str
    store: KeyStore | None = None
    requests: int = 0
    failing: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture(scope="module")
def jwks_server() -> Iterator[JwksServer]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server_state = JwksServer(url=f"http://127.0.0.1:{port}/.well-known/jwks.json")

    async def jwks(_request: Request) -> Response:
        with server_state.lock:
            server_state.requests += 1
        if server_state.failing or server_state.store is None:
            return JSONResponse({"error": "down"}, status_code=503)
        return JSONResponse(server_state.store.jwks())

    app = Starlette(routes=[Route("/.well-known/jwks.json", jwks)])
    config = uvicorn.Config(app, lifespan="off", log_level="warning", ws="none", http="h11")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "JWKS test server did not start"
        time.sleep(0.01)
    yield server_state
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def served(jwks_server: JwksServer, store: KeyStore) -> JwksServer:
    jwks_server.store = store
    jwks_server.requests = 0
    jwks_server.failing = False
    return jwks_server


async def test_jwks_verifier_fetches_once_and_caches(served: JwksServer, store: KeyStore) -> None:
    verifier = JwksTokenVerifier(served.url, issuer="lms", audience="lms")
    token = issuer_for(store).issue(PRINCIPAL)
    assert await verifier.verify(token) == PRINCIPAL
    assert await verifier.verify(token) == PRINCIPAL
    assert served.requests == 1


async def test_jwks_verifier_refetches_on_a_new_kid_after_rotation(
    served: JwksServer, store: KeyStore
) -> None:
    verifier = JwksTokenVerifier(
        served.url, issuer="lms", audience="lms", refresh_interval=0, cache_ttl=1.0
    )
    old_token = issuer_for(store).issue(PRINCIPAL)
    assert await verifier.verify(old_token) == PRINCIPAL
    store.rotate()
    new_token = issuer_for(store).issue(PRINCIPAL)
    assert await verifier.verify(new_token) == PRINCIPAL
    assert served.requests == 2
    assert await verifier.verify(old_token) == PRINCIPAL  # still published until retired
    store.retire(older_than=timedelta(0))
    assert await verifier.verify(old_token) == PRINCIPAL  # the cached set still has it
    await asyncio.sleep(1.1)  # the cache expires: the retired key is gone
    with pytest.raises(AuthenticationError, match="unknown key"):
        await verifier.verify(old_token)
    assert served.requests == 3


async def test_unknown_kids_refetch_at_most_once_per_interval(
    served: JwksServer, store: KeyStore, tmp_path: Path
) -> None:
    verifier = JwksTokenVerifier(served.url, issuer="lms", audience="lms", refresh_interval=1.0)
    assert await verifier.verify(issuer_for(store).issue(PRINCIPAL)) == PRINCIPAL
    foreign = issuer_for(KeyStore.open(tmp_path / "foreign")).issue(PRINCIPAL)
    for _ in range(5):
        with pytest.raises(AuthenticationError, match="unknown key"):
            await verifier.verify(foreign)
    assert served.requests == 1  # first fetch was under 1 s ago
    await asyncio.sleep(1.1)
    with pytest.raises(AuthenticationError, match="unknown key"):
        await verifier.verify(foreign)
    assert served.requests == 2


async def test_unreachable_jwks_is_a_server_fault(served: JwksServer, store: KeyStore) -> None:
    served.failing = True
    verifier = JwksTokenVerifier(served.url, issuer="lms", audience="lms")
    with pytest.raises(JwksUnavailable, match="503"):
        await verifier.verify(issuer_for(store).issue(PRINCIPAL))
