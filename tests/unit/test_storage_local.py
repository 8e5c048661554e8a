"""The local object store and its file routes: signatures, expiry, limits, sidecars."""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from starlette.applications import Starlette

from shared.config import Settings
from shared.storage import (
    ChecksumMismatch,
    ContentTypeNotAllowed,
    LocalObjectStore,
    ObjectTooLarge,
    StorageLimits,
    StorageUnavailable,
    storage_routes,
    validate_key,
)


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Local:
    store: LocalObjectStore
    http: httpx.AsyncClient
    clock: FakeClock


@pytest.fixture
async def local(local_storage_settings: Settings) -> AsyncIterator[Local]:
    clock = FakeClock()
    settings = local_storage_settings.with_overrides(storage_max_upload_bytes=1000)
    store = LocalObjectStore.from_settings(settings, clock=clock)
    await store.start()
    app = Starlette(routes=storage_routes(store))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
        yield Local(store, http, clock)
    await store.close()


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def expiry_of(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["expires"][0])


def with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


# -- downloads ---------------------------------------------------------------------


async def test_signed_download_serves_the_object_safely(local: Local) -> None:
    await local.store.put("docs/page.html", b"<script>x</script>", content_type="text/html")
    url = await local.store.presign_download("docs/page.html")

    response = await local.http.get(url)

    assert response.status_code == 200
    assert response.content == b"<script>x</script>"
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    assert url.startswith("http://testserver/files/docs/page.html?")


async def test_download_url_expires(local: Local) -> None:
    await local.store.put("a.txt", b"hi", content_type="text/plain")
    url = await local.store.presign_download("a.txt", expires_in=1)
    assert (await local.http.get(url)).status_code == 200

    local.clock.now += 2
    response = await local.http.get(url)

    assert response.status_code == 403
    assert response.json()["code"] == "SIGNATURE_EXPIRED"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: with_path(url, "/files/b.txt"),
        lambda url: with_query(
            url, expires=str(int(parse_qs(urlsplit(url).query)["expires"][0]) + 60)
        ),
        lambda url: with_query(url, sig="A" * 43),
        lambda url: with_query(url, filename="other.txt"),
        lambda url: url.split("?")[0],
    ],
    ids=["key", "expiry", "signature", "filename", "unsigned"],
)
async def test_tampered_download_url_is_refused(local: Local, tamper: Callable[[str], str]) -> None:
    await local.store.put("a.txt", b"a", content_type="text/plain")
    await local.store.put("b.txt", b"b", content_type="text/plain")
    url = await local.store.presign_download("a.txt", filename="a.txt")

    response = await local.http.get(tamper(url))

    assert response.status_code == 403
    assert response.json()["code"] == "INVALID_SIGNATURE"


async def test_url_signed_with_another_key_is_refused(
    local: Local, local_storage_settings: Settings
) -> None:
    await local.store.put("a.txt", b"a", content_type="text/plain")
    other = LocalObjectStore.from_settings(
        local_storage_settings.with_overrides(storage_signing_key="another-secret-key-0123456789"),
        clock=local.clock,
    )

    response = await local.http.get(await other.presign_download("a.txt"))

    assert response.status_code == 403
    assert response.json()["code"] == "INVALID_SIGNATURE"


async def test_download_of_missing_object_is_404(local: Local) -> None:
    response = await local.http.get(await local.store.presign_download("gone.txt"))

    assert response.status_code == 404
    assert response.json()["code"] == "OBJECT_NOT_FOUND"


async def test_sidecars_and_temp_files_are_not_addressable(local: Local) -> None:
    await local.store.put("a.txt", b"a", content_type="text/plain")

    response = await local.http.get("http://testserver/files/.a.txt.json?expires=1&sig=x")

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_KEY"


# -- uploads -----------------------------------------------------------------------


async def test_signed_upload_stores_object_and_sidecar(local: Local) -> None:
    ticket = await local.store.presign_upload("up/notes.txt", content_type="text/plain")
    assert ticket.method == "PUT"
    assert ticket.max_bytes == 1000

    response = await local.http.put(
        ticket.url, content=b"hello", headers={"Content-Type": "text/plain; charset=utf-8"}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["sha256"] == hashlib.sha256(b"hello").hexdigest()
    sidecar = json.loads((local.store.root / "up" / ".notes.txt.json").read_text())
    assert sidecar["sha256"] == body["sha256"]
    assert sidecar["size"] == 5
    assert sidecar["content_type"] == "text/plain"
    assert (local.store.root / "up" / "notes.txt").read_bytes() == b"hello"


async def test_upload_url_expires(local: Local) -> None:
    ticket = await local.store.presign_upload("up/x.txt", content_type="text/plain", expires_in=1)

    local.clock.now += 2
    response = await local.http.put(ticket.url, content=b"x", headers=dict(ticket.headers))

    assert response.status_code == 403
    assert response.json()["code"] == "SIGNATURE_EXPIRED"
    assert await local.store.head("up/x.txt") is None


@pytest.mark.parametrize(
    ("change", "value"),
    [("max", "999999"), ("type", "text/html"), ("sig", "B" * 43), ("expires", "99999999999")],
)
async def test_tampered_upload_url_is_refused(local: Local, change: str, value: str) -> None:
    ticket = await local.store.presign_upload("up/x.txt", content_type="text/plain")

    response = await local.http.put(
        with_query(ticket.url, **{change: value}), content=b"x", headers=dict(ticket.headers)
    )

    assert response.status_code == 403
    assert response.json()["code"] == "INVALID_SIGNATURE"


async def test_upload_with_another_content_type_is_415(local: Local) -> None:
    ticket = await local.store.presign_upload("up/x.pdf", content_type="application/pdf")

    response = await local.http.put(
        ticket.url, content=b"<html>", headers={"Content-Type": "text/html"}
    )

    assert response.status_code == 415
    assert response.json()["code"] == "CONTENT_TYPE_NOT_ALLOWED"
    assert await local.store.head("up/x.pdf") is None


async def test_upload_declared_too_large_is_413(local: Local) -> None:
    ticket = await local.store.presign_upload("up/x.bin", content_type="text/plain", max_bytes=10)

    response = await local.http.put(ticket.url, content=b"x" * 11, headers=dict(ticket.headers))

    assert response.status_code == 413
    assert response.json()["code"] == "OBJECT_TOO_LARGE"


async def test_streamed_upload_is_cut_off_and_leaves_nothing(local: Local) -> None:
    await local.store.put("up/x.bin", b"old", content_type="text/plain")
    ticket = await local.store.presign_upload("up/x.bin", content_type="text/plain", max_bytes=100)

    async def body() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        for _ in range(10):
            yield b"y" * 30

    response = await local.http.put(ticket.url, content=body(), headers=dict(ticket.headers))

    assert response.status_code == 413
    assert response.json()["code"] == "OBJECT_TOO_LARGE"
    assert await local.store.get("up/x.bin") == b"old"
    assert list((local.store.root / ".tmp").iterdir()) == []


# -- store ---------------------------------------------------------------------------


async def test_verify_detects_changed_content(local: Local) -> None:
    await local.store.put("a.txt", b"original", content_type="text/plain")
    (local.store.root / "a.txt").write_bytes(b"altered!")

    with pytest.raises(ChecksumMismatch):
        await local.store.verify("a.txt")


async def test_verify_records_a_missing_sidecar(local: Local) -> None:
    (local.store.root / "dropped.bin").write_bytes(b"copied in")

    before = await local.store.head("dropped.bin")
    verified = await local.store.verify("dropped.bin")

    assert before is not None
    assert before.sha256 is None
    assert verified.sha256 == hashlib.sha256(b"copied in").hexdigest()
    assert (await local.store.verify("dropped.bin")).sha256 == verified.sha256


async def test_signing_key_is_generated_once_with_mode_0600(
    local_storage_settings: Settings,
) -> None:
    first = LocalObjectStore.from_settings(local_storage_settings)
    key_file = local_storage_settings.data_dir / "storage-signing.key"
    second = LocalObjectStore.from_settings(local_storage_settings)

    url = urlsplit(await first.presign_download("a.txt"))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key_file.read_text().strip())) == 32
    assert second.authorize("GET", "a.txt", query).key == "a.txt"


async def test_ping_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings = Settings.load({}, data_dir=tmp_path / "data", storage_dir=blocker / "objects")

    with pytest.raises(StorageUnavailable) as caught:
        await LocalObjectStore.from_settings(settings).ping()

    assert "\n" not in str(caught.value)
    assert str(caught.value).endswith("(check LMS_STORAGE_DIR)")


# -- limits and keys -------------------------------------------------------------------


def test_limits_narrow_but_never_widen() -> None:
    limits = StorageLimits(max_bytes=100, allowed_content_types=frozenset({"image/*"}))

    narrowed = limits.narrowed(max_bytes=1000, allowed_content_types=["image/png", "text/plain"])

    assert narrowed.max_bytes == 100
    assert narrowed.allowed_content_types == frozenset({"image/png"})
    assert narrowed.check_content_type("IMAGE/PNG; q=1") == "image/png"
    with pytest.raises(ContentTypeNotAllowed):
        narrowed.check_content_type("image/gif")
    with pytest.raises(ObjectTooLarge):
        narrowed.check_size(101)
    narrowed.check_size(100)


@pytest.mark.parametrize("key", ["a", "a/b/c.txt", "courses/2024/Essay é final.pdf"])
def test_valid_keys(key: str) -> None:
    assert validate_key(key) == key
