"""KeyStore: generation, file modes, RFC 7638 kids, rotation, retirement, concurrent start."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from shared.auth.keys import Algorithm, KeyStore, jwk_thumbprint
from shared.config import Settings


def test_rfc7638_example_thumbprint() -> None:
    jwk = {
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSo"
        "c_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0"
        "_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI"
        "4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


@pytest.mark.parametrize("algorithm", ["ES256", "RS256", "EdDSA"])
def test_first_open_generates_a_private_key_file(tmp_path: Path, algorithm: Algorithm) -> None:
    store = KeyStore.open(tmp_path / "keys", algorithm=algorithm)
    [key] = store.signing_keys()
    assert key.algorithm == algorithm
    assert stat.S_IMODE(key.path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert key.path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert key.kid == jwk_thumbprint(key.public_jwk())
    # reopening loads the same key instead of making another
    assert [
        k.kid for k in KeyStore.open(tmp_path / "keys", algorithm=algorithm).signing_keys()
    ] == [key.kid]


def test_from_settings_uses_the_key_folder_and_algorithm(tmp_path: Path) -> None:
    settings = Settings.load({}, data_dir=tmp_path, jwt_algorithm="EdDSA")
    store = KeyStore.from_settings(settings)
    assert store.directory == tmp_path / "keys"
    assert store.active.algorithm == "EdDSA"


def test_jwks_holds_public_keys_only(tmp_path: Path) -> None:
    store = KeyStore.open(tmp_path, algorithm="RS256")
    store.rotate(algorithm="ES256")
    jwks = store.jwks()
    assert [k["alg"] for k in jwks["keys"]] == ["ES256", "RS256"]
    for jwk in jwks["keys"]:
        assert jwk["use"] == "sig"
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)
        assert jwk["kid"] == jwk_thumbprint(jwk)


def test_rotate_makes_a_new_active_key_and_retire_removes_old_ones(tmp_path: Path) -> None:
    store = KeyStore.open(tmp_path)
    first = store.active
    second = store.rotate()
    assert store.active.kid == second.kid != first.kid
    assert {k.kid for k in store.signing_keys()} == {first.kid, second.kid}
    # replaced only just now: kept for an hour-long grace period
    assert store.retire(older_than=timedelta(hours=1)) == []
    assert store.retire(older_than=timedelta(0)) == [first.kid]
    assert [k.kid for k in store.signing_keys()] == [second.kid]
    assert not first.path.exists()
    # the active key is never retired
    assert store.retire(older_than=timedelta(0)) == []


def test_reload_sees_keys_rotated_by_another_instance(tmp_path: Path) -> None:
    one, other = KeyStore.open(tmp_path), KeyStore.open(tmp_path)
    new = other.rotate()
    assert one.get(new.kid) is None
    one.reload()
    assert one.get(new.kid) is not None
    assert one.active.kid == new.kid


def test_processes_starting_together_share_one_first_key(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from shared.auth.keys import KeyStore; "
        "print(KeyStore.open(Path(sys.argv[1])).active.kid)"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "keys")],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[2],
        )
        for _ in range(4)
    ]
    kids = {p.communicate(timeout=30)[0].strip() for p in processes}
    assert all(p.returncode == 0 for p in processes)
    assert len(kids) == 1
    assert len(list((tmp_path / "keys").glob("*.pem"))) == 1
    assert not list((tmp_path / "keys").glob("*.tmp"))
