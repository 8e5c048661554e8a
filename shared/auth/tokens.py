"""Access tokens: JWTs issued with the key store, verified locally or from a JWKS URL.

Claims: ``iss``, ``aud``, ``sub`` (user id), ``iat``, ``nbf``, ``exp``,
``jti``, ``college`` (tenant), ``roles``, ``permissions``, ``kind``, ``sid``
(session) and ``scope``. ``iat``, ``nbf`` and ``exp`` carry milliseconds (RFC 7519
allows non-integer NumericDates), so a revocation at time T refuses the tokens issued
before T and not those issued a moment after it (see :mod:`shared.auth.revocation`).
Only asymmetric algorithms are accepted (ES256,
RS256, EdDSA), and a token's ``alg`` must be its key's.
"""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Protocol, runtime_checkable

import httpx
import jwt

from shared.auth.keys import KeyStore
from shared.auth.principal import Principal
from shared.config import Settings
from shared.errors import AuthenticationError

__all__ = [
    "RESERVED_CLAIMS",
    "JwksTokenVerifier",
    "JwksUnavailable",
    "LocalTokenVerifier",
    "TokenIssuer",
    "TokenVerifier",
    "create_token_verifier",
    "numeric_date",
]

ALGORITHMS = ("ES256", "RS256", "EdDSA")
RESERVED_CLAIMS = frozenset(
    {"iss", "aud", "sub", "iat", "nbf", "exp", "jti", "college", "roles", "permissions",
     "kind", "sid", "scope"}
)  # fmt: skip
_REQUIRED = ["iss", "aud", "sub", "iat", "exp"]


def numeric_date(seconds: float) -> float:
    """``seconds`` since the epoch cut down to whole milliseconds: the ``iat`` of a token.

    Never later than the instant itself, so a token issued before a revocation
    always has an ``iat`` before it (see :mod:`shared.auth.revocation`). Adding
    whole seconds to the result is exact in floating point (``exp - iat`` is the
    lifetime exactly).
    """
    return math.floor(seconds * 1000) / 1000


class JwksUnavailable(Exception):
    """The JWKS document could not be fetched; tokens cannot be checked (a server fault)."""


class TokenIssuer:
    """Signs access tokens for principals with the key store's active key."""

    def __init__(
        self, keystore: KeyStore, *, issuer: str, audience: str, access_ttl: int | timedelta
    ) -> None:
        self.keystore = keystore
        self.issuer = issuer
        self.audience = audience
        self.access_ttl = _seconds(access_ttl)

    @classmethod
    def from_settings(cls, settings: Settings, keystore: KeyStore) -> TokenIssuer:
        return cls(
            keystore,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            access_ttl=settings.jwt_access_ttl,
        )

    def issue(
        self,
        principal: Principal,
        *,
        ttl: int | timedelta | None = None,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed token for ``principal``, valid ``ttl`` (default: the access TTL)."""
        extra = dict(extra_claims or {})
        clash = RESERVED_CLAIMS.intersection(extra)
        if clash:
            raise ValueError(f"extra_claims may not set reserved claims: {sorted(clash)}")
        now = numeric_date(time.time())
        lifetime = self.access_ttl if ttl is None else _seconds(ttl)
        claims = {
            **extra,
            **principal.to_claims(),
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
        }
        key = self.keystore.active
        return jwt.encode(
            claims, key.private_key, algorithm=key.algorithm, headers={"kid": key.kid}
        )


@runtime_checkable
class TokenVerifier(Protocol):
    """Checks a token and says who it belongs to."""

    async def verify(self, token: str) -> Principal:
        """The token's principal; :class:`AuthenticationError` if it is not valid."""
        ...


VERIFIED_CACHE_SIZE = 4096
"""Tokens a verifier remembers as verified (least recently used ones leave first)."""


class _JwtVerifier:
    """Checks a token's header, signature and claims, remembering the tokens it verified.

    A request through the gateway reaches several subgraphs of one process,
    each verifying the same token; and a client sends the same token for
    minutes. A verified token is remembered (at most :data:`VERIFIED_CACHE_SIZE`)
    with its principal, its expiry and its key id: it is taken again without
    the signature check while it has not expired and its key is still known.
    A key that is retired, or a token that expires, is checked in full again
    (and refused). Revocation is not cached: it is checked on every request
    by :class:`~shared.auth.revocation.RevocationCheckingVerifier`.
    """

    def __init__(self, *, issuer: str, audience: str, leeway: int) -> None:
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self._verified: OrderedDict[str, tuple[Principal, float, str]] = OrderedDict()

    def _remembered(self, token: str) -> tuple[Principal, str] | None:
        """The principal and key id of a token verified before, still within its lifetime."""
        entry = self._verified.get(token)
        if entry is None:
            return None
        principal, expires, kid = entry
        if time.time() >= expires + self.leeway:
            del self._verified[token]
            return None
        self._verified.move_to_end(token)
        return principal, kid

    def _remember(self, token: str, principal: Principal, expires: float, kid: str) -> None:
        self._verified[token] = (principal, expires, kid)
        if len(self._verified) > VERIFIED_CACHE_SIZE:
            self._verified.popitem(last=False)

    def _header(self, token: str) -> tuple[str, str]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthenticationError("Token is malformed.") from None
        kid, alg = header.get("kid"), header.get("alg")
        if not isinstance(kid, str) or not kid:
            raise AuthenticationError("Token has no key id ('kid' header).")
        if alg not in ALGORITHMS:
            raise AuthenticationError(f"Token algorithm {alg!r} is not accepted.")
        return kid, str(alg)

    def _decode(self, token: str, key: Any, algorithm: str, kid: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": _REQUIRED},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationError("Token has expired.") from None
        except jwt.InvalidSignatureError:
            raise AuthenticationError("Token signature is invalid.") from None
        except jwt.InvalidAudienceError:
            raise AuthenticationError("Token audience is not accepted.") from None
        except jwt.InvalidIssuerError:
            raise AuthenticationError("Token issuer is not accepted.") from None
        except jwt.ImmatureSignatureError:
            raise AuthenticationError("Token is not valid yet.") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthenticationError(f"Token has no {exc.claim!r} claim.") from None
        except jwt.PyJWTError:
            raise AuthenticationError("Token is malformed.") from None
        principal = Principal.from_claims(claims)
        self._remember(token, principal, float(claims["exp"]), kid)
        return principal


class LocalTokenVerifier(_JwtVerifier):
    """Verifies tokens with the keys of a local :class:`KeyStore`.

    An unknown ``kid`` re-reads the key folder (at most once per
    ``refresh_interval`` seconds) in case another process rotated the keys.
    """

    def __init__(
        self,
        keystore: KeyStore,
        *,
        issuer: str,
        audience: str,
        leeway: int = 30,
        refresh_interval: float = 10.0,
    ) -> None:
        super().__init__(issuer=issuer, audience=audience, leeway=leeway)
        self.keystore = keystore
        self.refresh_interval = refresh_interval
        self._last_reload = time.monotonic()

    async def verify(self, token: str) -> Principal:
        remembered = self._remembered(token)
        if remembered is not None and self.keystore.get(remembered[1]) is not None:
            return remembered[0]
        kid, alg = self._header(token)
        key = self.keystore.get(kid)
        if key is None and time.monotonic() - self._last_reload >= self.refresh_interval:
            self._last_reload = time.monotonic()
            self.keystore.reload()
            key = self.keystore.get(kid)
        if key is None:
            raise AuthenticationError("Token is signed by an unknown key.")
        if key.algorithm != alg:
            raise AuthenticationError("Token algorithm does not match its key.")
        return self._decode(token, key.public_key, alg, kid)


class JwksTokenVerifier(_JwtVerifier):
    """Verifies tokens with keys fetched from a JWKS URL, cached.

    The document is fetched on first use and again after ``cache_ttl``
    seconds; a token with an unknown ``kid`` triggers a refetch, at most once
    per ``refresh_interval`` seconds (so forged kids cannot hammer the issuer).
    """

    def __init__(
        self,
        url: str,
        *,
        issuer: str,
        audience: str,
        leeway: int = 30,
        refresh_interval: float = 30.0,
        cache_ttl: float = 3600.0,
        timeout: float = 5.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(issuer=issuer, audience=audience, leeway=leeway)
        self.url = url
        self.refresh_interval = refresh_interval
        self.cache_ttl = cache_ttl
        self.timeout = timeout
        self._client = client
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self._last_error: str | None = None
        self.fetch_count = 0

    async def verify(self, token: str) -> Principal:
        remembered = self._remembered(token)
        if (
            remembered is not None
            and remembered[1] in self._keys
            and not self._needs_fetch(remembered[1])
        ):
            return remembered[0]
        kid, alg = self._header(token)
        key = await self._key(kid)
        if key is None:
            raise AuthenticationError("Token is signed by an unknown key.")
        if key.algorithm_name != alg:
            raise AuthenticationError("Token algorithm does not match its key.")
        return self._decode(token, key.key, alg, kid)

    async def _key(self, kid: str) -> jwt.PyJWK | None:
        if self._needs_fetch(kid):
            async with self._lock:
                if self._needs_fetch(kid):  # another request may have fetched meanwhile
                    await self._fetch()
        key = self._keys.get(kid)
        if key is None and self._last_error is not None:
            raise JwksUnavailable(self._last_error)
        return key

    def _needs_fetch(self, kid: str) -> bool:
        if self._fetched_at is None:
            return True
        age = time.monotonic() - self._fetched_at
        return age >= self.cache_ttl or (kid not in self._keys and age >= self.refresh_interval)

    async def _fetch(self) -> None:
        self.fetch_count += 1
        try:
            if self._client is not None:
                response = await self._client.get(self.url, timeout=self.timeout)
            else:
                async with httpx.AsyncClient(timeout=self.timeout) as client:
                    response = await client.get(self.url)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            self._fetched_at = time.monotonic()  # keep the old keys; retry after the interval
            self._last_error = f"cannot fetch JWKS from {self.url}: {exc}"
            return
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []):
            if entry.get("use", "sig") != "sig" or entry.get("alg") not in ALGORITHMS:
                continue
            try:
                keys[entry["kid"]] = jwt.PyJWK(entry, algorithm=entry["alg"])
            except (KeyError, jwt.PyJWTError):
                continue
        self._keys = keys
        self._fetched_at = time.monotonic()
        self._last_error = None


def create_token_verifier(settings: Settings, keystore: KeyStore | None = None) -> TokenVerifier:
    """The verifier the settings ask for: ``LMS_JWKS_URL`` if set, else the local key folder."""
    if settings.jwks_url:
        return JwksTokenVerifier(
            settings.jwks_url, issuer=settings.jwt_issuer, audience=settings.jwt_audience
        )
    return LocalTokenVerifier(
        keystore or KeyStore.from_settings(settings),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )


def _seconds(value: int | timedelta) -> int:
    return int(value.total_seconds()) if isinstance(value, timedelta) else int(value)
