"""Credential scrubbing used by the log handler."""

from __future__ import annotations

from shared.observability.redaction import REDACTED, is_sensitive_key, redact_text, redact_value


def test_redact_text_scrubs_bearer_tokens_jwts_and_secret_pairs() -> None:
    assert redact_text("Bearer abcdefgh12345") == f"Bearer {REDACTED}"
    assert redact_text("jwt eyJhIjoxfQ.eyJiIjoyfQ.c2ln end") == f"jwt {REDACTED} end"
    assert redact_text('{"password": "pw12", "user": "ada"}') == (
        f'{{"password": "{REDACTED}", "user": "ada"}}'
    )
    assert redact_text("client_secret=xyz&scope=a") == f"client_secret={REDACTED}&scope=a"


def test_redact_text_leaves_ordinary_text_alone() -> None:
    text = "enrolled 3 students in course 42 (tokens are fine as a word)"
    assert redact_text(text) == text


def test_redact_value_handles_mappings_lists_and_header_pairs() -> None:
    value = {
        "headers": [(b"authorization", b"Bearer x"), (b"accept", b"*/*")],
        "Cookie": "session=1",
        "note": "Bearer abcdefgh12345",
        "n": 3,
    }
    assert redact_value(value) == {
        "headers": [(b"authorization", REDACTED), (b"accept", b"*/*")],
        "Cookie": REDACTED,
        "note": f"Bearer {REDACTED}",
        "n": 3,
    }


def test_sensitive_keys() -> None:
    assert is_sensitive_key("X-Api-Key")
    assert is_sensitive_key("refresh_token")
    assert not is_sensitive_key("course_id")


def test_short_bearer_values_are_redacted_too() -> None:
    assert redact_text("Authorization: Bearer ab") == f"Authorization: Bearer {REDACTED}"
