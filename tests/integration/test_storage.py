"""Object-storage behaviour, the same on the local folder and on S3 (moto)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from starlette.applications import Starlette

from shared.config import Settings
from shared.storage import (
    ContentTypeNotAllowed,
    InvalidKey,
    LocalObjectStore,
    ObjectNotFound,
    ObjectStore,
    ObjectTooLarge,
    StorageUnavailable,
    UploadTicket,
    create_object_store,
    storage_routes,
)
from shared.storage.s3 import S3ObjectStore

pytestmark = pytest.mark.integration


@dataclass
class Harness:
    store: ObjectStore
    http: httpx.AsyncClient


@pytest.fixture
async def harness(storage_settings: Settings) -> AsyncIterator[Harness]:
    store = create_object_store(storage_settings.with_overrides(storage_max_upload_bytes=4096))
    await store.start()
    if isinstance(store, LocalObjectStore):
        app = Starlette(routes=storage_routes(store))
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    else:
        http = httpx.AsyncClient()
    async with http:
        yield Harness(store, http)
    await store.close()


async def upload(http: httpx.AsyncClient, ticket: UploadTicket, data: bytes) -> httpx.Response:
    """Upload as a client would, following the ticket."""
    if ticket.method == "PUT":
        return await http.put(ticket.url, content=data, headers=dict(ticket.headers))
    return await http.post(
        ticket.url,
        data=dict(ticket.fields),
        files={"file": ("upload", data, ticket.content_type)},
    )


async def test_put_get_head_delete(harness: Harness) -> None:
    store = harness.store
    data = b"lecture notes\n" * 10

    written = await store.put("courses/c1/notes.txt", data, content_type="text/plain")

    assert written.size == len(data)
    assert written.content_type == "text/plain"
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    assert await store.get("courses/c1/notes.txt") == data
    info = await store.head("courses/c1/notes.txt")
    assert info is not None
    assert (info.size, info.content_type, info.sha256) == (len(data), "text/plain", written.sha256)
    assert info.updated_at.tzinfo is not None

    await store.delete("courses/c1/notes.txt")
    assert await store.head("courses/c1/notes.txt") is None
    with pytest.raises(ObjectNotFound):
        await store.get("courses/c1/notes.txt")
    await store.delete("courses/c1/notes.txt")  # deleting again is no error


async def test_put_replaces_and_updates_checksum(harness: Harness) -> None:
    await harness.store.put("a/b.bin", b"first", content_type="application/octet-stream")
    second = await harness.store.put("a/b.bin", b"second", content_type="image/png")

    assert await harness.store.get("a/b.bin") == b"second"
    info = await harness.store.head("a/b.bin")
    assert info is not None
    assert info.sha256 == second.sha256 == hashlib.sha256(b"second").hexdigest()
    assert info.content_type == "image/png"
    assert (await harness.store.verify("a/b.bin")).sha256 == info.sha256


async def test_missing_objects(harness: Harness) -> None:
    assert await harness.store.head("nothing/here") is None
    with pytest.raises(ObjectNotFound):
        await harness.store.get("nothing/here")
    with pytest.raises(ObjectNotFound):
        await harness.store.verify("nothing/here")


@pytest.mark.parametrize("key", ["", "/abs", "../up", "a/../b", "a//b", ".hidden", "a\\b"])
async def test_unsafe_keys_are_refused(harness: Harness, key: str) -> None:
    with pytest.raises(InvalidKey):
        await harness.store.put(key, b"x", content_type="text/plain")
    with pytest.raises(InvalidKey):
        await harness.store.presign_upload(key, content_type="text/plain")
    with pytest.raises(InvalidKey):
        await harness.store.presign_download(key)


async def test_put_enforces_limits(harness: Harness) -> None:
    with pytest.raises(ObjectTooLarge):
        await harness.store.put("big", b"x" * 4097, content_type="text/plain")
    with pytest.raises(ContentTypeNotAllowed):
        await harness.store.put(
            "pic", b"x", content_type="text/html", allowed_content_types=["image/*"]
        )
    with pytest.raises(ContentTypeNotAllowed):
        await harness.store.put("pic", b"x", content_type="not a type")

    info = await harness.store.put(
        "pic", b"x", content_type="image/png", allowed_content_types=["image/*"]
    )

    assert info.content_type == "image/png"
    assert await harness.store.head("big") is None


async def test_presign_upload_refuses_a_type_not_allowed(harness: Harness) -> None:
    with pytest.raises(ContentTypeNotAllowed):
        await harness.store.presign_upload(
            "up/x", content_type="text/html", allowed_content_types=["application/pdf"]
        )


async def test_presigned_upload_then_download(harness: Harness) -> None:
    data = b"%PDF-1.7 essay"
    ticket = await harness.store.presign_upload(
        "submissions/s1/essay.pdf", content_type="application/pdf", max_bytes=1000
    )
    assert ticket.max_bytes == 1000
    assert ticket.content_type == "application/pdf"

    response = await upload(harness.http, ticket, data)

    assert response.status_code in (200, 201, 204), response.text
    verified = await harness.store.verify("submissions/s1/essay.pdf")
    assert verified.sha256 == hashlib.sha256(data).hexdigest()
    info = await harness.store.head("submissions/s1/essay.pdf")
    assert info is not None
    assert (info.size, info.content_type, info.sha256) == (
        len(data),
        "application/pdf",
        verified.sha256,
    )

    url = await harness.store.presign_download(
        "submissions/s1/essay.pdf", filename="Essay é final.pdf"
    )
    downloaded = await harness.http.get(url)
    assert downloaded.status_code == 200
    assert downloaded.content == data
    disposition = downloaded.headers["content-disposition"]
    assert disposition.startswith("attachment")
    assert "Essay%20%C3%A9%20final.pdf" in disposition


async def test_upload_ticket_caps_max_bytes_at_the_store_limit(harness: Harness) -> None:
    ticket = await harness.store.presign_upload("up/x", content_type="text/plain", max_bytes=10**9)

    assert ticket.max_bytes == 4096


async def test_ping_and_start_twice(harness: Harness) -> None:
    await harness.store.start()
    await harness.store.ping()


async def test_s3_upload_policy_pins_key_type_and_size(s3_settings: Settings) -> None:
    # moto does not enforce POST policies; S3 does. Check the policy S3 will enforce.
    store = create_object_store(s3_settings)
    try:
        await store.start()
        ticket = await store.presign_upload(
            "up/photo.png", content_type="image/png", max_bytes=2048, expires_in=60
        )
    finally:
        await store.close()

    assert ticket.method == "POST"
    assert ticket.fields["key"] == "up/photo.png"
    assert ticket.fields["Content-Type"] == "image/png"
    policy = json.loads(base64.b64decode(ticket.fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 0, 2048] in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert {"key": "up/photo.png"} in conditions
    assert {"bucket": s3_settings.s3_bucket} in conditions
    assert "x-amz-signature" in ticket.fields


async def test_s3_records_the_checksum_of_direct_uploads(s3_settings: Settings) -> None:
    store = S3ObjectStore.from_settings(s3_settings)
    data = b"uploaded by a browser"
    try:
        await store.start()
        ticket = await store.presign_upload("direct/file.txt", content_type="text/plain")
        async with httpx.AsyncClient() as http:
            assert (await upload(http, ticket, data)).status_code == 204
        before = await store.head("direct/file.txt")
        verified = await store.verify("direct/file.txt")
        after = await store.head("direct/file.txt")
    finally:
        await store.close()

    assert before is not None
    assert before.sha256 is None
    assert verified.sha256 == hashlib.sha256(data).hexdigest()
    assert after is not None
    assert after.sha256 == verified.sha256
    assert after.content_type == "text/plain"


async def test_s3_ping_names_the_setting_when_unreachable(s3_settings: Settings) -> None:
    store = create_object_store(s3_settings.with_overrides(s3_endpoint_url="http://127.0.0.1:9"))
    try:
        with pytest.raises(StorageUnavailable) as caught:
            await store.ping()
    finally:
        await store.close()

    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("s3 unreachable at http://127.0.0.1:9: ")
    assert message.endswith("(check LMS_S3_ENDPOINT_URL)")


async def test_s3_ping_names_the_bucket_when_missing(s3_settings: Settings) -> None:
    store = create_object_store(s3_settings)
    try:
        with pytest.raises(StorageUnavailable, match=r"does not exist .*\(check LMS_S3_BUCKET\)$"):
            await store.ping()
    finally:
        await store.close()
