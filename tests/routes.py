"""Test helpers that find the app's real URLs and forms, so production tests follow the routes
as colleagues add them: a bounded crawl from the home page, POST rules from ``app.url_map``, and
a generic HTML form reader used to start quiz attempts through the real endpoints."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from .hub_site import endpoint_of


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser would submit
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio/checkbox values by name
    attrs: dict[str, str] = field(default_factory=dict)

    def data(self, **override: str | list[str]) -> dict[str, str | list[str]]:
        out: dict[str, list[str]] = {}
        for name, value in self.fields:
            out.setdefault(name, []).append(value)
        for name, value in override.items():
            out[name] = value if isinstance(value, list) else [value]
        return {k: (v[0] if len(v) == 1 else v) for k, v in out.items()}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._first_option = False

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            if attrs.get("hx-post") or attrs.get("data-hx-post"):
                method = "post"
            self._form = Form(attrs.get("action") or attrs.get("hx-post") or "", method,
                              attrs=attrs)
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button") and attrs.get("name"):
            name, kind = attrs["name"], (attrs.get("type") or "text").lower()
            value = attrs.get("value", "")
            if kind in ("radio", "checkbox"):
                self._form.choices.setdefault(name, []).append(value)
                if "checked" in attrs:
                    self._form.fields.append((name, value))
            elif tag == "input" and kind not in ("submit", "button", "image", "reset"):
                self._form.fields.append((name, value))
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select, self._first_option = attrs["name"], True
        elif self._form is not None and tag == "option" and self._select:
            if self._first_option or "selected" in attrs:
                self._form.fields = [f for f in self._form.fields if f[0] != self._select]
                self._form.fields.append((self._select, attrs.get("value", "")))
                self._first_option = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse_page(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


def _internal(base: str, href: str) -> str | None:
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc not in ("localhost", ""):
        return None
    if parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl_urls(app: Flask, limit: int = 150, per_endpoint: int = 4,
               with_quiz: bool = False, client: FlaskClient | None = None) -> list[str]:
    """Real GET URLs of the app found by following links from ``/`` (bounded), at most
    ``per_endpoint`` per endpoint; with ``with_quiz``, also the pages of a started practice."""
    client = client or app.test_client()
    seen: set[str] = set()
    per: dict[str, int] = {}
    found: list[str] = []
    queue: deque[str] = deque(["/"])
    if with_quiz:
        queue.extend(start_attempt_urls(app, client))
    while queue and len(found) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        endpoint = endpoint_of(app, url)
        if endpoint is None or endpoint == "static":
            continue
        if per.get(endpoint, 0) >= per_endpoint:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        per[endpoint] = per.get(endpoint, 0) + 1
        found.append(url)
        if response.mimetype != "text/html":
            continue
        for href in parse_page(response.get_data(as_text=True)).links:
            target = _internal("http://localhost" + url, href)
            if target and target not in seen:
                queue.append(target)
    return found


def one_url_per_endpoint(app: Flask, client: FlaskClient | None = None) -> dict[str, str]:
    urls: dict[str, str] = {}
    for url in crawl_urls(app, limit=400, per_endpoint=1, client=client):
        urls.setdefault(endpoint_of(app, url) or "", url)
    return urls


def placeholder_url(rule) -> str:
    """A rule's URL with every variable filled with a harmless placeholder."""
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>",
                  lambda m: "1" if m.group(1) in ("int", "float") else "x", rule.rule)


def post_rules(app: Flask) -> list[str]:
    return sorted({placeholder_url(rule) for rule in app.url_map.iter_rules()
                   if "POST" in (rule.methods or ()) and rule.endpoint != "static"})


def get_rules(app: Flask) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and rule.endpoint != "static"]


# ----------------------------------------------------------------------------- quiz flows


def quiz_forms(client, url: str = "/quiz") -> list[Form]:
    response = client.get(url)
    if response.status_code != 200:
        return []
    return [f for f in parse_page(response.get_data(as_text=True)).forms if f.method == "post"]


def submit(client, base: str, form: Form, headers: dict[str, str] | None = None,
           **override: str | list[str]):
    action = _internal("http://localhost" + base, form.action or base) or base
    return client.post(action, data=form.data(**override), headers=headers or {})


def start_attempt(client, kind: str = "practice", **override: str | list[str]) -> str | None:
    """Start a practice attempt (the /quiz form) or an exam simulation (the first exam linked
    from /quiz) through the real forms; returns the first question's URL, or None when the quiz
    is not there yet. ``client`` is a Flask test client or a :class:`Browser`."""
    page = client.get("/quiz")
    if page.status_code != 200:
        return None
    parsed = parse_page(page.get_data(as_text=True))
    if kind == "exam":
        exams = sorted({_internal("http://localhost/quiz", h) or "" for h in parsed.links
                        if re.search(r"/quiz/exams/[\w-]+$", h)})
        if not exams:
            return None
        base = exams[0]
        forms = [f for f in parse_page(client.get(base).get_data(as_text=True)).forms
                 if f.method == "post"]
    else:
        base = "/quiz"
        forms = [f for f in parsed.forms if f.method == "post" and
                 (f.action or "").endswith("/practice")]
    for form in forms:
        response = submit(client, base, form, **override)
        if response.status_code in (302, 303) and response.headers.get("Location"):
            return _internal("http://localhost" + base, response.headers["Location"])
    return None


def start_attempt_urls(app: Flask, client: FlaskClient) -> list[str]:
    first = start_attempt(client)
    assert first, "starting a practice attempt through the quiz form failed"
    return [first]


def answer_form(client, question_url: str) -> Form | None:
    for form in quiz_forms(client, question_url):
        if form.choices:
            return form
    return None


CHOOSE_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}


def answer(client, question_url: str, pick: int = 0,
           headers: dict[str, str] | None = None):
    """Answer the question at ``question_url`` with its ``pick``-th option (or, for a
    multiple-response question, as many options as it asks for, from the ``pick``-th on: one
    option there would be a 400, and a flaky test whenever a random exam puts one there)."""
    response = client.get(question_url)
    html = response.get_data(as_text=True) if response.status_code == 200 else ""
    form = next((f for f in parse_page(html).forms if f.method == "post" and f.choices), None)
    assert form is not None, f"no answer form on {question_url}"
    name, values = next(iter(form.choices.items()))
    wanted = re.search(r"Choose (two|three|four|five)\b", html, re.IGNORECASE)
    count = CHOOSE_WORDS[wanted.group(1).lower()] if wanted else 1
    chosen: str | list[str] = values[pick % len(values)]
    if count > 1:
        chosen = [values[(pick + i) % len(values)] for i in range(count)]
    return submit(client, question_url, form, headers=headers, **{name: chosen})


# ----------------------------------------------------------------------------- real HTTP


class BrowserResponse:
    """Just enough of werkzeug's test response for the helpers above."""

    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status_code, self.headers, self.body = status, headers, body

    def get_data(self, as_text: bool = False):
        return self.body.decode("utf-8", "replace") if as_text else self.body

    @property
    def mimetype(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0]


class Browser:
    """A cookie-keeping HTTP client for a live server (one connection per request)."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        import http.client  # noqa: F401  (imported here: only the live tests need it)

        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies = dict(cookies or {})

    def request(self, method: str, url: str, data: dict | None = None,
                headers: dict[str, str] | None = None) -> BrowserResponse:
        import http.client
        from urllib.parse import urlencode

        hdrs = dict(headers or {})
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, url, body=body, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            from werkzeug.datastructures import Headers

            out = Headers()
            for key, value in resp.getheaders():
                if key.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
                out.add(key, value)
            return BrowserResponse(resp.status, out, payload)
        finally:
            conn.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> BrowserResponse:
        return self.request("GET", url, headers=headers)

    def post(self, url: str, data: dict | None = None,
             headers: dict[str, str] | None = None) -> BrowserResponse:
        return self.request("POST", url, data=data or {}, headers=headers)
