"""Helpers for the hub's site-wide tests: a complete crawl from the home page that follows what a
browser or htmx would request (``href``, ``hx-get``/``data-hx-get`` and the action of GET forms),
and the visible text of a page. Used by test_crawl, test_seed_facts, test_html_valid and the
browser tests, so they all walk the same real pages instead of a hand-written list."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

HX_GET = ("hx-get", "data-hx-get")


class LinkParser(HTMLParser):
    """Every URL a page can make the browser GET: links, htmx GETs and GET form actions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.hx_links: list[str] = []

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "get").lower() == "get" \
                and not attrs.get("hx-post") and not attrs.get("data-hx-post"):
            self.links.append(attrs.get("action") or "")
        for name in HX_GET:
            if attrs.get(name):
                self.hx_links.append(attrs[name])


class TextParser(HTMLParser):
    """The text a reader sees (no script, style or template content)."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = TextParser()
    parser.feed(html)
    return normalise(" ".join(parser.parts))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def internal(base: str, href: str) -> str | None:
    """``href`` as an in-site path (with query, without fragment), or None when it leaves."""
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
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
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(urlsplit(url).path, method="GET")
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


def crawl(app: Flask, client: FlaskClient | None = None, start: str = "/",
          limit: int = 4000, variants_per_path: int | None = None) -> Crawl:
    """Every in-site URL reachable from ``start`` (links, hx-get, GET forms), each requested once.

    ``variants_per_path`` bounds how many query strings of one path are followed (filters of
    a page multiply its URLs); ``complete`` is False when ``limit`` stopped the crawl early."""
    client = client or app.test_client()
    pages: dict[str, Page] = {}
    referrers: dict[str, list[str]] = {}
    variants: dict[str, int] = {}
    queue: deque[str] = deque([start])
    while queue:
        url = queue.popleft()
        if url in pages:
            continue
        if len(pages) >= limit:
            return Crawl(pages, False)
        path = urlsplit(url).path
        if variants_per_path is not None and url != path:
            if variants.get(path, 0) >= variants_per_path:
                continue
            variants[path] = variants.get(path, 0) + 1
        if urlsplit(url).path.startswith("/static/") or get_only_elsewhere(app, url):
            pages[url] = Page(url, 0, "skipped")
            continue
        response = client.get(url)
        page = Page(url, response.status_code, response.mimetype or "",
                    referrers=referrers.get(url, []))
        pages[url] = page
        if response.mimetype == "text/html":
            page.html = response.get_data(as_text=True)
            parser = LinkParser()
            parser.feed(page.html)
            for href in parser.links + parser.hx_links:
                target = internal("http://localhost" + url, href)
                if target is not None and target not in pages:
                    referrers.setdefault(target, []).append(url)
                    queue.append(target)
        response.close()
    return Crawl(pages, True)


# ----------------------------------------------------------------------------- content growth


def grow_content(app: Flask, n: int = 25) -> None:
    """Add ``n`` services per provider (with aliases, in a new capability), best practices,
    code samples and learning resources: a page's query count must not grow with them."""
    import datetime as dt

    import sqlalchemy as sa

    from cloudquiz import models as m
    from cloudquiz.models import db

    with app.app_context():
        providers = db.session.scalars(sa.select(m.Provider)).all()
        category = db.session.scalars(sa.select(m.Category).order_by(m.Category.position)).first()
        for i in range(3):
            cap = m.Capability(slug=f"filler-cap-{i}", name=f"Filler capability {i}",
                               category_id=category.id, source_url="https://example.com/",
                               verified_on=dt.date(2026, 1, 1), position=900 + i)
            db.session.add(cap)
            db.session.flush()
            for p in providers:
                db.session.add(m.CapabilityCell(capability_id=cap.id, provider_id=p.id,
                                                label=f"Filler {p.short_name} {i}"))
        caps = db.session.scalars(sa.select(m.Capability).where(
            m.Capability.slug.like("filler-cap-%"))).all()
        for p in providers:
            for i in range(n):
                s = m.Service(provider_id=p.id, slug=f"filler-{i}", name=f"Filler {p.slug} {i}",
                              category_id=category.id, summary="Filler service.",
                              docs_url="https://example.com/")
                s.aliases.append(m.ServiceAlias(name=f"Old filler {p.slug} {i}"))
                db.session.add(s)
                db.session.flush()
                db.session.add(m.CapabilityService(capability_id=caps[i % len(caps)].id,
                                                   service_id=s.id, position=i))
                db.session.add(m.BestPractice(provider_id=p.id, slug=f"filler-{i}",
                                              number=50 + i, title=f"Filler practice {i}",
                                              text="Filler text."))
                db.session.add(m.CodeSample(provider_id=p.id, slug=f"filler-{i}",
                                            title=f"Filler code {i}", language="python",
                                            code="print('filler')", position=100 + i))
                db.session.add(m.LearningResource(provider_id=p.id, kind="lab",
                                                  slug=f"filler-{i}", title=f"Filler lab {i}",
                                                  url="https://example.com/", position=100 + i))
        db.session.commit()


class QueryCounter:
    """Counts the SQL statements the app's engine runs inside a ``with`` block."""

    def __init__(self, app: Flask) -> None:
        from cloudquiz.models import db

        with app.app_context():
            self.engine = db.engine
        self.statements: list[str] = []

    def _before(self, conn, cursor, statement, *args) -> None:  # noqa: ANN001
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        import sqlalchemy as sa

        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc: object) -> None:
        import sqlalchemy as sa

        sa.event.remove(self.engine, "before_cursor_execute", self._before)

    @property
    def count(self) -> int:
        return len(self.statements)


def queries_for(app: Flask, client: FlaskClient, url: str) -> int:
    client.get(url)  # warm the per-version caches
    with QueryCounter(app) as counter:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return counter.count


def assert_bounded_queries(app: Flask, client: FlaskClient, *urls: str,
                           limit: int = 15) -> None:
    """Each URL runs the same (small) number of queries before and after the content grows."""
    before = {url: queries_for(app, client, url) for url in urls}
    grow_content(app)
    after = {url: queries_for(app, client, url) for url in urls}
    assert after == before, f"queries before {before}, after adding content {after}"
    assert max(before.values()) <= limit, before


# ----------------------------------------------------------------------------- three requests

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _TopLevel(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.roots: list[tuple[str, dict[str, str]]] = []
        self.stray_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            self.roots.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth == 0:
            self.stray_text += data.strip()


def fragment_root(html: str) -> tuple[str, dict[str, str]]:
    """The fragment's single root element (fails when there are several, or stray text)."""
    parser = _TopLevel()
    parser.feed(html)
    assert len(parser.roots) == 1, [r[0] for r in parser.roots]
    assert not parser.stray_text, parser.stray_text[:80]
    return parser.roots[0]


def varies_on_hx(response) -> bool:  # noqa: ANN001
    return "hx-request" in response.headers.get("Vary", "").lower()


def is_full_page(html: str) -> bool:
    return html.lstrip().lower().startswith("<!doctype html>") and 'class="site-header"' in html


def assert_three_ways(client: FlaskClient, hx, url: str, target_id: str) -> tuple[str, str]:  # noqa: ANN001
    """Plain → full page; htmx → only the fragment (one root with ``target_id``); boosted and
    history-restore → full page. All say ``Vary: HX-Request``. Returns (page, fragment)."""
    plain = client.get(url)
    assert plain.status_code == 200, (url, plain.status_code)
    page = plain.get_data(as_text=True)
    assert is_full_page(page) and f'id="{target_id}"' in page
    assert varies_on_hx(plain)

    frag = hx.get(url)
    assert frag.status_code == 200
    fragment = frag.get_data(as_text=True)
    assert not is_full_page(fragment) and "<html" not in fragment
    tag, attrs = fragment_root(fragment)
    assert attrs.get("id") == target_id, (tag, attrs)
    assert varies_on_hx(frag)

    for kw in ({"boosted": True}, {"history_restore": True}):
        full = hx.get(url, **kw)
        assert full.status_code == 200
        assert is_full_page(full.get_data(as_text=True)), kw
        assert varies_on_hx(full)
    return page, fragment


ODD_VALUES = ["", " ", "nope", "<script>alert(1)</script>", "%", "_", "\\", "'\"", "\x00",
              "\u202e\u0000x", "a" * 5000, "🙂", "../../etc/passwd", "' OR 1=1 --", "%00"]
