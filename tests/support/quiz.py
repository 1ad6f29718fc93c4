"""Quiz flows through the real forms (start a practice or an exam, answer a question) for the
Flask test client and for a live server (:class:`Browser`, a cookie-keeping HTTP client)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .crawl import internal
from .html import Form, Html

# ----------------------------------------------------------------------------- quiz flows


def quiz_forms(client, url: str = "/quiz") -> list[Form]:
    response = client.get(url)
    if response.status_code != 200:
        return []
    return [f for f in Html(response.get_data(as_text=True)).forms if f.method == "post"]


def submit(client, base: str, form: Form, headers: dict[str, str] | None = None,
           **override: str | list[str]):
    action = internal("http://localhost" + base, form.action or base) or base
    return client.post(action, data=form.data(**override), headers=headers or {})


def start_attempt(client, kind: str = "practice", **override: str | list[str]) -> str | None:
    """Start a practice attempt (the /quiz form) or an exam simulation (the first exam linked
    from /quiz) through the real forms; returns the first question's URL, or None when the quiz
    is not there yet. ``client`` is a Flask test client or a :class:`Browser`."""
    page = client.get("/quiz")
    if page.status_code != 200:
        return None
    parsed = Html(page.get_data(as_text=True))
    if kind == "exam":
        exams = sorted({internal("http://localhost/quiz", h) or "" for h in parsed.anchors
                        if re.search(r"/quiz/exams/[\w-]+$", h)})
        if not exams:
            return None
        base = exams[0]
        forms = [f for f in Html(client.get(base).get_data(as_text=True)).forms
                 if f.method == "post"]
    else:
        base = "/quiz"
        forms = [f for f in parsed.forms if f.method == "post" and
                 (f.action or "").endswith("/practice")]
    for form in forms:
        response = submit(client, base, form, **override)
        if response.status_code in (302, 303) and response.headers.get("Location"):
            return internal("http://localhost" + base, response.headers["Location"])
    return None


def press(client, base: str, form: Form, attr: str, headers: dict[str, str] | None = None,
          **override: str | list[str]):
    """Submit ``form`` with its button carrying ``attr`` (``data-flag``, ``data-clear``), as a
    browser does: to the button's ``formaction``, with the button's name and value."""
    action, data = form.pressed(form.button(attr), **override)
    url = internal("http://localhost" + base, action) or base
    return client.post(url, data=data, headers=headers or {})


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
    form = next((f for f in Html(html).forms if f.method == "post" and f.choices), None)
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
