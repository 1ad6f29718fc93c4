"""HTTP caching, the render cache, hashed static URLs and compression — and never a 500 from
any of it (HEAD, Range, conditional requests, odd headers)."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import brotli
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db
from cloudquiz.web.assets import split_hashed
from cloudquiz.web.caching import render_cache
from tests.support.app import make_app
from tests.support.crawl import crawl_urls
from tests.support.paths import PACKAGE_DIR
from tests.support.queries import QueryCounter
from tests.support.quiz import start_attempt

STATIC = PACKAGE_DIR / "static"


def decode(response) -> bytes:
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    assert encoding is None, encoding
    return data


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


@pytest.fixture
def cached_app(seeded_db_file: Path, tmp_path: Path) -> Flask:
    path = tmp_path / "cached.db"
    shutil.copy(seeded_db_file, path)
    app = make_app(path, RENDER_CACHE=True)
    yield app
    with app.app_context():
        db.engine.dispose()


# ----------------------------------------------------------------------------- ETag / 304


SHARED = "public, max-age=60, s-maxage=300, stale-while-revalidate=60"


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


def test_content_page_is_shareable_with_a_strong_etag(client: FlaskClient) -> None:
    response = client.get("/")
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["Cache-Control"] == SHARED
    assert {"hx-request", "hx-boosted", "hx-history-restore-request",
            "accept-encoding"} <= vary(response)
    assert "Set-Cookie" not in response.headers
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == SHARED
    assert vary(again) == vary(response)


def test_cache_ages_are_configurable_down_to_revalidate_every_time(seeded_db_file: Path,
                                                                   tmp_path: Path) -> None:
    shutil.copy(seeded_db_file, tmp_path / "ages.db")
    short = make_app(tmp_path / "ages.db", CACHE_MAX_AGE=5, CACHE_SHARED_MAX_AGE=30,
                     CACHE_STALE_WHILE_REVALIDATE=0)
    assert short.test_client().get("/compare").headers["Cache-Control"] == \
        "public, max-age=5, s-maxage=30"
    none = make_app(tmp_path / "ages.db", CACHE_MAX_AGE=0, CACHE_SHARED_MAX_AGE=0)
    assert none.test_client().get("/compare").headers["Cache-Control"] == "no-cache"


def test_every_content_page_revalidates_to_304(app: Flask) -> None:
    client = app.test_client()
    urls = [u for u in crawl_urls(app, limit=80) if not u.startswith(("/quiz", "/progress"))]
    assert len(urls) > 1
    for url in urls:
        first = client.get(url)
        assert first.headers["Cache-Control"] == SHARED, url
        etag = first.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
        head = client.head(url, headers={"If-None-Match": etag})
        assert head.status_code == 304, url


def test_etag_depends_on_url_query_fragment_and_content_version(app: Flask,
                                                                client: FlaskClient) -> None:
    tags = {
        client.get("/").headers["ETag"],
        client.get("/?a=1").headers["ETag"],
        client.get("/?a=2").headers["ETag"],
        client.get("/", headers={"HX-Request": "true"}).headers["ETag"],
    }
    assert len(tags) == 4
    before = client.get("/").headers["ETag"]
    with app.app_context():
        db.session.execute(sa.update(m.ContentMeta).values(version="reseeded"))
        db.session.commit()
    after = client.get("/")
    assert after.headers["ETag"] != before
    assert client.get("/", headers={"If-None-Match": before}).status_code == 200


def test_a_boosted_request_and_a_history_restore_get_the_full_page_etag(
        client: FlaskClient) -> None:
    plain = client.get("/").headers["ETag"]
    boosted = client.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert boosted.headers["ETag"] == plain


def test_quiz_progress_errors_and_health_are_never_stored(app: Flask,
                                                         client: FlaskClient) -> None:
    urls = ["/healthz", "/no/such/page", "/quiz", "/progress"]
    for url in urls:
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers, url
    assert client.post("/").headers["Cache-Control"] == "no-store"


def test_a_page_that_touches_the_session_is_not_cached(cached_app: Flask) -> None:
    """A page that reads the session (e.g. renders a CSRF token) differs per visitor."""
    from flask import session

    view = cached_app.view_functions["pages.index"]
    rendered = []

    def home_reading_the_session():
        session.get("learner")
        rendered.append(1)
        return view()

    cached_app.view_functions["pages.index"] = home_reading_the_session
    client = cached_app.test_client()
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
    assert len(rendered) == 2  # rendered each time: never served from the render cache


def test_quiz_pages_are_no_store(app: Flask) -> None:
    client = app.test_client()
    question = start_attempt(client)
    assert question, "could not start a practice attempt through /quiz"
    for url in ("/quiz", question):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers


# ----------------------------------------------------------------------------- render cache


def test_render_cache_serves_a_page_again_with_one_query_and_the_same_bytes(
        cached_app: Flask) -> None:
    client = cached_app.test_client()
    first = client.get("/")
    with QueryCounter(cached_app) as counter:
        second = client.get("/")
    assert counter.count == 1  # the content version, nothing else
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["Vary"] == first.headers["Vary"]
    fragment = client.get("/", headers={"HX-Request": "true"})
    assert fragment.headers["ETag"] != first.headers["ETag"]


def test_render_cache_follows_a_reseed(cached_app: Flask) -> None:
    client = cached_app.test_client()
    client.get("/")
    with cached_app.app_context():
        db.session.execute(sa.update(m.SiteText).where(m.SiteText.key == "footer_note")
                           .values(value="Footer after reseed"))
        db.session.execute(sa.update(m.ContentMeta).values(version="v2"))
        db.session.commit()
    assert "Footer after reseed" in client.get("/").get_data(as_text=True)


def test_render_cache_keeps_compressed_variants_identical(cached_app: Flask) -> None:
    client = cached_app.test_client()
    headers = {"Accept-Encoding": "gzip"}
    first, second = client.get("/", headers=headers), client.get("/", headers=headers)
    assert first.headers["Content-Encoding"] == "gzip"
    assert decode(first) == decode(second) == client.get("/").get_data()


def test_render_cache_is_bounded_and_keeps_the_newest_pages(seeded_db_file: Path,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "bounded.db"
    shutil.copy(seeded_db_file, path)
    small = make_app(path, RENDER_CACHE=True, RENDER_CACHE_ENTRIES=5)
    client = small.test_client()
    for i in range(20):
        client.get(f"/?page={i}")
    with QueryCounter(small) as counter:
        client.get("/?page=19")
        assert counter.count == 1  # a recent page: served from the cache (the version query only)
        counter.clear()
        client.get("/?page=0")
        assert counter.count > 1  # the oldest page was evicted and is rendered again


def test_render_cache_is_off_in_tests_unless_asked(app: Flask) -> None:
    assert render_cache(app) is None


# ----------------------------------------------------------------------------- compression


@pytest.mark.parametrize("accept, expected", [
    ("gzip", "gzip"), ("br", "br"), ("gzip, deflate, br, zstd", "br"),
    ("br;q=0.5, gzip;q=1", "gzip"), ("br;q=0, gzip;q=0", None), ("identity", None), ("", None),
    ("*", "br"), ("garbage;;q=x,,", None),
])
def test_html_is_compressed_as_the_client_allows(client: FlaskClient, accept, expected) -> None:
    plain = client.get("/").get_data()
    response = client.get("/", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == expected
    assert "Accept-Encoding" in response.headers["Vary"]
    assert decode(response) == plain
    assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_compressed_page_has_its_own_etag_that_still_revalidates(client: FlaskClient) -> None:
    plain = client.get("/").headers["ETag"]
    compressed = client.get("/", headers={"Accept-Encoding": "br"})
    assert compressed.headers["ETag"] == plain[:-1] + ':br"'
    again = client.get("/", headers={"Accept-Encoding": "br",
                                     "If-None-Match": compressed.headers["ETag"]})
    assert again.status_code == 304


def test_small_responses_are_not_compressed(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers


def test_error_pages_are_sent_whole_and_never_stored(client: FlaskClient) -> None:
    # Flask-Compress compresses 2xx responses only; an error page is a few KB.
    response = client.get("/no/such/page", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 404
    assert "Content-Encoding" not in response.headers
    assert b"Page not found" in response.get_data()
    assert response.headers["Cache-Control"] == "no-store"


def test_head_reports_the_get_headers_without_a_body(client: FlaskClient) -> None:
    get = client.get("/", headers={"Accept-Encoding": "gzip"})
    head = client.head("/", headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["ETag"] == get.headers["ETag"]


# ----------------------------------------------------------------------------- static files


def test_pages_link_static_files_by_content_hash(client: FlaskClient) -> None:
    urls = asset_urls(client.get("/").get_data(as_text=True))
    assert any(u.endswith(".css") for u in urls) and any(u.endswith(".js") for u in urls)
    for url in urls:
        name = url[len("/static/"):]
        plain, digest = split_hashed(name)
        assert digest is not None, url
        assert (STATIC / plain).is_file()


def test_hashed_static_url_is_immutable_and_unhashed_still_works(client: FlaskClient) -> None:
    css = next(u for u in asset_urls(client.get("/").get_data(as_text=True))
               if u.endswith(".css"))
    hashed = client.get(css)
    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashed.mimetype == "text/css"
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache"
    assert plain.get_data() == hashed.get_data() == (STATIC / "css/app.css").read_bytes()
    stale = client.get("/static/css/app.0000000000.css")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_text_files_are_served_compressed(client: FlaskClient, encoding) -> None:
    for url in asset_urls(client.get("/").get_data(as_text=True)):
        response = client.get(url, headers={"Accept-Encoding": encoding})
        name = split_hashed(url[len("/static/"):])[0]
        raw = (STATIC / name).read_bytes()
        assert decode(response) == raw, url
        if len(raw) > 500:
            assert response.headers["Content-Encoding"] == encoding, url
        assert "Accept-Encoding" in response.headers["Vary"]


def test_static_conditional_range_and_head_requests(client: FlaskClient) -> None:
    url = "/static/vendor/htmx.min.js"
    raw = (STATIC / "vendor/htmx.min.js").read_bytes()
    first = client.get(url)
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}
                      ).status_code == 304
    part = client.get(url, headers={"Range": "bytes=0-99", "Accept-Encoding": "gzip"})
    assert part.status_code == 206 and part.get_data() == raw[:100]
    assert "Content-Encoding" not in part.headers
    beyond = client.get(url, headers={"Range": f"bytes={len(raw) + 10}-"})
    assert beyond.status_code == 416
    head = client.head(url, headers={"Accept-Encoding": "br"})
    assert head.status_code == 200 and head.get_data() == b""
    gz = client.get(url, headers={"Accept-Encoding": "br"})
    assert client.get(url, headers={"Accept-Encoding": "br",
                                    "If-None-Match": gz.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("url", [
    "/static/nope.css", "/static/css/nope.0123456789.css", "/static/../pyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml", "/static/css/", "/static/",
])
def test_missing_static_files_are_404(client: FlaskClient, url) -> None:
    assert client.get(url).status_code == 404


# ----------------------------------------------------------------------------- never a 500

ODD_HEADERS = [
    {"If-None-Match": "*"}, {"If-None-Match": "garbage"}, {"If-None-Match": '"a", W/"b", '},
    {"If-Modified-Since": "yesterday"}, {"If-Modified-Since": "Thu, 01 Jan 2099 00:00:00 GMT"},
    {"If-Match": '"nope"'}, {"If-Unmodified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"},
    {"Range": "bytes=garbage"}, {"Range": "bytes=5-1"}, {"Range": "bytes=0-0,2-3,5-"},
    {"If-Range": '"x"', "Range": "bytes=0-10"}, {"Accept-Encoding": "br;q=abc, gzip;q="},
    {"Accept-Encoding": "x" * 5000}, {"HX-Request": "true", "HX-Boosted": "nonsense"},
    {"HX-Request": "true", "HX-History-Restore-Request": "true", "Range": "bytes=0-5"},
]


@pytest.mark.parametrize("headers", ODD_HEADERS)
def test_odd_conditional_and_range_headers_never_500(client: FlaskClient, headers) -> None:
    css = next(u for u in asset_urls(client.get("/").get_data(as_text=True))
               if u.endswith(".css"))
    for url in ("/", css, "/static/css/app.css", "/healthz", "/no/such/page"):
        for method in (client.get, client.head):
            response = method(url, headers=headers)
            assert response.status_code < 500, (url, headers, response.status_code)
            if response.status_code == 304:
                assert response.get_data() == b""


def test_if_none_match_star_never_turns_a_missing_page_into_a_304(client: FlaskClient) -> None:
    for url in ("/providers/nope", "/services/aws/nope", "/architectures/nope", "/no-such-page"):
        response = client.get(url, headers={"If-None-Match": "*"})
        assert response.status_code == 404, url
        assert "Page not found" in response.get_data(as_text=True)
    existing = client.get("/providers/aws", headers={"If-None-Match": "*"})
    assert existing.status_code == 304 and not existing.data and existing.headers.get("ETag")


def test_the_documented_nginx_configuration_is_the_tested_one() -> None:
    from tests.support.paths import PROJECT_ROOT

    shipped = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    guide = (PROJECT_ROOT / "docs" / "deploy.md").read_text()
    assert "```nginx\n" + shipped + "```" in guide  # tests/web/test_nginx.py runs the file
