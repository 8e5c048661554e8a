"""File items: signed upload, attach after checking the object, signed download.

The domain functions run on both object stores (the local folder, served by
its signed-URL routes, and S3 on the moto server) with a SQLite courses
database; the GraphQL flow runs on the courses app (local store) on SQLite
and PostgreSQL. Uploads and downloads go over HTTP as a client's would.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from shared.config import Settings
from shared.db import Database, create_database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from shared.storage import (
    LocalObjectStore,
    ObjectNotFound,
    ObjectStore,
    UploadTicket,
    create_object_store,
)
from shared.storage import storage_routes as local_storage_routes
from subgraphs.courses.content import files, items, modules, objects
from subgraphs.courses.content.models import ItemKind, ModuleItem
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import new_id
from tests.factories.courses import outbox_events
from tests.integration.courses.conftest import courses_migrations
from tests.integration.courses.graphql_app import CoursesApp, courses_app, error_codes, gid
from tests.integration.courses.test_content import World, count, make_world

__all__ = ["courses_app"]

PDF = b"%PDF-1.4\n" + b"lecture slides\n" * 64


@dataclass
class Harness:
    database: Database
    store: ObjectStore
    http: httpx.AsyncClient
    world: World
    module_id: str


@pytest.fixture
async def harness(sqlite_settings: Settings, storage_settings: Settings) -> AsyncIterator[Harness]:
    """A SQLite courses database with the world of ``make_world`` and a published module for
    section A, and the object store of ``storage_settings`` (local or S3) with an HTTP client."""
    database = create_database(sqlite_settings, "courses")
    store = create_object_store(storage_settings.with_overrides(storage_max_upload_bytes=4096))
    await store.start()
    if isinstance(store, LocalObjectStore):
        app = Starlette(routes=local_storage_routes(store))
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
    else:
        http = httpx.AsyncClient()
    try:
        await courses_migrations(database).upgrade()
        world = await make_world(database)
        async with database.transaction() as session:
            module = await modules.create_module(
                session,
                actor=world.head,
                course_id=world.course.id,
                title="Slides",
                section_ids=[world.a.id],
            )
            await modules.set_module_published(
                session, actor=world.head, module_id=module.id, published=True
            )
        async with http:
            yield Harness(database, store, http, world, module.id)
    finally:
        await store.close()
        await database.drop()


async def send(http: httpx.AsyncClient, ticket: UploadTicket, data: bytes) -> httpx.Response:
    """Upload ``data`` as a client would, following the ticket."""
    if ticket.method == "PUT":
        return await http.put(ticket.url, content=data, headers=dict(ticket.headers))
    return await http.post(
        ticket.url, data=dict(ticket.fields), files={"file": ("upload", data, ticket.content_type)}
    )


async def upload(h: Harness, data: bytes = PDF, content_type: str = "application/pdf") -> str:
    """Ask for an upload target as the head, upload ``data`` to it; the object key."""
    async with h.database.session() as session:
        target = await files.create_file_upload(
            session,
            actor=h.world.head,
            store=h.store,
            module_id=h.module_id,
            file_name="slides.pdf",
            content_type=content_type,
            size=len(data),
        )
    assert target.ticket.content_type == content_type
    response = await send(h.http, target.ticket, data)
    assert response.status_code in (200, 201, 204), response.text
    return target.object_key


async def attach(h: Harness, key: str, *, publish: bool = True) -> ModuleItem:
    async with h.database.transaction() as session:
        return await files.attach_file(
            session,
            actor=h.world.head,
            store=h.store,
            module_id=h.module_id,
            object_key=key,
            file_name="Week 1 slides.pdf",
            publish=publish,
        )


async def test_upload_attach_and_download(harness: Harness) -> None:
    # given a file uploaded to the target the head was given
    key = await upload(harness)
    # when it is attached to the module
    item = await attach(harness, key)
    # then the item records the stored object, and its creation is announced
    assert (item.kind, item.title, item.file_key) == (ItemKind.FILE, "Week 1 slides.pdf", key)
    assert (item.file_size, item.content_type) == (len(PDF), "application/pdf")
    async with harness.database.session() as session:
        [created] = await outbox_events(session, "course.module_item_created")
    assert (created.subject, created.data["kind"]) == (item.id, "file")
    # and a student of section A downloads exactly the uploaded bytes
    async with harness.database.session() as session:
        link = await files.file_download_url(
            session, actor=harness.world.student_a, store=harness.store, item_id=item.id
        )
    response = await harness.http.get(link.url)
    assert response.status_code == 200
    assert response.content == PDF


async def test_nothing_is_attached_that_was_not_uploaded(harness: Harness) -> None:
    # given an upload target never used, a key outside the course, and an object of a type
    # that is not accepted stored under the course's prefix
    async with harness.database.session() as session:
        unused = await files.create_file_upload(
            session,
            actor=harness.world.head,
            store=harness.store,
            module_id=harness.module_id,
            file_name="x.pdf",
            content_type="application/pdf",
            size=10,
        )
    prefix = unused.object_key.rsplit("/", 1)[0]
    foreign = f"content/{new_id()}/{new_id()}/{new_id()}"
    await harness.store.put(foreign, PDF, content_type="application/pdf")
    program = f"{prefix}/{new_id()}"
    await harness.store.put(program, b"MZ", content_type="application/x-msdownload")
    # when each is attached
    # then the first two were not uploaded for this course, the third is refused by its type
    for key, code in [
        (unused.object_key, CoursesErrorCode.FILE_NOT_UPLOADED),
        (foreign, CoursesErrorCode.FILE_NOT_UPLOADED),
        (program, CoursesErrorCode.UNSUPPORTED_FILE_TYPE),
    ]:
        with pytest.raises(DomainError) as raised:
            await attach(harness, key)
        assert raised.value.error_code is code
    # and no item exists
    assert await count(harness.database, ModuleItem) == 0


async def test_upload_targets_check_type_size_and_who_asks(harness: Harness) -> None:
    world = harness.world

    async def ask(actor: Any, content_type: str = "application/pdf", size: int = 100) -> Any:
        async with harness.database.session() as session:
            return await files.create_file_upload(
                session,
                actor=actor,
                store=harness.store,
                module_id=harness.module_id,
                file_name="notes.pdf",
                content_type=content_type,
                size=size,
            )

    # when a shell script or a file over the store's limit is announced, it is refused
    for content_type, size, code in [
        ("application/x-sh", 10, CoursesErrorCode.UNSUPPORTED_FILE_TYPE),
        ("application/pdf", 4097, CoursesErrorCode.FILE_TOO_LARGE),
    ]:
        with pytest.raises(DomainError) as raised:
            await ask(world.head, content_type, size)
        assert raised.value.error_code is code
    # and the teacher of A gets a target limited to the store's size, for that type only
    target = await ask(world.teacher_a, "image/png", 10)
    assert (target.ticket.max_bytes, target.ticket.content_type) == (4096, "image/png")
    # but the teacher of B and a student are forbidden, another college finds nothing
    for actor in (world.teacher_b, world.student_a):
        with pytest.raises(PermissionDenied):
            await ask(actor)
    with pytest.raises(NotFoundError):
        await ask(world.stranger)


async def test_downloads_follow_what_the_reader_sees(harness: Harness) -> None:
    # given a published file item, and a link item, in the module for section A
    world = harness.world
    item = await attach(harness, await upload(harness))
    async with harness.database.transaction() as session:
        link = await items.create_link_item(
            session,
            actor=world.head,
            module_id=harness.module_id,
            title="Site",
            url="https://example.org",
            publish=True,
        )

    async def download(actor: Any, item_id: str) -> files.Download:
        async with harness.database.session() as session:
            return await files.file_download_url(
                session, actor=actor, store=harness.store, item_id=item_id
            )

    # when a student of B or another college asks for the file, it does not exist for them
    for actor in (world.student_b, world.stranger):
        with pytest.raises(NotFoundError):
            await download(actor, item.id)
    # and a link has no download
    with pytest.raises(DomainError) as raised:
        await download(world.student_a, link.id)
    assert raised.value.error_code is CoursesErrorCode.WRONG_ITEM_KIND
    # when the module comes to require another one the student has not completed
    async with harness.database.transaction() as session:
        first = await modules.create_module(
            session, actor=world.head, course_id=world.course.id, title="First"
        )
        await modules.set_module_published(
            session, actor=world.head, module_id=first.id, published=True
        )
        await items.create_page_item(
            session, actor=world.head, module_id=first.id, title="Read", body="x", publish=True
        )
        await modules.set_prerequisites(
            session, actor=world.head, module_id=harness.module_id, required_module_ids=[first.id]
        )
    # then the file is locked for the student, but not for the teacher
    with pytest.raises(DomainError) as raised:
        await download(world.student_a, item.id)
    assert raised.value.error_code is CoursesErrorCode.MODULE_LOCKED
    assert (await download(world.teacher_a, item.id)).url


async def attach_to(h: Harness, module_id: str, key: str) -> ModuleItem:
    """Attach ``key`` to ``module_id`` as the head."""
    async with h.database.transaction() as session:
        return await files.attach_file(
            session,
            actor=h.world.head,
            store=h.store,
            module_id=module_id,
            object_key=key,
            file_name="notes.pdf",
        )


async def stored(store: ObjectStore, key: str) -> bool:
    """Whether ``key`` can still be read from ``store``."""
    try:
        await store.get(key)
    except ObjectNotFound:
        return False
    return True


async def test_deleting_file_items_and_modules_deletes_their_objects(harness: Harness) -> None:
    # given module M with files x and y, and module N with z and the same upload as y
    h = harness
    async with h.database.transaction() as session:
        other = await modules.create_module(
            session, actor=h.world.head, course_id=h.world.course.id, title="More"
        )
    kx, ky, kz = await upload(h), await upload(h), await upload(h)
    x = await attach_to(h, h.module_id, kx)
    await attach_to(h, h.module_id, ky)
    await attach_to(h, other.id, ky)
    await attach_to(h, other.id, kz)

    async def delete_released(work: Any) -> objects.Deleted:
        return await objects.delete_released(h.database, h.store, work)

    # when item x is deleted
    gone_x = await delete_released(
        lambda session: items.delete_item(session, actor=h.world.head, item_id=x.id)
    )
    # then its object is deleted from storage, the others stay
    assert gone_x == objects.Deleted(id=x.id, object_keys=(kx,))
    assert [await stored(h.store, key) for key in (kx, ky, kz)] == [False, True, True]
    # when module M is deleted, y's upload stays for module N's item
    gone_m = await delete_released(
        lambda session: modules.delete_module(session, actor=h.world.head, module_id=h.module_id)
    )
    assert gone_m.object_keys == ()
    assert [await stored(h.store, key) for key in (ky, kz)] == [True, True]
    # and when module N is deleted, both of its objects go
    gone_n = await delete_released(
        lambda session: modules.delete_module(session, actor=h.world.head, module_id=other.id)
    )
    assert gone_n.object_keys == tuple(sorted((ky, kz)))
    assert [await stored(h.store, key) for key in (ky, kz)] == [False, False]
    assert await count(h.database, ModuleItem) == 0


async def test_a_deletion_that_does_not_commit_keeps_the_file(harness: Harness) -> None:
    # given a file item in module M
    h = harness
    key = await upload(h)
    item = await attach(h, key)

    async def then_fail(deletion: Any) -> objects.Deleted:
        await deletion
        raise RuntimeError("the transaction fails after the deletion")

    # when deleting the item, then the module, fails before the transaction commits
    with pytest.raises(RuntimeError):
        await objects.delete_released(
            h.database,
            h.store,
            lambda session: then_fail(
                items.delete_item(session, actor=h.world.head, item_id=item.id)
            ),
        )
    with pytest.raises(RuntimeError):
        await objects.delete_released(
            h.database,
            h.store,
            lambda session: then_fail(
                modules.delete_module(session, actor=h.world.head, module_id=h.module_id)
            ),
        )
    # then the item and its file are both still there
    assert await count(h.database, ModuleItem) == 1
    assert await h.store.get(key) == PDF


async def test_a_store_failing_to_delete_is_logged_not_raised(
    harness: Harness, s3_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # given a file item, and a store whose bucket does not exist
    h = harness
    item = await attach(h, await upload(h))
    broken = create_object_store(s3_settings.with_overrides(s3_bucket=f"lmstest-gone-{new_id()}"))
    # when the item is deleted with that store
    try:
        with caplog.at_level(logging.WARNING, logger=objects.__name__):
            deleted = await objects.delete_released(
                h.database,
                broken,
                lambda session: items.delete_item(session, actor=h.world.head, item_id=item.id),
            )
    finally:
        await broken.close()
    # then the item is gone, and the object left over is logged
    assert deleted.object_keys == (item.file_key,)
    assert await count(h.database, ModuleItem) == 0
    [record] = [r for r in caplog.records if r.name == objects.__name__]
    assert record.levelno == logging.WARNING
    assert str(item.file_key) in record.getMessage()


# -- the same flow through GraphQL ----------------------------------------------------------
UPLOAD_CREATE = """
mutation($input: ContentFileUploadCreateInput!) {
  contentFileUploadCreate(input: $input) {
    upload { objectKey url method headers { name value } fields { name value } maxBytes }
    errors { field code }
  }
}
"""
ATTACH = """
mutation($input: ModuleItemFileAttachInput!) {
  moduleItemFileAttach(input: $input) {
    item { id title ... on FileItem { fileName sizeBytes contentType downloadUrl } }
    errors { field code }
  }
}
"""
MODULE_ITEMS = """
query($id: ID!) {
  module(id: $id) { items { locked ... on FileItem { fileName downloadUrl } } }
}
"""


async def test_a_teacher_uploads_and_a_student_downloads_over_graphql(
    courses_app: CoursesApp,
) -> None:
    # given a published module for section A made by its teacher
    world = await make_world(courses_app.service.database)
    async with courses_app.service.database.transaction() as session:
        module = await modules.create_module(
            session, actor=world.teacher_a, course_id=world.course.id, title="Slides"
        )
        await modules.set_module_published(
            session, actor=world.teacher_a, module_id=module.id, published=True
        )
    module_id = gid("Module", module.id)
    # when the teacher asks for an upload target and sends the file to it
    body = await courses_app.data(
        UPLOAD_CREATE,
        {
            "input": {
                "moduleId": module_id,
                "fileName": "slides.pdf",
                "contentType": "application/pdf",
                "sizeBytes": len(PDF),
            }
        },
        as_=world.teacher_a,
    )
    target = body["contentFileUploadCreate"]["upload"]
    assert target["method"] == "PUT"
    headers = {entry["name"]: entry["value"] for entry in target["headers"]}
    sent = await courses_app.client.put(target["url"], content=PDF, headers=headers)
    assert sent.status_code in (200, 201, 204), sent.text
    # and attaches it, published
    attached = await courses_app.data(
        ATTACH,
        {
            "input": {
                "moduleId": module_id,
                "objectKey": target["objectKey"],
                "fileName": "slides.pdf",
                "title": "Week 1 slides",
                "publish": True,
            }
        },
        as_=world.teacher_a,
    )
    item = attached["moduleItemFileAttach"]["item"]
    assert attached["moduleItemFileAttach"]["errors"] == []
    assert (item["title"], item["sizeBytes"], item["contentType"]) == (
        "Week 1 slides",
        len(PDF),
        "application/pdf",
    )
    # then the student of A downloads the same bytes through the signed URL
    seen = await courses_app.data(MODULE_ITEMS, {"id": module_id}, as_=world.student_a)
    [file_item] = seen["module"]["items"]
    assert (file_item["locked"], file_item["fileName"]) == (False, "slides.pdf")
    downloaded = await courses_app.client.get(file_item["downloadUrl"])
    assert downloaded.status_code == 200
    assert downloaded.content == PDF
    # and attaching a key nothing was uploaded to is an error in the payload
    again = await courses_app.data(
        ATTACH,
        {
            "input": {
                "moduleId": module_id,
                "objectKey": target["objectKey"] + "-missing",
                "fileName": "x.pdf",
            }
        },
        as_=world.teacher_a,
    )
    assert again["moduleItemFileAttach"] == {
        "item": None,
        "errors": [{"field": "objectKey", "code": "FILE_NOT_UPLOADED"}],
    }


ITEM_DELETE = """
mutation($id: ID!) { moduleItemDelete(input: {id: $id}) { deletedId errors { field code } } }
"""
MODULE_DELETE = """
mutation($id: ID!) { moduleDelete(input: {id: $id}) { deletedId errors { field code } } }
"""


async def test_deleting_over_graphql_deletes_the_stored_files(courses_app: CoursesApp) -> None:
    # given a module of section A with two file items uploaded to the app's store
    service = courses_app.service
    store = service.platform.storage
    world = await make_world(service.database)
    async with service.database.transaction() as session:
        module = await modules.create_module(
            session, actor=world.teacher_a, course_id=world.course.id, title="Slides"
        )
    keys, item_ids = [], []
    for name in ("one.pdf", "two.pdf"):
        async with service.database.session() as session:
            target = await files.create_file_upload(
                session,
                actor=world.teacher_a,
                store=store,
                module_id=module.id,
                file_name=name,
                content_type="application/pdf",
                size=len(PDF),
            )
        await store.put(target.object_key, PDF, content_type="application/pdf")
        async with service.database.transaction() as session:
            item = await files.attach_file(
                session,
                actor=world.teacher_a,
                store=store,
                module_id=module.id,
                object_key=target.object_key,
                file_name=name,
            )
        keys.append(target.object_key)
        item_ids.append(gid("ModuleItem", item.id))
    # when a student tries to delete the first item, then its teacher deletes it
    refused = await courses_app.post(ITEM_DELETE, {"id": item_ids[0]}, as_=world.student_a)
    kept = await stored(store, keys[0])
    deleted = await courses_app.data(ITEM_DELETE, {"id": item_ids[0]}, as_=world.teacher_a)
    # then the refusal kept the file, the deletion removed it, and the second file stays
    assert error_codes(refused) == ["FORBIDDEN"]
    assert kept
    assert deleted["moduleItemDelete"] == {"deletedId": item_ids[0], "errors": []}
    assert [await stored(store, key) for key in keys] == [False, True]
    # and when the teacher deletes the module, its remaining file goes too
    gone = await courses_app.data(
        MODULE_DELETE, {"id": gid("Module", module.id)}, as_=world.teacher_a
    )
    assert gone["moduleDelete"]["errors"] == []
    assert not await stored(store, keys[1])
