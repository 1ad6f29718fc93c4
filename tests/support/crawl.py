"""The one crawler of the suite: every in-site URL a browser or htmx would GET from a start page
(links, ``hx-get``, GET form actions), each requested once, plus the app's rules. Site-wide tests
(crawl, seed facts, HTML checker, fuzz, security, caching, queries, browser) walk the same real
pages instead of hand-written lists."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from .html import Html, page_text


def internal(base: str, href: str) -> str | None:
    """``href`` as an in-site path (with query, without fragment), or None when it leaves."""
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https") or parts.netloc not in ("localhost", ""):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def endpoint_of(app: Flask, url: str, method: str = "GET") -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(urlsplit(url).path, method=method)
    except (RequestRedirect, HTTPException):
        return None
    return endpoint


def get_only_elsewhere(app: Flask, url: str) -> bool:
    """True when the URL's rule does not answer GET (a POST-only endpoint): not followed."""
    try:
        app.url_map.bind("localhost").match(urlsplit(url).path, method="GET")
    except HTTPException as exc:
        return getattr(exc, "code", None) == 405
    except RequestRedirect:
        return False
    return False


@dataclass
class Page:
    url: str
    status: int
    mimetype: str
    html: str = ""
    referrers: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return page_text(self.html) if self.html else ""


@dataclass
class Crawl:
    pages: dict[str, Page]
    complete: bool

    def html_pages(self) -> list[Page]:
        return [p for p in self.pages.values() if p.status == 200 and p.mimetype == "text/html"]

    def failures(self) -> list[Page]:
        return [p for p in self.pages.values() if p.status >= 400]

    def ok_urls(self) -> list[str]:
        return [u for u, p in self.pages.items() if p.status == 200]


def crawl(app: Flask, client: FlaskClient | None = None, start: str | list[str] = "/",
          limit: int = 10000, variants_per_path: int | None = None,
          per_endpoint: int | None = None) -> Crawl:
    """Every in-site URL reachable from ``start``, each requested once.

    ``limit`` bounds the pages answered 200 (``complete`` is False when it stopped the crawl);
    ``variants_per_path`` bounds the query strings followed per path (filters multiply URLs);
    ``per_endpoint`` bounds the pages fetched per endpoint (a sample of every page family)."""
    client = client or app.test_client()
    pages: dict[str, Page] = {}
    referrers: dict[str, list[str]] = {}
    variants: dict[str, int] = {}
    per: dict[str, int] = {}
    ok = 0
    queue: deque[str] = deque([start] if isinstance(start, str) else start)
    while queue:
        url = queue.popleft()
        if url in pages:
            continue
        if ok >= limit:
            return Crawl(pages, False)
        path = urlsplit(url).path
        if variants_per_path is not None and url != path:
            if variants.get(path, 0) >= variants_per_path:
                continue
            variants[path] = variants.get(path, 0) + 1
        if path.startswith("/static/") or get_only_elsewhere(app, url):
            pages[url] = Page(url, 0, "skipped")
            continue
        if per_endpoint is not None:
            endpoint = endpoint_of(app, url)
            if endpoint is None or per.get(endpoint, 0) >= per_endpoint:
                continue
            per[endpoint] = per.get(endpoint, 0) + 1
        response = client.get(url)
        page = Page(url, response.status_code, response.mimetype or "",
                    referrers=referrers.get(url, []))
        pages[url] = page
        ok += response.status_code == 200
        if response.mimetype == "text/html":
            page.html = response.get_data(as_text=True)
            parsed = Html(page.html)
            for href in parsed.links + parsed.hx_links:
                target = internal("http://localhost" + url, href)
                if target is not None and target not in pages:
                    referrers.setdefault(target, []).append(url)
                    queue.append(target)
        response.close()
    return Crawl(pages, True)


def crawl_urls(app: Flask, limit: int = 150, per_endpoint: int = 4,
               with_quiz: bool = False, client: FlaskClient | None = None) -> list[str]:
    """A sample of the app's real GET URLs answered 200: at most ``per_endpoint`` per endpoint,
    ``limit`` in all; with ``with_quiz``, also from the first question of a started practice."""
    from .quiz import start_attempt

    client = client or app.test_client()
    starts = ["/"]
    if with_quiz:
        first = start_attempt(client)
        assert first, "starting a practice attempt through the quiz form failed"
        starts.insert(0, first)
    found = crawl(app, client, starts, limit=limit, per_endpoint=per_endpoint)
    return found.ok_urls()


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
