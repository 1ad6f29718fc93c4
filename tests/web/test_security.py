"""Security: response headers on every response, cookie flags, the production secret, CSRF.

CSRF is tested with Flask-WTF switched ON (the shared fixtures switch it off for convenience):
a POST without a token gets the styled 400 page, a POST with the token its form rendered is
accepted, and the same holds for htmx requests, which send the form's hidden field.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask, render_template_string, session
from flask.testing import FlaskClient

from cloudquiz import ConfigError, create_app
from tests.support.app import make_app
from tests.support.crawl import crawl_urls, post_rules
from tests.support.paths import PROJECT_ROOT

CSRF_FORM = """<form method="post" action="/_test/form">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input name="answer"><button>Send</button></form>"""


def csrf_app(tmp_path: Path, seeded: Path, **config: object) -> Flask:
    """An app with CSRF ON plus one test form, on a copy of the seeded database."""
    import shutil

    path = tmp_path / "csrf.db"
    shutil.copy(seeded, path)
    app = make_app(path, WTF_CSRF_ENABLED=True, **config)

    @app.get("/_test/form")
    def _form() -> str:
        return render_template_string(CSRF_FORM)

    @app.post("/_test/form")
    def _form_submit() -> str:
        session["answered"] = True
        return "accepted"

    return app


def token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "the form renders no csrf_token field"
    return match.group(1)


# ----------------------------------------------------------------------------- headers


def assert_security_headers(response, https: bool = False) -> None:
    h = response.headers
    csp = h.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("script-src") == ["'self'"], csp
    assert directives.get("style-src") == ["'self'"], csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    assert directives.get("object-src") == ["'none'"], csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert h.get("X-Content-Type-Options") == "nosniff"
    assert h.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    if https:
        assert h.get("Strict-Transport-Security", "").startswith("max-age=")
    else:
        assert "Strict-Transport-Security" not in h


def test_every_kind_of_response_carries_the_security_headers(client: FlaskClient) -> None:
    home = client.get("/")
    css = re.search(r'href="(/static/css/[^"]+)"', home.get_data(as_text=True)).group(1)
    responses = [
        home, client.get("/healthz"), client.get("/no/such/page"), client.get(css),
        client.get("/static/css/app.css"), client.get("/static/nope.css"),
        client.head("/"), client.post("/"), client.get("/", headers={"HX-Request": "true"}),
    ]
    for response in responses:
        assert response.status_code < 500
        assert_security_headers(response)


def test_hsts_only_over_https(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
    for url in ("/", "/healthz", "/no/such/page", "/static/css/app.css"):
        assert_security_headers(client.get(url, base_url="https://localhost"), https=True)


def test_forwarded_proto_is_ignored_unless_behind_proxy_is_set(
        seeded_db_file: Path, tmp_path: Path) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    direct = make_app(seeded_db_file).test_client().get("/healthz", headers=forwarded)
    assert "Strict-Transport-Security" not in direct.headers  # a client cannot forge HTTPS
    proxied = make_app(seeded_db_file, BEHIND_PROXY=1).test_client()
    assert "Strict-Transport-Security" in proxied.get("/healthz", headers=forwarded).headers


def test_htmx_is_configured_for_the_strict_csp(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html)
    assert meta, "base.html lost its htmx-config meta"
    import json

    config = json.loads(meta.group(1))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["selfRequestsOnly"] is True


def test_no_page_relies_on_inline_script_or_style_the_csp_would_block(app: Flask) -> None:
    """Inline <script>, on* handlers, javascript: URLs, <style> and style="" are all blocked."""
    client = app.test_client()
    for url in crawl_urls(app, limit=120):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), url
        assert "javascript:" not in html.lower(), url
        assert not re.search(r"<style[\s>]", html), url
        assert not re.search(r'\sstyle\s*=\s*["\']', html), url


# ----------------------------------------------------------------------------- cookies


def test_session_cookie_is_httponly_and_samesite_lax(seeded_db_file: Path,
                                                      tmp_path: Path) -> None:
    client = csrf_app(tmp_path, seeded_db_file).test_client()
    client.get("/_test/form")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_session_cookie_is_secure_when_configured_for_https(seeded_db_file: Path,
                                                            tmp_path: Path) -> None:
    app = csrf_app(tmp_path, seeded_db_file, SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/_test/form", base_url="https://localhost")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header


def test_the_learner_cookie_lasts_a_year_and_is_renewed_once_a_day(
        seeded_db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime, timedelta

    from cloudquiz.quiz import identity

    client = csrf_app(tmp_path, seeded_db_file).test_client()
    start = client.get("/quiz")
    token = token_from(start.get_data(as_text=True))
    started = client.post("/quiz/practice", data={"count": "10", "csrf_token": token})
    assert started.status_code == 303
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.expires is not None
    assert cookie.expires - datetime.now(UTC) > timedelta(days=364)
    question = started.headers["Location"]
    # the same day: neither the quiz nor the content pages send the cookie again
    for url in (question, "/progress", "/", "/compare"):
        assert "Set-Cookie" not in client.get(url).headers, url

    class Tomorrow(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return datetime.now(tz) + timedelta(days=1)

    monkeypatch.setattr(identity, "datetime", Tomorrow)
    renewed = client.get(question)
    assert "Set-Cookie" in renewed.headers  # a returning learner gets a fresh year
    assert "Set-Cookie" not in client.get(question).headers  # once that day, not every time


def test_a_form_older_than_the_csrf_time_limit_is_refused_with_a_clear_message(
        seeded_db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import itsdangerous.timed as timed

    app = csrf_app(tmp_path, seeded_db_file)
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 12 * 60 * 60
    client = app.test_client()
    token = token_from(client.get("/_test/form").get_data(as_text=True))
    real = timed.time.time
    monkeypatch.setattr(timed, "time", type("Later", (), {"time": staticmethod(
        lambda: real() + 11 * 60 * 60)}))
    assert client.post("/_test/form", data={"csrf_token": token}).status_code == 200
    monkeypatch.setattr(timed, "time", type("Later", (), {"time": staticmethod(
        lambda: real() + 13 * 60 * 60)}))
    late = client.post("/_test/form", data={"csrf_token": token})
    assert late.status_code == 400 and "Reload the page" in late.get_data(as_text=True)


def test_an_oversized_body_gets_the_413_page_and_creates_nothing(app: Flask,
                                                                 client: FlaskClient) -> None:
    import sqlalchemy as sa

    from cloudquiz.models import db

    fields = "&".join(f"f{i}=1" for i in range(20_000))  # ~190 KB of form fields
    for url in ("/quiz/practice", "/quiz/exams/aws-clf-c02", "/quiz/review"):
        response = client.post(url, data=fields,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413, url
        assert "Too large" in response.get_data(as_text=True)
    big = client.post("/quiz/practice", data={"count": "10", "x": "a" * 70_000})
    assert big.status_code == 413
    with app.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        attempts = next(t for t in tables if "attempt" in t)
        assert db.session.execute(sa.text(f"SELECT count(*) FROM {attempts}")).scalar() == 0
    assert client.post("/quiz/practice", data={"count": "10"}).status_code == 303


def test_https_environment_variable_turns_on_secure_cookies(monkeypatch) -> None:
    monkeypatch.setenv("HTTPS", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


# ----------------------------------------------------------------------------- secret key


@pytest.mark.parametrize("secret", ["", "dev-only-not-secret", "changeme", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, secret) -> None:
    monkeypatch.delenv("CLOUDQUIZ_DEV", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigError) as excinfo:
        create_app({"SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    message = str(excinfo.value)
    assert "\n" not in message
    assert "export SECRET_KEY=" in message


def test_production_starts_with_a_random_secret_key(monkeypatch) -> None:
    monkeypatch.delenv("CLOUDQUIZ_DEV", raising=False)
    app = create_app({"SECRET_KEY": os.urandom(24).hex(), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not app.testing


@pytest.mark.live
def test_starting_without_secret_prints_one_line_saying_how_to_set_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "CLOUDQUIZ_DEV", "FLASK_DEBUG")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "cloudquiz", "routes"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "SECRET_KEY" in line]
    assert lines and "export SECRET_KEY=" in lines[-1]


# ----------------------------------------------------------------------------- CSRF


def test_post_without_csrf_token_gets_the_styled_400_page(seeded_db_file: Path,
                                                          tmp_path: Path) -> None:
    client = csrf_app(tmp_path, seeded_db_file).test_client()
    client.get("/_test/form")
    response = client.post("/_test/form", data={"answer": "x"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="site-header"' in html and "Reload the page" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_post_with_the_token_from_the_form_is_accepted(seeded_db_file: Path,
                                                       tmp_path: Path) -> None:
    client = csrf_app(tmp_path, seeded_db_file).test_client()
    token = token_from(client.get("/_test/form").get_data(as_text=True))
    response = client.post("/_test/form", data={"answer": "x", "csrf_token": token})
    assert response.status_code == 200 and response.get_data(as_text=True) == "accepted"


def test_htmx_post_is_checked_too_and_accepted_with_the_forms_token(
        seeded_db_file: Path, tmp_path: Path) -> None:
    client = csrf_app(tmp_path, seeded_db_file).test_client()
    token = token_from(client.get("/_test/form").get_data(as_text=True))
    hx = {"HX-Request": "true", "HX-Current-URL": "http://localhost/_test/form"}
    assert client.post("/_test/form", data={"answer": "x"}, headers=hx).status_code == 400
    ok = client.post("/_test/form", data={"answer": "x", "csrf_token": token}, headers=hx)
    assert ok.status_code == 200
    header = client.post("/_test/form", data={"answer": "x"},
                         headers={**hx, "X-CSRFToken": token})
    assert header.status_code == 200


def test_a_token_from_another_session_is_refused(seeded_db_file: Path, tmp_path: Path) -> None:
    app = csrf_app(tmp_path, seeded_db_file)
    token = token_from(app.test_client().get("/_test/form").get_data(as_text=True))
    other = app.test_client()
    other.get("/_test/form")
    assert other.post("/_test/form", data={"csrf_token": token}).status_code == 400


def test_every_post_route_of_the_app_refuses_a_post_without_token(
        seeded_db_file: Path, tmp_path: Path) -> None:
    app = csrf_app(tmp_path, seeded_db_file)
    client = app.test_client()
    client.get("/")
    rules = post_rules(app)
    assert rules, "no POST route at all"
    for url in rules:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url, data={"x": "1"}, headers=headers)
            assert response.status_code == 400, (url, response.status_code)


def test_every_post_form_on_the_site_carries_a_csrf_token(app: Flask) -> None:
    """htmx posts the form's fields, so a hidden csrf_token in each POST form is what it sends."""
    client = app.test_client()
    forms = 0
    for url in crawl_urls(app, limit=120, with_quiz=True):
        html = client.get(url).get_data(as_text=True)
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.DOTALL):
            head = form[: form.index(">")]
            if re.search(r'method="post"', head, re.IGNORECASE) or "hx-post" in head:
                forms += 1
                assert 'name="csrf_token"' in form, (url, head)
    if "quiz.index" in app.view_functions:
        assert forms, "the quiz renders no POST form"
