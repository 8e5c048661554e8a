"""The GraphQL shape of a signed upload target, the same in every subgraph that takes files.

A mutation such as ``avatarUploadCreate`` answers with an
:class:`UploadTarget`: where and how the client sends the file's bytes
(straight to the object store, never through the API), and the
``objectKey`` to hand to the mutation that then uses the file. Both types
are ``@shareable`` value types: each subgraph declares them identically
(they come from this one module), and composition merges them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from shared.storage import UploadTicket

__all__ = ["UploadEntry", "UploadTarget", "ticket_fields", "upload_entries"]


@strawberry.federation.type(
    shareable=True,
    description="A name and value to send with an upload (form field or header).",
)
class UploadEntry:
    name: str = strawberry.field(description="Name of the form field or header.")
    value: str = strawberry.field(description="Its value, sent as it is.")


def ticket_fields(ticket: UploadTicket) -> dict[str, Any]:
    """The fields an upload target type shows of ``ticket``: url, method, headers, form
    fields, content type, size limit and expiry (for types that add fields of their own)."""
    return {
        "url": ticket.url,
        "method": ticket.method,
        "headers": upload_entries(ticket.headers),
        "fields": upload_entries(ticket.fields),
        "content_type": ticket.content_type,
        "max_bytes": ticket.max_bytes,
        "expires_at": ticket.expires_at,
    }


def upload_entries(values: Mapping[str, str]) -> list[UploadEntry]:
    """``values`` as a list of :class:`UploadEntry`, in their order."""
    return [UploadEntry(name=name, value=value) for name, value in values.items()]


@strawberry.federation.type(
    shareable=True,
    description="How to upload a file without going through the API. `method` PUT: send the "
    "file's bytes as the body to `url` with every `headers` entry. `method` POST: send a "
    "`multipart/form-data` form to `url` with every `fields` entry, then the file in a part "
    "named `file`. Then pass `objectKey` to the mutation that uses the file.",
)
class UploadTarget:
    object_key: str = strawberry.field(
        description="Where the file will be stored; pass it on once it is uploaded."
    )
    url: str = strawberry.field(description="Where to send the file.")
    method: str = strawberry.field(description="PUT (local store) or POST (S3 presigned form).")
    headers: list[UploadEntry] = strawberry.field(description="Headers to send (PUT).")
    fields: list[UploadEntry] = strawberry.field(description="Form fields to send (POST).")
    content_type: str = strawberry.field(description="The content type to upload as.")
    max_bytes: int = strawberry.field(description="The largest file the target accepts.")
    expires_at: datetime = strawberry.field(description="When the target stops accepting it.")

    @classmethod
    def of(cls, object_key: str, ticket: UploadTicket) -> UploadTarget:
        """The target of ``ticket`` (from ``ObjectStore.presign_upload``) for ``object_key``."""
        return cls(object_key=object_key, **ticket_fields(ticket))
