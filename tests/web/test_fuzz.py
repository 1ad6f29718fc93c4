"""Property-based: random query strings to EVERY GET route and random form bodies (with a valid
CSRF token) to EVERY POST route of ``app.url_map`` — never a 500.

Path variables are filled with real values (URLs found by crawling the site, quiz attempts
started through the real forms) and with random junk. The app runs with CSRF ON and TESTING, so
an exception propagates into the test instead of hiding behind a 500 page. Examples per route
are few (the whole suite must stay well under 15 minutes on 2 cores); every run draws new ones.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudquiz.models import db
from tests.support.app import make_app
from tests.support.crawl import crawl_urls, endpoint_of, internal
from tests.support.html import parse_page
from tests.support.quiz import start_attempt

EXAMPLES = 15
KNOWN_KEYS = ["q", "category", "categories", "provider", "providers", "cols", "format", "kind",
              "kinds", "count", "page", "sort", "n", "view", "focus", "choice", "flagged",
              "csrf_token", "exam", "mode", "lang"]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])

texts = st.text(max_size=40)
junk_values = st.one_of(
    texts, st.integers(-10**20, 10**20).map(str), st.sampled_from(
        ["", " ", "0", "-1", "999999999999999999999", "aws", "gcp", "azure", "compute",
         "../../etc/passwd", "<script>", "%00", "\x00", "' OR 1=1 --", "ünïcødé", "a" * 500,
         "١", "١٠", "０", "²"]))  # digits int() reads but a form must not
keys = st.one_of(st.sampled_from(KNOWN_KEYS), texts)
query_pairs = st.lists(st.tuples(keys, junk_values), max_size=6)
# Odd request headers: malformed or foreign Host names, conditional requests that must not turn
# an error into a 304 (the test client itself refuses some Host values, e.g. a broken xn--).
odd_headers = st.fixed_dictionaries({}, optional={
    "Host": st.sampled_from(["a" * 64 + ".example", "a..b", "localhost:99999", "exa mple.com",
                             "evil.example", "localhost."]),
    "If-None-Match": st.sampled_from(["*", '"x"', "W/", "garbage", '"a", *']),
    "If-Modified-Since": st.sampled_from(["yesterday", "Thu, 01 Jan 1970 00:00:00 GMT"]),
})


@pytest.fixture(scope="module")
def fuzz_app(seeded_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copy(seeded_db_file, path)
    app = make_app(path, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def fuzz_site(fuzz_app: Flask) -> dict:
    """A client with a learner and attempts, real GET URLs per endpoint, real POST URLs."""
    client = fuzz_app.test_client()
    starts = []
    starts = [start_attempt(client, "practice"), start_attempt(client, "exam")]
    assert all(starts), starts
    urls = crawl_urls(fuzz_app, limit=300, per_endpoint=3, client=client)
    extra = [u for u in starts if u]
    get_urls: dict[str, list[str]] = {}
    for url in urls + extra:
        get_urls.setdefault(endpoint_of(fuzz_app, url) or "", []).append(url)
    post_urls: dict[str, list[str]] = {}
    token = None
    for url in urls + extra:
        html = client.get(url).get_data(as_text=True)
        for form in parse_page(html).forms:
            if form.method != "post":
                continue
            target = internal("http://localhost" + url, form.action or url) or url
            post_urls.setdefault(endpoint_of(fuzz_app, target, "POST") or "", []).append(target)
            token = token or dict(form.fields).get("csrf_token")
    if token is None:
        with fuzz_app.test_request_context():
            from flask_wtf.csrf import generate_csrf

            token = generate_csrf()  # a token without a session would not match; fallback only
    return {"client": client, "get": get_urls, "post": post_urls, "token": token}


def rules(app_factory_methods: str) -> list[str]:
    """Endpoints of the app with the method, from a throwaway app (for parametrize ids)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp) / "ids.db")
        out = sorted({r.endpoint for r in app.url_map.iter_rules()
                      if app_factory_methods in (r.methods or ()) and r.endpoint != "static"})
        with app.app_context():
            db.engine.dispose()
    return out


def rule_of(app: Flask, endpoint: str, method: str):
    return next(r for r in app.url_map.iter_rules()
                if r.endpoint == endpoint and method in (r.methods or ()))


@st.composite
def path_for(draw, rule, real: list[str]) -> str:
    """A real URL of the rule, or the rule with junk in its variables."""
    if real and draw(st.booleans()):
        return draw(st.sampled_from(real))
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        if converter in ("IntegerConverter",):
            values[name] = str(draw(st.integers(0, 10**25)))
        else:
            values[name] = quote(draw(st.text(min_size=1, max_size=40)), safe="")
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", value)
        for conv in ("int", "string", "path", "any", "float", "uuid"):
            path = path.replace(f"<{conv}:{name}>", value)
    return path


def assert_no_500(response, what: str) -> None:
    assert response.status_code < 500, f"{what} -> {response.status_code}"


@pytest.mark.parametrize("endpoint", rules("GET"))
def test_random_query_strings_to_every_get_route_never_500(
        fuzz_app: Flask, fuzz_site: dict, endpoint: str) -> None:
    rule = rule_of(fuzz_app, endpoint, "GET")
    client: FlaskClient = fuzz_site["client"]

    @FUZZ
    @given(data=st.data(), pairs=query_pairs, htmx=st.booleans(), odd=odd_headers)
    def check(data, pairs, htmx, odd) -> None:
        path = data.draw(path_for(rule, fuzz_site["get"].get(endpoint, [])))
        base, _, existing = path.partition("?")
        query = urlencode(pairs)
        url = base + "?" + "&".join(p for p in (existing, query) if p)
        headers = {**odd, **({"HX-Request": "true"} if htmx else {})}
        response = client.get(url, headers=headers)
        assert_no_500(response, f"GET {url} {odd}")
        if response.status_code == 304:  # only a page that exists may be "not modified"
            assert client.get(url, headers={"HX-Request": "true"} if htmx else {}
                              ).status_code == 200, url

    check()


post_values = st.one_of(junk_values, st.lists(junk_values, max_size=4),
                        st.just("x" * 70_000))  # over the body limit: 413, never parsed


@pytest.mark.parametrize("endpoint", rules("POST"))
def test_random_form_bodies_to_every_post_route_never_500(
        fuzz_app: Flask, fuzz_site: dict, endpoint: str) -> None:
    rule = rule_of(fuzz_app, endpoint, "POST")
    client: FlaskClient = fuzz_site["client"]

    @FUZZ
    @given(data=st.data(), fields=st.dictionaries(keys, post_values, max_size=6),
           htmx=st.booleans())
    def check(data, fields, htmx) -> None:
        path = data.draw(path_for(rule, fuzz_site["post"].get(endpoint, [])))
        body = {k: v for k, v in fields.items() if k != "csrf_token"}
        body["csrf_token"] = fuzz_site["token"]
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(path, data=body, headers=headers)
        assert_no_500(response, f"POST {path} {body}")
        assert response.status_code != 400 or b"form expired" not in response.data, \
            "the CSRF token was refused: the fuzz would only test the CSRF check"

    check()
