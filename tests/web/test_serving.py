"""The real server of `make run` (the Makefile's `serve` target) on loopback: stalled uploads
never block the site, connections are kept alive, bad requests get their 4xx from the app."""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import PROJECT_ROOT

pytestmark = [pytest.mark.live, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float, headers: dict[str, str] | None = None
        ) -> int | str:
    """Status of a GET on a fresh connection, or the error's name (a timeout included)."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status
    except OSError as exc:
        return type(exc).__name__


@pytest.fixture(scope="module")
def server(seeded_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    path = tmp_path_factory.mktemp("serve") / "serve.db"
    shutil.copy(seeded_db_file, path)
    port = free_port()
    env = {**os.environ, "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": f"sqlite:///{path}", "SEED_DIR": str(PROJECT_ROOT / "seed")}
    env.pop("CLOUDQUIZ_DEV", None)
    log = open(path.with_suffix(".log"), "wb")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}", "HOST=127.0.0.1",
         "WORKERS=2", "ACCESS_LOG=--no-access-log"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while get(port, "/healthz", 1) != 200:
            assert proc.poll() is None, path.with_suffix(".log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)  # granian lets workers finish for up to 10 s (--workers-kill-timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()


def test_eight_stalled_uploads_never_block_the_site(server: int) -> None:
    held = []
    for _ in range(8):  # each announces 100 kB and sends 2 bytes, then waits
        s = socket.create_connection(("127.0.0.1", server), timeout=5)
        s.sendall(b"POST /quiz/practice HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 100000\r\n\r\nab")
        held.append(s)
    answers = []
    try:
        end = time.monotonic() + 10
        while time.monotonic() < end:
            answers += [get(server, "/healthz", 2), get(server, "/", 2)]
            time.sleep(0.2)
    finally:
        for s in held:
            s.close()
    assert len(answers) >= 20
    assert set(answers) == {200}, f"{len([a for a in answers if a != 200])} of {len(answers)} " \
                                  f"requests failed or took over 2 s: {set(answers)}"


def test_connections_are_kept_alive(server: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    conn.request("GET", "/")
    first = conn.getresponse()
    first.read()
    sock = conn.sock
    assert first.status == 200 and not first.will_close
    conn.request("GET", "/compare")
    second = conn.getresponse()
    second.read()
    assert second.status == 200 and conn.sock is sock  # the same TCP connection
    conn.close()


def test_bad_requests_get_their_4xx_through_the_real_server(server: int) -> None:
    assert get(server, "/", 5, {"Host": "a..b"}) == 400
    assert get(server, "/", 5, {"Host": "a" * 64 + ".example"}) == 400
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    conn.request("POST", "/quiz/practice", body=b"x=" + b"a" * 100_000,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    assert response.status == 413 and b"Too large" in response.read()
    conn.close()
    assert get(server, "/healthz", 5) == 200
