"""The Host header and what the app builds from it: a malformed or unlisted Host gets the
styled 400 page (never a 500), and no redirect points at a name the client chose."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import create_environ, run_wsgi_app

from cloudquiz.web.hosts import host_problem
from tests.support.app import make_app
from tests.support.html import page_text

BAD_HOSTS = ["a" * 64 + ".example.org", "a..b", "xn--zz", "xn--zz:8000", "exa mple.com",
             "localhost:99999", "localhost:0", "localhost:8o", "[zz]", "[::1", "-a.example",
             "a-.example", "é.example", "a" * 300, "", ".", "host/path", "user@host"]
GOOD_HOSTS = ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "hub.example.org",
              "hub.example.org.", "xn--bcher-kva.example", "a-b.example"]


def raw_get(app: Flask, path: str, host: str) -> tuple[int, str, dict[str, str]]:
    """A request with exactly this Host header (test clients refuse or rewrite odd ones)."""
    environ = create_environ("/", "http://localhost/")
    environ["HTTP_HOST"] = host
    environ["PATH_INFO"] = path  # as the server read it: "//x" stays a path
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), b"".join(body).decode(), dict(headers)


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_a_malformed_host_gets_the_styled_400_page(site: Flask, host: str) -> None:
    for path in ("/", "/healthz", "/compare", "/services/aws-lambda", "/no-such-page"):
        status, html, headers = raw_get(site, path, host)
        assert status == 400, (host, path)
        assert 'class="site-header"' in html and "Host header" in page_text(html)
        assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host", GOOD_HOSTS)
def test_well_formed_hosts_are_served(site: Flask, host: str) -> None:
    assert host_problem(host) is None
    status, _, _ = raw_get(site, "/", host)
    assert status == 200


def test_trusted_hosts_limits_the_names_the_site_answers_to(seeded_db_file: Path,
                                                            tmp_path: Path) -> None:
    import shutil

    shutil.copy(seeded_db_file, tmp_path / "t.db")
    app = make_app(tmp_path / "t.db", TRUSTED_HOSTS=["hub.example.org", ".class.example"])
    for host in ("hub.example.org", "hub.example.org:8443", "class.example", "room1.class.example"):
        assert raw_get(app, "/", host)[0] == 200, host
    for host in ("evil.example", "hub.example.org.evil.example", "localhost"):
        status, html, _ = raw_get(app, "/compare", host)
        assert status == 400 and "does not answer to that host name" in page_text(html), host


def test_trusted_hosts_is_read_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    from cloudquiz import create_app

    monkeypatch.setenv("TRUSTED_HOSTS", " Hub.Example.org , .class.example ,")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.db"})
    assert app.config["TRUSTED_HOSTS"] == ["hub.example.org", ".class.example"]


def test_redirects_never_carry_the_requests_host(site: Flask) -> None:
    for path, target in (("/providers//aws", "/providers/aws"),
                         ("/quiz//exams//aws-clf-c02", "/quiz/exams/aws-clf-c02")):
        status, _, headers = raw_get(site, path, "evil.example")
        assert status == 308, path
        assert headers["Location"] == target, path


def test_a_forwarded_host_is_checked_behind_a_proxy(seeded_db_file: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copy(seeded_db_file, tmp_path / "p.db")
    client: FlaskClient = make_app(tmp_path / "p.db", BEHIND_PROXY=1).test_client()
    assert client.get("/", headers={"X-Forwarded-Host": "a..b"}).status_code == 400
    assert client.get("/", headers={"X-Forwarded-Host": "hub.example.org"}).status_code == 200
