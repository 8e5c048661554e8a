"""The lms command as a person runs it: a real process, real ports, real servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from lms.services import SERVICE_MODULES
from shared.config import Settings

LMS = [sys.executable, "-m", "lms.cli"]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env(settings: Settings | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    if settings is not None:
        env["LMS_DATA_DIR"] = str(settings.data_dir)
        env["LMS_DATABASE_BACKEND"] = settings.database_backend
        env["LMS_DATABASE_URL"] = settings.database_url
    env.update(extra)
    return env


def test_dev_starts_and_prints_where_graphiql_is(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(LMS_DATA_DIR=str(tmp_path / "data"))
    process = subprocess.Popen(
        [*LMS, "dev", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = ""
        deadline = time.monotonic() + 60
        while "Press Ctrl+C" not in banner and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            banner += line
        # the gateway's GraphiQL first, then each subgraph's
        graphiql = banner.index(f"  GraphiQL: http://127.0.0.1:{port}/graphql\n")
        audit = banner.index(f"  subgraph audit: http://127.0.0.1:{port}/subgraphs/audit/graphql")
        assert graphiql < audit
        assert httpx.get(f"http://127.0.0.1:{port}/health").json() == {"status": "ok"}
        for path in ("/graphql", "/subgraphs/audit/graphql"):
            page = httpx.get(f"http://127.0.0.1:{port}{path}", headers={"accept": "text/html"})
            assert "graphiql" in page.text.lower(), path
        answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"})
        assert answer.json() == {"data": {"__typename": "Query"}}
        assert (tmp_path / "data" / "audit.db").exists()
    finally:
        process.terminate()
        rest, _ = process.communicate(timeout=30)
    # a graceful stop: the platform's lifespan closed every backend
    assert "Application shutdown complete" in rest


def test_migrate_on_postgres(postgres_settings: Settings) -> None:
    def lms(*args: str) -> str:
        done = subprocess.run(
            [*LMS, "migrate", *args],
            cwd=ROOT,
            env=_env(postgres_settings),
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    upgraded = lms("upgrade")  # creates each service's database, then migrates it
    lines = {line.split(":", 1)[0]: line for line in upgraded.splitlines() if ": at " in line}
    assert set(SERVICE_MODULES) <= set(lines)
    assert all(lines[name].endswith("(head)") for name in SERVICE_MODULES)
    assert lms("current").splitlines()[-len(SERVICE_MODULES) :] == [
        lines[name] for name in sorted(lines) if name in SERVICE_MODULES
    ]
    assert lms("downgrade", "base", "--service", "audit").startswith("audit: at base")
    assert lms("upgrade", "--service", "audit").endswith("(head)")


def test_migrate_unreachable_database_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [*LMS, "migrate", "upgrade"],
        cwd=ROOT,
        env=_env(
            LMS_DATA_DIR=str(tmp_path),
            LMS_DATABASE_BACKEND="postgres",
            LMS_DATABASE_URL="postgresql+asyncpg://lms@127.0.0.1:1/lms_{service}",
        ),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("lms: database of audit unreachable at postgresql+asyncpg://")
    assert done.stderr.rstrip().endswith("(check LMS_DATABASE_URL)")
