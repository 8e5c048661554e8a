"""Avatars through GraphQL: upload over HTTP, confirm, normalised image, refusals, removal.

Runs on SQLite and PostgreSQL, with the local store (signed ``PUT /files/...``
served by the app) and S3 (a presigned POST to the moto server). Images are
made by Pillow; the stored avatar is downloaded through its signed URL and
decoded again.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from PIL import Image, ImageCms

from shared.config import Settings
from subgraphs.users.models import Profile
from subgraphs.users.settings import UsersSettings
from tests.factories.users import outbox_events
from tests.fixtures.s3 import LOCAL_PUBLIC_URL
from tests.integration.users.graphql_app import (
    ADMIN,
    UsersApp,
    World,
    error_codes,
    running_users_app,
    user_gid,
    world,
)

__all__ = ["world"]

AVATAR_SIZE = 128
MAX_PIXELS = 1_000_000

UPLOAD = """
mutation($input: AvatarUploadCreateInput!) {
  avatarUploadCreate(input: $input) {
    upload { objectKey url method contentType maxBytes expiresAt
             headers { name value } fields { name value } }
    errors { field code message }
  }
}
"""
CONFIRM = """
mutation($input: AvatarConfirmInput!) {
  avatarConfirm(input: $input) {
    profile { avatar { url contentType width height } }
    errors { field code message }
  }
}
"""
REMOVE = """
mutation($input: AvatarRemoveInput!) {
  avatarRemove(input: $input) { profile { avatar { url } } errors { code } }
}
"""


@pytest.fixture(params=["sqlite-local", "sqlite-s3", "postgres-local", "postgres-s3"])
def db_settings(request: pytest.FixtureRequest) -> Settings:
    """Each database with each object store, and small avatar limits to test against."""
    database, store = request.param.split("-")
    base: Settings = request.getfixturevalue(f"{database}_settings")
    if store == "local":
        base = base.with_overrides(public_url=LOCAL_PUBLIC_URL)
    else:
        s3: Settings = request.getfixturevalue("s3_settings")
        base = base.with_overrides(
            storage_backend="s3",
            s3_endpoint_url=s3.s3_endpoint_url,
            s3_bucket=s3.s3_bucket,
            s3_region=s3.s3_region,
            s3_access_key_id=s3.s3_access_key_id,
            s3_secret_access_key=s3.s3_secret_access_key,
        )
    return Settings.load(
        {
            "LMS_USERS_AVATAR_SIZE": str(AVATAR_SIZE),
            "LMS_USERS_AVATAR_MAX_PIXELS": str(MAX_PIXELS),
        },
        sections=[UsersSettings],
        **base.model_dump(),
    )


@pytest.fixture
async def users_app(db_settings: Settings) -> AsyncIterator[UsersApp]:
    async with running_users_app(db_settings) as running:
        yield running


def image_bytes(
    size: tuple[int, int], *, format: str, mode: str = "RGB", colour: Any = (200, 30, 30)
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=format)
    return out.getvalue()


def _client_for(app: UsersApp, url: str) -> httpx.AsyncClient:
    """The app's own client for its signed ``/files`` URLs, a real one for S3."""
    return app.client if url.startswith(LOCAL_PUBLIC_URL) else httpx.AsyncClient()


async def _send(app: UsersApp, target: dict[str, Any], content: bytes) -> None:
    client = _client_for(app, target["url"])
    if target["method"] == "PUT":
        headers = {entry["name"]: entry["value"] for entry in target["headers"]}
        response = await client.put(target["url"], content=content, headers=headers)
    else:
        fields = {entry["name"]: entry["value"] for entry in target["fields"]}
        response = await client.post(
            target["url"],
            data=fields,
            files={"file": ("avatar", content, target["contentType"])},
        )
    if client is not app.client:
        await client.aclose()
    assert response.status_code in (200, 201, 204), response.text


async def _target(
    app: UsersApp, token: str, content_type: str, size: int, **extra: Any
) -> dict[str, Any]:
    body = await app.post(
        UPLOAD, {"input": {"contentType": content_type, "sizeBytes": size, **extra}}, token=token
    )
    payload: dict[str, Any] = body["data"]["avatarUploadCreate"]
    assert payload["errors"] == []
    return dict(payload["upload"])


async def _upload(app: UsersApp, token: str, content: bytes, content_type: str) -> str:
    """Ask for a target, send ``content`` to it over HTTP; the object key."""
    target = await _target(app, token, content_type, len(content))
    assert target["contentType"] == content_type
    await _send(app, target, content)
    key: str = target["objectKey"]
    return key


async def _confirm(app: UsersApp, token: str, key: str, **extra: Any) -> dict[str, Any]:
    body = await app.post(CONFIRM, {"input": {"objectKey": key, **extra}}, token=token)
    assert "errors" not in body, body["errors"]
    payload: dict[str, Any] = body["data"]["avatarConfirm"]
    return payload


async def _download(app: UsersApp, url: str) -> bytes:
    client = _client_for(app, url)
    response = await client.get(url)
    if client is not app.client:
        await client.aclose()
    assert response.status_code == 200
    return response.content


async def _stored(app: UsersApp, user_id: str) -> Profile:
    async with app.service.database.session() as session:
        profile = await session.get(Profile, user_id)
    assert profile is not None
    return profile


async def test_a_png_becomes_a_square_png_and_the_upload_is_deleted(
    users_app: UsersApp, world: World
) -> None:
    token = world.tokens["student_a"]
    store = users_app.service.platform.storage
    # given a wide PNG with transparency, uploaded over HTTP to the target the API gave
    key = await _upload(
        users_app,
        token,
        image_bytes((800, 600), format="PNG", mode="RGBA", colour=(0, 0, 255, 90)),
        "image/png",
    )
    # when the student confirms it
    payload = await _confirm(users_app, token, key)
    # then the avatar is a square PNG of the configured size
    assert payload["errors"] == []
    avatar = payload["profile"]["avatar"]
    assert (avatar["contentType"], avatar["width"], avatar["height"]) == (
        "image/png",
        AVATAR_SIZE,
        AVATAR_SIZE,
    )
    # and its signed URL serves that image, transparency kept
    with Image.open(io.BytesIO(await _download(users_app, avatar["url"]))) as served:
        assert (served.format, served.size, served.mode) == ("PNG", (128, 128), "RGBA")
    # and the upload is gone, the image stored under the profile's avatar key
    stored = await _stored(users_app, world.student_a.user_id)
    assert stored.avatar_key is not None
    assert stored.avatar_key.startswith(f"avatars/{stored.college_id}/{stored.user_id}/")
    assert await store.head(key) is None
    assert await store.head(stored.avatar_key) is not None
    # and one profile.updated says the avatar changed
    async with users_app.service.database.session() as session:
        updated = await outbox_events(session, "profile.updated")
    assert [e.data["changed"] for e in updated] == [["avatar_key"]]


async def test_a_new_jpeg_replaces_the_old_image_and_small_images_are_not_enlarged(
    users_app: UsersApp, world: World
) -> None:
    token = world.tokens["student_a"]
    store = users_app.service.platform.storage
    # given an avatar made from a WebP
    first = await _upload(users_app, token, image_bytes((300, 200), format="WEBP"), "image/webp")
    assert (await _confirm(users_app, token, first))["errors"] == []
    old_key = (await _stored(users_app, world.student_a.user_id)).avatar_key
    assert old_key is not None
    # when a small JPEG replaces it
    second = await _upload(users_app, token, image_bytes((60, 40), format="JPEG"), "image/jpeg")
    payload = await _confirm(users_app, token, second)
    # then the avatar is a 40x40 JPEG (cropped, never enlarged)
    avatar = payload["profile"]["avatar"]
    assert (avatar["contentType"], avatar["width"], avatar["height"]) == ("image/jpeg", 40, 40)
    with Image.open(io.BytesIO(await _download(users_app, avatar["url"]))) as served:
        assert (served.format, served.size) == ("JPEG", (40, 40))
    # and the previous image is deleted from the store
    assert await store.head(old_key) is None


async def test_refused_files_leave_the_old_avatar(users_app: UsersApp, world: World) -> None:
    token = world.tokens["student_a"]
    store = users_app.service.platform.storage
    profile = world.student_a
    # given an avatar
    first = await _upload(users_app, token, image_bytes((100, 100), format="PNG"), "image/png")
    assert (await _confirm(users_app, token, first))["errors"] == []
    before = await _stored(users_app, profile.user_id)
    uploads = f"avatars/{profile.college_id}/{profile.user_id}/uploads/"
    # and refused files: a text file named and declared PNG, a truncated PNG, too many
    # pixels, and a file larger than the limit written past the upload target
    text = await _upload(users_app, token, b"name,email\nAda,ada@example.edu\n", "image/png")
    truncated = await _upload(
        users_app, token, image_bytes((400, 400), format="PNG")[:200], "image/png"
    )
    huge = await _upload(users_app, token, image_bytes((1200, 1000), format="PNG"), "image/png")
    too_large = f"{uploads}too-large"
    limit = users_app.service.platform.settings.section(UsersSettings).avatar_max_bytes
    await store.put(too_large, b"\x89PNG\r\n\x1a\n" + b"0" * limit, content_type="image/png")
    cases = [
        (text, "AVATAR_NOT_AN_IMAGE"),
        (truncated, "AVATAR_UNREADABLE"),
        (huge, "AVATAR_TOO_MANY_PIXELS"),
        (too_large, "AVATAR_TOO_LARGE"),
        (f"{uploads}never-uploaded", "AVATAR_NOT_UPLOADED"),
        (
            f"avatars/{profile.college_id}/{world.classmate_a.user_id}/uploads/x",
            "INVALID_AVATAR_KEY",
        ),
    ]
    for key, code in cases:
        # when each is confirmed
        payload = await _confirm(users_app, token, key)
        # then it is refused with its code, and the refused upload is deleted
        assert payload["profile"] is None
        assert [e["code"] for e in payload["errors"]] == [code], key
        if key.startswith(uploads):
            assert await store.head(key) is None
    # and the old avatar is untouched, and no event was written for the refusals
    after = await _stored(users_app, profile.user_id)
    assert (after.avatar_key, after.avatar_width) == (before.avatar_key, before.avatar_width)
    assert before.avatar_key is not None
    assert await store.head(before.avatar_key) is not None
    async with users_app.service.database.session() as session:
        assert len(await outbox_events(session, "profile.updated")) == 1


async def test_upload_targets_are_refused_for_wrong_types_and_sizes(
    users_app: UsersApp, world: World
) -> None:
    token = world.tokens["student_a"]
    cases = [
        ({"contentType": "text/plain", "sizeBytes": 10}, "contentType", "AVATAR_TYPE_NOT_ALLOWED"),
        ({"contentType": "image/gif", "sizeBytes": 10}, "contentType", "AVATAR_TYPE_NOT_ALLOWED"),
        ({"contentType": "image/png", "sizeBytes": 50_000_000}, "sizeBytes", "AVATAR_TOO_LARGE"),
    ]
    for given, field, code in cases:
        body = await users_app.post(UPLOAD, {"input": given}, token=token)
        payload = body["data"]["avatarUploadCreate"]
        assert payload["upload"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]


async def test_who_may_change_an_avatar_and_removal(users_app: UsersApp, world: World) -> None:
    store = users_app.service.platform.storage
    classmate = {"userId": user_gid(world.classmate_a)}
    # when a student asks for a target for a classmate's avatar, then it is forbidden
    body = await users_app.post(
        UPLOAD,
        {"input": {"contentType": "image/png", "sizeBytes": 10, **classmate}},
        token=world.tokens["student_a"],
    )
    assert error_codes(body) == ["FORBIDDEN"]
    # and an admin of another college is told it does not exist
    admin_b = users_app.token_for(world.student_b, ADMIN)
    body = await users_app.post(REMOVE, {"input": classmate}, token=admin_b)
    assert error_codes(body) == ["NOT_FOUND"]
    # when the college admin sets the classmate's avatar, it is theirs
    admin = world.tokens["admin_a"]
    content = image_bytes((90, 90), format="PNG")
    target = await _target(users_app, admin, "image/png", len(content), **classmate)
    await _send(users_app, target, content)
    assert (await _confirm(users_app, admin, target["objectKey"], **classmate))["errors"] == []
    key = (await _stored(users_app, world.classmate_a.user_id)).avatar_key
    assert key is not None
    # and when the classmate removes it, the profile has none and the image is deleted
    removed = await users_app.post(REMOVE, {"input": {}}, token=world.tokens["classmate_a"])
    assert removed["data"]["avatarRemove"] == {"profile": {"avatar": None}, "errors": []}
    assert (await _stored(users_app, world.classmate_a.user_id)).avatar_key is None
    assert await store.head(key) is None


RED = (255, 0, 0)
BLUE = (0, 0, 255)
ORIENTATION = 0x0112
GPS_IFD = 0x8825
SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def sideways_photo() -> bytes:
    """A phone photo stored sideways: 200x100, left half red, right half blue.

    Its EXIF says Orientation 6 (turn 90 degrees clockwise to display) and
    carries a GPS position; a JPEG comment names the place too. Its colour
    profile is sRGB.
    """
    image = Image.new("RGB", (200, 100), RED)
    image.paste(BLUE, (100, 0, 200, 100))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (53.0, 20.0, 41.0)
    out = io.BytesIO()
    image.save(
        out,
        format="JPEG",
        quality=95,
        exif=exif,
        comment=b"kitchen, 12 Home St",
        icc_profile=SRGB_PROFILE,
    )
    return out.getvalue()


def _close(pixel: Any, colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(pixel, colour, strict=True))


async def test_a_sideways_photo_is_stored_upright_without_its_metadata(
    users_app: UsersApp, world: World
) -> None:
    token = world.tokens["student_a"]
    store = users_app.service.platform.storage
    # given a photo stored sideways with EXIF orientation 6: turned upright it is 100x200,
    # the stored left (red) edge on top and the right (blue) edge at the bottom
    photo = sideways_photo()
    with Image.open(io.BytesIO(photo)) as sent:
        assert sent.getexif()[ORIENTATION] == 6
    key = await _upload(users_app, token, photo, "image/jpeg")
    # when the student confirms it
    payload = await _confirm(users_app, token, key)
    assert payload["errors"] == []
    # then the stored avatar is the centred 100x100 square of the upright picture:
    # red on top, blue at the bottom (not red left, blue right, as stored)
    stored = await _stored(users_app, world.student_a.user_id)
    assert stored.avatar_key is not None
    data = await store.get(stored.avatar_key)
    with Image.open(io.BytesIO(data)) as avatar:
        assert (avatar.format, avatar.size) == ("JPEG", (100, 100))
        rgb = avatar.convert("RGB")
        for x in (10, 50, 90):
            assert _close(rgb.getpixel((x, 20)), RED), (x, rgb.getpixel((x, 20)))
            assert _close(rgb.getpixel((x, 80)), BLUE), (x, rgb.getpixel((x, 80)))
        # and neither the EXIF (orientation, GPS position) nor the comment was kept
        assert "exif" not in avatar.info
        assert dict(avatar.getexif()) == {}
        assert "comment" not in avatar.info
        # but its colour profile was
        assert avatar.info.get("icc_profile") == SRGB_PROFILE
    assert b"Exif\x00\x00" not in data
    assert b"Home St" not in data
