"""The lms command: failures a person can fix are one line, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from lms.cli import main
from lms.commands.settings_cmd import markdown_document

ROOT = Path(__file__).resolve().parents[2]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_unknown_backend_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LMS_EVENTS_BACKEND", "rabbit")
    code, _, err = _run(["dev"], capsys)
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "LMS_EVENTS_BACKEND" in err
    assert "'memory' or 'kafka'" in err


def test_misspelt_setting_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LMS_DATABSE_BACKEND", "postgres")
    code, _, err = _run(["settings"], capsys)
    assert code == 2
    assert (
        err == "lms: unknown setting LMS_DATABSE_BACKEND: no such LMS_ variable "
        "(see docs/configuration.md for the list)\n"
    )


def test_taken_port_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LMS_DATA_DIR", str(tmp_path))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        code, _, err = _run(["dev", "--port", str(port)], capsys)
    assert code == 2
    assert err == (
        f"lms: port {port} on 127.0.0.1 is already in use "
        "(choose another with --port or LMS_PORT)\n"
    )


def test_unknown_service_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["serve", "nosuch", "--port", "0"], capsys)
    assert code == 2
    assert err.startswith("lms: unknown service 'nosuch' (known: ")


def test_settings_hide_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LMS_S3_SECRET_ACCESS_KEY", "hunter2")
    code, out, _ = _run(["settings"], capsys)
    assert code == 0
    assert "LMS_S3_SECRET_ACCESS_KEY=********" in out
    assert "hunter2" not in out


def test_configuration_doc_is_current() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text()
    assert markdown_document() in doc, "regenerate with: scripts/gen-docs"
