"""The event envelope every service publishes and consumes.

An :class:`Event` is immutable and travels as compact UTF-8 JSON::

    {"id": "…", "type": "course.created", "source": "courses",
     "time": "2025-01-01T00:00:00+00:00", "tenant": "college-1",
     "subject": "course-42", "data": {…}, "schema_version": 1,
     "origin": {"request_id": "…", "ip": "203.0.113.7", "user_agent": "…"}}

``origin`` (optional, absent when unknown) says which request caused the
event: its id (the ``X-Request-ID`` in the logs of every service it went
through) and the client's address and user agent. The outbox stamps it from
the request being handled (:func:`shared.events.outbox.emit`); a consumer
handling an event binds it again, so what the consumer publishes in turn
carries the same origin.

The part of ``type`` before the first dot is the event's *domain*
(``course`` for ``course.created``); it decides the topic (see
:mod:`shared.events.topics`).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Event", "EventDecodeError", "Origin"]

_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


class EventDecodeError(ValueError):
    """Bytes that are not a valid event envelope."""


@dataclass(frozen=True, kw_only=True)
class Origin:
    """The request that caused an event: its id, and the client's address and user agent."""

    request_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None

    def to_dict(self) -> dict[str, str]:
        fields = {"request_id": self.request_id, "ip": self.ip, "user_agent": self.user_agent}
        return {key: value for key, value in fields.items() if value is not None}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Origin | None:
        """The origin ``doc`` describes; ``None`` when it names nothing."""
        values = {
            key: str(doc[key])
            for key in ("request_id", "ip", "user_agent")
            if doc.get(key) is not None
        }
        return cls(**values) if values else None


@dataclass(frozen=True, kw_only=True)
class Event:
    """One domain event: what happened (``type``) to what (``subject``), where, when."""

    id: str
    type: str
    source: str
    time: datetime
    tenant: str | None
    subject: str
    data: Mapping[str, Any] = field(default_factory=dict)
    schema_version: int = 1
    origin: Origin | None = None

    def __post_init__(self) -> None:
        if not _TYPE_PATTERN.match(self.type):
            raise ValueError(
                f"invalid event type {self.type!r}: expected lower-case '<domain>.<name>', "
                "for example 'course.created'"
            )
        if self.time.tzinfo is None:
            raise ValueError("event time must be timezone-aware (UTC)")
        if self.schema_version < 1:
            raise ValueError("event schema_version must be 1 or more")

    @classmethod
    def new(
        cls,
        *,
        type: str,
        source: str,
        subject: str,
        data: Mapping[str, Any] | None = None,
        tenant: str | None = None,
        schema_version: int = 1,
    ) -> Event:
        """A new event with a fresh id, stamped now (UTC)."""
        return cls(
            id=str(uuid.uuid4()),
            type=type,
            source=source,
            time=datetime.now(UTC),
            tenant=tenant,
            subject=subject,
            data=dict(data or {}),
            schema_version=schema_version,
        )

    @property
    def domain(self) -> str:
        """The family of the event: ``course`` for ``course.created``."""
        return self.type.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        doc = {
            "id": self.id,
            "type": self.type,
            "source": self.source,
            "time": self.time.astimezone(UTC).isoformat(),
            "tenant": self.tenant,
            "subject": self.subject,
            "data": dict(self.data),
            "schema_version": self.schema_version,
        }
        if self.origin is not None:
            doc["origin"] = self.origin.to_dict()
        return doc

    def to_json(self) -> bytes:
        """Compact UTF-8 JSON; ``data`` must be JSON-serialisable."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> Event:
        """Parse :meth:`to_json` output; raises :class:`EventDecodeError` when malformed."""
        try:
            doc = json.loads(raw)
            if not isinstance(doc, dict):
                raise TypeError("not a JSON object")
            data = doc.get("data") or {}
            if not isinstance(data, dict):
                raise TypeError("data is not a JSON object")
            tenant = doc.get("tenant")
            origin = doc.get("origin")
            if origin is not None and not isinstance(origin, dict):
                raise TypeError("origin is not a JSON object")
            return cls(
                id=str(doc["id"]),
                type=str(doc["type"]),
                source=str(doc["source"]),
                time=datetime.fromisoformat(str(doc["time"])),
                tenant=None if tenant is None else str(tenant),
                subject=str(doc["subject"]),
                data=data,
                schema_version=int(doc.get("schema_version", 1)),
                origin=Origin.from_dict(origin) if origin else None,
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise EventDecodeError(f"not an event envelope: {exc}") from exc
