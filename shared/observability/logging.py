"""Process-wide logging: one line per record, readable text or JSON, with request context.

:func:`configure_logging` installs one handler on the root logger. Every record
it writes carries ``service`` and, when known, ``request_id`` and ``tenant``
(from :mod:`shared.observability.context`) and ``trace_id``/``span_id`` (from the
current OpenTelemetry span). Credentials are scrubbed from messages, extra
fields and tracebacks. uvicorn's loggers are routed through the same handler;
run uvicorn with ``log_config=None`` so it does not install its own.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

from opentelemetry import trace
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from shared.config import Settings
from shared.observability.context import get_request_id, get_tenant
from shared.observability.redaction import is_sensitive_key, redact_text, redact_value

__all__ = [
    "CONTEXT_FIELDS",
    "ContextFilter",
    "JsonLogFormatter",
    "RedactionFilter",
    "TextLogFormatter",
    "configure_logging",
]

CONTEXT_FIELDS = ("service", "request_id", "trace_id", "span_id", "tenant")
"""Attributes added to every record (``None`` while unknown)."""

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")

_HANDLER_MARK = "_lms_observability_handler"
# Not logged as extra fields: logging's own attributes, our text-only summary and
# uvicorn's ANSI-coloured copy of the message.
_NOT_EXTRA = ("lms_context", "color_message")
_STANDARD_ATTRS = frozenset(RESERVED_ATTRS) | {"message", "asctime", *_NOT_EXTRA}


class ContextFilter(logging.Filter):
    """Adds the service name, request id, tenant and trace/span ids to each record.

    Values given explicitly (``logger.info(..., extra={"tenant": "x"})``) win.
    """

    def __init__(self, *, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        values: dict[str, str | None] = {
            "service": self.service,
            "request_id": get_request_id(),
            "tenant": get_tenant(),
            "trace_id": None,
            "span_id": None,
        }
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            values["trace_id"] = format(span_context.trace_id, "032x")
            values["span_id"] = format(span_context.span_id, "016x")
        for name, value in values.items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        record.lms_context = " ".join(
            f"{name}={getattr(record, name)}"
            for name in CONTEXT_FIELDS
            if getattr(record, name, None) is not None
        )
        return True


class RedactionFilter(logging.Filter):
    """Removes credentials from the message and the extra fields of each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            try:
                message = record.getMessage()
            except (TypeError, ValueError):  # a bad format; logging reports it on emit
                message = record.msg
            redacted = redact_text(message)
            if redacted != message:
                record.msg, record.args = redacted, None
        elif isinstance(record.msg, dict):
            record.msg = redact_value(record.msg)
        for name, value in list(vars(record).items()):
            if name in _STANDARD_ATTRS or name in CONTEXT_FIELDS:
                continue
            if is_sensitive_key(name):
                setattr(record, name, "[REDACTED]")
            else:
                setattr(record, name, redact_value(value))
        return True


class TextLogFormatter(logging.Formatter):
    """``2024-05-01 12:00:00,000 INFO    lms.x [service=.. request_id=..] message``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(lms_context)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "lms_context"):
            record.lms_context = ""
        # One record, one line: continuation lines (tracebacks) are indented.
        return super().format(record).replace("\n", "\n    ")

    def formatException(self, ei: Any) -> str:
        return redact_text(super().formatException(ei))


class JsonLogFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, context fields, extras."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, *_NOT_EXTRA],
        )

    def formatException(self, ei: Any) -> str | list[str]:  # type: ignore[override]
        formatted = super().formatException(ei)
        if isinstance(formatted, str):
            return redact_text(formatted)
        return [redact_text(line) for line in formatted]

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {
            key: value
            for key, value in log_data.items()
            if not (key in CONTEXT_FIELDS and value is None)
        }


def configure_logging(
    settings: Settings, *, service: str, stream: TextIO | None = None
) -> logging.Handler:
    """Send every log record to ``stream`` (default: standard output), one line each.

    The format is ``settings.effective_log_format`` (``text`` or ``json``), the
    level ``settings.log_level``. Calling it again replaces the handler installed
    by the previous call instead of adding a second one. Returns the handler.
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stdout)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RedactionFilter())
    handler.addFilter(ContextFilter(service=service))
    formatter: logging.Formatter = (
        JsonLogFormatter() if settings.effective_log_format == "json" else TextLogFormatter()
    )
    handler.setFormatter(formatter)

    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, _HANDLER_MARK, False):
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(settings.log_level)

    for name in UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
        uvicorn_logger.setLevel(logging.NOTSET)
    return handler
