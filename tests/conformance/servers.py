"""Server processes for the conformance suite and the gateway benchmark.

A server is a child process serving GraphQL over HTTP on 127.0.0.1. It is
started in its own process group with its output in a log file, counted as
ready once it answers ``{ __typename }``, and stopped (SIGTERM, then SIGKILL)
by :meth:`Server.stop`. Nothing here listens beyond loopback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["HOST", "Server", "ServerError", "closed_port", "free_port", "start_server"]

HOST = "127.0.0.1"
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


class ServerError(RuntimeError):
    """A server did not start; the message carries the tail of its log."""


@dataclass
class Server:
    """A running server process and where it answers GraphQL."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """Stop the process group started for this server, politely first."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the process wrote, for failure messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def closed_port() -> tuple[socket.socket, int]:
    """A port bound but never listening: connecting to it is refused.

    Keep the socket open as long as the port must stay refused.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    return sock, int(sock.getsockname()[1])


def start_server(
    name: str,
    argv: Sequence[str],
    *,
    url: str,
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    ready_timeout: float = READY_TIMEOUT,
) -> Server:
    """Start ``argv`` and wait until ``url`` answers a GraphQL query."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,
        )
    server = Server(name=name, url=url, process=process, log=log)
    try:
        _wait_ready(server, ready_timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise ServerError(
                    f"{server.name} exited with status {server.process.returncode}:\n"
                    f"{server.log_tail()}"
                )
            with contextlib.suppress(httpx.HTTPError, ValueError):
                response = client.post(server.url, json={"query": "{ __typename }"})
                if response.status_code == 200 and "data" in response.json():
                    return
            time.sleep(0.1)
    raise ServerError(
        f"{server.name} did not answer at {server.url} in {timeout:.0f} s:\n{server.log_tail()}"
    )
