"""Signing keys for tokens: a folder of PEM private keys, rotated without downtime.

Each key is a file ``<created>-<kid>.pem`` (mode 0600) in
``Settings.effective_jwt_keys_dir``; ``created`` is microseconds since the
epoch, ``kid`` the key's RFC 7638 JWK thumbprint. The newest key signs; older
keys keep verifying tokens until :meth:`KeyStore.retire` removes them, so a
rotation never invalidates a token already issued.

Files appear atomically (written to a temporary name, then renamed), and key
creation holds an exclusive lock on ``.lock`` in the folder, so processes
starting together share one first key instead of racing.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import itertools
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

if TYPE_CHECKING:
    from shared.config import Settings

__all__ = ["Algorithm", "KeyStore", "SigningKey", "jwk_thumbprint"]

Algorithm = Literal["ES256", "RS256", "EdDSA"]
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey | ed25519.Ed25519PublicKey

_REQUIRED_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
    "OKP": ("crv", "kty", "x"),
}


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url without padding) of a public JWK."""
    members = {name: jwk[name] for name in _REQUIRED_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


def _public_jwk(public_key: PublicKey) -> dict[str, Any]:
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return ECAlgorithm.to_jwk(public_key, as_dict=True)
    if isinstance(public_key, rsa.RSAPublicKey):
        return RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return OKPAlgorithm.to_jwk(public_key, as_dict=True)


def _algorithm_of(private_key: PrivateKey) -> Algorithm:
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        if private_key.curve.name != "secp256r1":
            raise ValueError(f"unsupported EC curve {private_key.curve.name}: use P-256")
        return "ES256"
    if isinstance(private_key, rsa.RSAPrivateKey):
        return "RS256"
    return "EdDSA"


def _generate(algorithm: Algorithm) -> PrivateKey:
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unsupported signing algorithm {algorithm!r}: use ES256, RS256 or EdDSA")


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One key pair of the store."""

    kid: str
    algorithm: Algorithm
    created_at: datetime
    private_key: PrivateKey
    path: Path

    @property
    def public_key(self) -> PublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, Any]:
        """The public half as a JWK, with ``kid``, ``alg`` and ``use``."""
        jwk = _public_jwk(self.public_key)
        return {**jwk, "kid": self.kid, "alg": self.algorithm, "use": "sig"}


class KeyStore:
    """The signing keys in one folder; the newest key signs, all of them verify."""

    def __init__(self, directory: Path, *, algorithm: Algorithm = "ES256") -> None:
        self.directory = Path(directory)
        self.algorithm = algorithm
        self._keys: dict[str, SigningKey] = {}

    @classmethod
    def open(cls, directory: Path, *, algorithm: Algorithm = "ES256") -> KeyStore:
        """Load the keys in ``directory``, creating it and a first key if there are none."""
        store = cls(directory, algorithm=algorithm)
        store.reload()
        if not store._keys:
            with store._locked():
                store.reload()
                if not store._keys:
                    store._write_new_key()
                    store.reload()
        return store

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyStore:
        """The store at ``LMS_JWT_KEYS_DIR`` signing new keys with ``LMS_JWT_ALGORITHM``."""
        return cls.open(settings.effective_jwt_keys_dir, algorithm=settings.jwt_algorithm)

    # -- reading -----------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the folder, picking up keys rotated or retired by another process."""
        keys: dict[str, SigningKey] = {}
        if self.directory.is_dir():
            for path in self.directory.glob("*.pem"):
                key = _load(path)
                if key is not None:
                    keys[key.kid] = key
        self._keys = keys

    @property
    def active(self) -> SigningKey:
        """The key new tokens are signed with: the newest one."""
        if not self._keys:
            raise LookupError(f"no signing key in {self.directory}")
        return max(self._keys.values(), key=lambda k: (k.created_at, k.kid))

    def signing_keys(self) -> list[SigningKey]:
        """Every key, newest first."""
        return sorted(self._keys.values(), key=lambda k: (k.created_at, k.kid), reverse=True)

    def get(self, kid: str) -> SigningKey | None:
        return self._keys.get(kid)

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set of every key's public half (never a private part)."""
        return {"keys": [key.public_jwk() for key in self.signing_keys()]}

    # -- changing ----------------------------------------------------------------
    def rotate(self, *, algorithm: Algorithm | None = None) -> SigningKey:
        """Make a new active key; the previous ones still verify until retired."""
        with self._locked():
            path = self._write_new_key(algorithm or self.algorithm)
            self.reload()
        key = _load(path)
        assert key is not None
        return key

    def retire(self, *, older_than: timedelta) -> list[str]:
        """Delete keys replaced by a newer one more than ``older_than`` ago; return their kids.

        Pass at least the access-token lifetime: tokens signed by a retired key
        no longer verify. The active key is never retired.
        """
        cutoff = datetime.now().astimezone() - older_than
        removed: list[str] = []
        with self._locked():
            self.reload()
            ordered = self.signing_keys()
            for newer, older in itertools.pairwise(ordered):
                if newer.created_at <= cutoff:
                    older.path.unlink(missing_ok=True)
                    removed.append(older.kid)
            self.reload()
        return removed

    # -- files -------------------------------------------------------------------
    def _write_new_key(self, algorithm: Algorithm | None = None) -> Path:
        private_key = _generate(algorithm or self.algorithm)
        kid = jwk_thumbprint(_public_jwk(private_key.public_key()))
        created = time.time_ns() // 1000
        if self._keys:
            newest = max(int(k.path.name.split("-", 1)[0]) for k in self._keys.values())
            created = max(created, newest + 1)
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        target = self.directory / f"{created:017d}-{kid}.pem"
        temporary = self.directory / f".{target.name}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
        return target

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _load(path: Path) -> SigningKey | None:
    created_text, sep, _rest = path.stem.partition("-")
    if not sep or not created_text.isdigit():
        return None
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # retired meanwhile by another process
        return None
    private_key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(
        private_key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)
    ):
        raise ValueError(f"{path}: unsupported key type {type(private_key).__name__}")
    kid = jwk_thumbprint(_public_jwk(private_key.public_key()))
    created = datetime.fromtimestamp(int(created_text) / 1_000_000).astimezone()
    return SigningKey(
        kid=kid,
        algorithm=_algorithm_of(private_key),
        created_at=created,
        private_key=private_key,
        path=path,
    )
