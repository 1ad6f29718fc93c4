"""The shipped nginx configuration (deploy/nginx.conf) in front of the app, on loopback: content
pages are cache HITs, a page and its htmx fragment are cached apart, nothing per learner is ever
served from the cache, and a reseed reaches readers once the shared age has passed.

`make test` installs Debian's nginx like Chromium (`make nginx`)."""

from __future__ import annotations

import http.client
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from bench.common import (
    NGINX_CONF,
    free_port,
    nginx_binary,
    nginx_config,
    nginx_running,
)
from cloudquiz.models import db
from cloudquiz.seeding import seed_database
from tests.support.app import SEED_DIR, LiveServer, make_app
from tests.support.seedfiles import edit

pytestmark = [pytest.mark.live, pytest.mark.slow]
SHARED_AGE = 2  # seconds, so the reseed test need not wait five minutes


@pytest.fixture(scope="module")
def front(seeded_db_file: Path, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[int, Flask, Path]]:
    if nginx_binary() is None:
        pytest.fail("nginx is not installed: `make test` installs it (make nginx), or "
                    "apt-get install nginx-light")
    directory = tmp_path_factory.mktemp("nginx")
    shutil.copy(seeded_db_file, directory / "app.db")
    app = make_app(directory / "app.db", CACHE_SHARED_MAX_AGE=SHARED_AGE,
                   CACHE_STALE_WHILE_REVALIDATE=0)
    with LiveServer(app) as server:
        port = free_port()
        config = nginx_config(NGINX_CONF.read_text(), directory, server.server.server_port, port)
        with nginx_running(directory, config, port):
            yield port, app, directory


def fetch(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET",
          body: bytes | None = None) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=body, headers={"Accept-Encoding": "identity",
                                                   **(headers or {})})
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, text


def cache_status(port: int, path: str, **kw) -> str:
    return fetch(port, path, **kw)[1].get("x-cache-status", "")


def test_content_pages_are_served_from_the_cache(front) -> None:
    port, _, _ = front
    for path in ("/compare", "/providers/aws", "/services/aws/lambda", "/search?q=queue"):
        statuses = [fetch(port, path) for _ in range(3)]
        assert [s[0] for s in statuses] == [200] * 3, path
        assert statuses[0][1]["x-cache-status"] == "MISS", path
        assert [s[1]["x-cache-status"] for s in statuses[1:]] == ["HIT", "HIT"], path
        assert statuses[1][2] == statuses[0][2]  # the same bytes


def test_a_page_and_its_fragment_are_cached_apart(front) -> None:
    port, _, _ = front
    full = [fetch(port, "/compare?q=storage") for _ in range(2)]
    hx = {"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1/compare"}
    fragment = [fetch(port, "/compare?q=storage", headers=hx) for _ in range(2)]
    boosted = fetch(port, "/compare?q=storage", headers={**hx, "HX-Boosted": "true"})
    assert fragment[0][1]["x-cache-status"] == "MISS"  # not the cached full page
    assert fragment[1][1]["x-cache-status"] == "HIT"
    assert "<html" in full[1][2] and "<html" not in fragment[1][2]
    assert "<html" in boosted[2]  # a boosted click gets the page, never the fragment
    gzip = fetch(port, "/compare?q=storage", headers={"Accept-Encoding": "gzip"})
    assert gzip[1].get("content-encoding") == "gzip"  # one copy per encoding


def test_nothing_per_learner_is_ever_served_from_the_cache(front) -> None:
    port, _, _ = front
    for path in ("/quiz", "/progress", "/quiz/exams/aws-clf-c02"):
        assert {cache_status(port, path) for _ in range(3)} <= {"MISS", "BYPASS", "EXPIRED", ""}
    status, headers, _ = fetch(port, "/quiz/practice", method="POST", body=b"count=10",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303 and "set-cookie" in headers
    cookie = headers["set-cookie"].split(";", 1)[0]
    question = headers["location"]
    for _ in range(3):
        status, got, text = fetch(port, question, headers={"Cookie": cookie})
        assert status == 200 and got.get("x-cache-status") != "HIT"
        assert got["cache-control"] == "no-store"
    # another browser asking for the same question gets its own answer, not the cached one
    assert fetch(port, question)[0] == 404


def test_a_reseed_reaches_readers_once_the_shared_age_has_passed(front, tmp_path: Path) -> None:
    port, app, _ = front
    fetch(port, "/")  # cached (now or by an earlier test)
    time.sleep(SHARED_AGE + 0.3)
    cached_at = time.monotonic()  # the copy refreshed by the next request is younger than this
    for _ in range(20):  # until the refreshed copy is served
        before = fetch(port, "/")
        if before[1]["x-cache-status"] == "HIT":
            break
        time.sleep(0.25)
    assert before[1]["x-cache-status"] == "HIT"
    seed = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed)
    marker = "Reseeded while nginx was caching"
    site = seed / "site.yaml"

    def retitle(data: dict) -> None:
        data["texts"]["hero_lead"] = marker + ". " + data["texts"]["hero_lead"]

    edit(site, retitle)
    with app.app_context():
        seed_database(db.session, seed)
    within_age = fetch(port, "/")
    if time.monotonic() - cached_at < SHARED_AGE - 0.2:  # the seed loaded fast enough to see it
        assert marker not in within_age[2]  # within the shared age: still the cached page
    time.sleep(SHARED_AGE + 0.5)
    # The first reader after the age may still get the old page while nginx refreshes it in
    # the background (proxy_cache_use_stale updating); the next ones get the new one.
    seen = []
    for _ in range(5):
        after = fetch(port, "/")
        seen.append(after[1]["x-cache-status"])
        if marker in after[2]:
            break
        time.sleep(0.3)
    assert marker in after[2], seen
    assert set(seen) <= {"STALE", "UPDATING", "EXPIRED", "REVALIDATED", "MISS", "HIT"}, seen
    assert after[1]["etag"] != before[1]["etag"]
    assert re.search(r"s-maxage=2\b", after[1]["cache-control"])
    # And the new page is cached again: a HIT (on a loaded machine the copy may age past the
    # 2 s shared age between two fetches and be refreshed once more; always the new page).
    for _ in range(5):
        again = fetch(port, "/")
        assert marker in again[2], again[1]["x-cache-status"]
        if again[1]["x-cache-status"] == "HIT":
            break
    assert again[1]["x-cache-status"] == "HIT"
