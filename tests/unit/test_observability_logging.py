"""Log output: formats, request context, redaction, idempotence, uvicorn routing."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from shared.config import Settings
from shared.observability import bind_context, configure_logging
from shared.observability.logging import UVICORN_LOGGERS

LOGGER = logging.getLogger("tests.observability")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    uvicorn = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate)
        for name in UVICORN_LOGGERS
    }
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for name, (saved, propagate) in uvicorn.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = saved
        logger.propagate = propagate


def _configure(fmt: str, *, level: str = "DEBUG") -> io.StringIO:
    stream = io.StringIO()
    settings = Settings.load({"LMS_LOG_FORMAT": fmt, "LMS_LOG_LEVEL": level})
    configure_logging(settings, service="courses", stream=stream)
    return stream


def _json_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.usefixtures("restore_logging")
def test_json_records_carry_service_request_id_and_tenant() -> None:
    stream = _configure("json")

    with bind_context(request_id="req-1", tenant="college-7"):
        LOGGER.info("enrolled %s", "ada", extra={"course_id": 42})

    (record,) = _json_lines(stream)
    assert record["message"] == "enrolled ada"
    assert record["level"] == "INFO"
    assert record["logger"] == "tests.observability"
    assert record["service"] == "courses"
    assert record["request_id"] == "req-1"
    assert record["tenant"] == "college-7"
    assert record["course_id"] == 42
    assert "time" in record


@pytest.mark.usefixtures("restore_logging")
def test_json_omits_context_that_is_unknown() -> None:
    stream = _configure("json")

    LOGGER.warning("outside any request")

    (record,) = _json_lines(stream)
    assert record["service"] == "courses"
    for absent in ("request_id", "tenant", "trace_id", "span_id", "lms_context"):
        assert absent not in record


@pytest.mark.usefixtures("restore_logging")
def test_text_format_is_one_readable_line_per_record() -> None:
    stream = _configure("text")

    with bind_context(request_id="req-2"):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            LOGGER.exception("failed")

    lines = stream.getvalue().splitlines()
    assert "ERROR" in lines[0]
    assert "[service=courses request_id=req-2] failed" in lines[0]
    assert all(line.startswith("    ") for line in lines[1:])
    assert any("RuntimeError: boom" in line for line in lines[1:])


@pytest.mark.usefixtures("restore_logging")
def test_development_defaults_to_text_and_production_to_json() -> None:
    stream = io.StringIO()
    configure_logging(Settings.load({}), service="dev", stream=stream)
    LOGGER.info("hello")
    assert "[service=dev] hello" in stream.getvalue()

    stream = io.StringIO()
    configure_logging(
        Settings.load({"LMS_ENVIRONMENT": "production"}), service="dev", stream=stream
    )
    LOGGER.info("hello")
    assert json.loads(stream.getvalue())["message"] == "hello"


@pytest.mark.usefixtures("restore_logging")
def test_level_comes_from_settings() -> None:
    stream = _configure("json", level="WARNING")

    LOGGER.info("quiet")
    LOGGER.warning("loud")

    assert [r["message"] for r in _json_lines(stream)] == ["loud"]


@pytest.mark.usefixtures("restore_logging")
def test_configuring_twice_keeps_one_handler() -> None:
    first = _configure("json")
    second = _configure("json")

    LOGGER.info("once")

    ours = [h for h in logging.getLogger().handlers if hasattr(h, "_lms_observability_handler")]
    assert len(ours) == 1
    assert first.getvalue() == ""
    assert len(_json_lines(second)) == 1


@pytest.mark.usefixtures("restore_logging")
def test_credentials_never_reach_the_output() -> None:
    stream = _configure("json")
    jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLWJ5dGVz"

    LOGGER.info("upstream said Authorization: Bearer %s", "s3cr3t-opaque-token")
    LOGGER.info("token in text %s", jwt)
    LOGGER.info("login", extra={"headers": {"Authorization": "Basic YWRhOnB3", "accept": "*/*"}})
    LOGGER.info("form", extra={"password": "hunter22", "refresh_token": "r-123456789"})
    LOGGER.info("query string access_token=abcdefgh123&page=2")
    try:
        raise ValueError(f"bad token {jwt}")
    except ValueError:
        LOGGER.exception("failed")

    output = stream.getvalue()
    for secret in ("s3cr3t-opaque-token", jwt, "YWRhOnB3", "hunter22", "r-123456789", "abcdefgh"):
        assert secret not in output
    records = _json_lines(stream)
    assert records[0]["message"] == "upstream said Authorization: Bearer [REDACTED]"
    assert records[2]["headers"] == {"Authorization": "[REDACTED]", "accept": "*/*"}
    assert records[3]["password"] == "[REDACTED]"
    assert records[4]["message"] == "query string access_token=[REDACTED]&page=2"
    assert "[REDACTED]" in str(records[5]["exc_info"])


@pytest.mark.usefixtures("restore_logging")
def test_uvicorn_loggers_use_the_same_handler() -> None:
    access = logging.getLogger("uvicorn.access")
    stray = logging.StreamHandler(io.StringIO())
    access.addHandler(stray)
    access.propagate = False
    stream = _configure("json")

    with bind_context(request_id="req-3"):
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "10.0.0.1:5000",
            "GET",
            "/health",
            "1.1",
            200,
            extra={"color_message": "\x1b[1mGET\x1b[0m"},
        )

    (record,) = _json_lines(stream)
    assert record["logger"] == "uvicorn.access"
    assert record["message"] == '10.0.0.1:5000 - "GET /health HTTP/1.1" 200'
    assert record["request_id"] == "req-3"
    assert "color_message" not in record
    assert stray not in access.handlers
