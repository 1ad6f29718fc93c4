"""HTTP caching of content pages: strong ETags, 304s, ``Cache-Control``, an in-process render cache.

Content pages (the blueprints in ``CONTENT_BLUEPRINTS``; not ``/healthz``, not the quiz, not
``/progress``) change only when the seed is reloaded or the app is redeployed. Their ETag is
therefore known *before* rendering: a hash of

    content version (one indexed query) · build id (hash of code, templates, static) ·
    full URL with query string · fragment or full page (``htmx.wants_fragment()``)

so a revalidation (``If-None-Match``) is answered 304 without running the view, and a page that is
already in the render cache is served without rendering. The policy:

- content page, 200, the view did not touch the session: ``Cache-Control: no-cache`` (browsers
  keep it and revalidate every time) with the strong ETag;
- everything else that is not a static file (quiz, progress, error pages, POST responses,
  redirects, any page that read or wrote the session, e.g. one that renders a CSRF token):
  ``Cache-Control: no-store``.

The render cache (``RENDER_CACHE``; on by default, off under ``TESTING`` unless set) is a bounded
LRU of rendered bodies keyed by that same ETag, per app object. It is only a copy of what the
database says for one content version: losing it (restart, another worker) changes nothing, and a
reseed changes the version and so every key. ``make bench`` measures it against ``RENDER_CACHE=0``
(docs/performance.md).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request
from flask.globals import _cv_request

from ..content import content_version
from ..models import db
from .assets import build_id
from .compression import ETAG_SUFFIXES, compress_response
from .htmx import wants_fragment

CONTENT_BLUEPRINTS = frozenset({
    "pages", "providers", "services", "compare", "devops", "architectures", "learn", "search",
})
NEVER_CACHED_ENDPOINTS = frozenset({"pages.healthz"})
REVALIDATE = "no-cache"
NO_STORE = "no-store"
# Headers a cached page must not replay: recomputed per response, or per user.
_NOT_REPLAYED = frozenset({"content-length", "content-encoding", "etag", "cache-control",
                           "set-cookie", "date"})


@dataclass
class CachedPage:
    body: bytes
    status: int
    headers: list[tuple[str, str]]
    variants: dict[str, bytes] = field(default_factory=dict)

    def response(self) -> Response:
        return Response(self.body, status=self.status, headers=self.headers)


class RenderCache:
    """A thread-safe LRU of rendered pages, bounded in entries and in bytes."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        size = len(page.body)
        if size * 4 > self.max_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._pages[key] = page
            self._bytes += size
            while len(self._pages) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._pages)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


def render_cache(app: Flask | None = None) -> RenderCache | None:
    return (app or current_app).extensions.get("cloudquiz.render_cache")


def is_content_request() -> bool:
    """A GET/HEAD of a content page (the policy above); unknown blueprints are never cached."""
    if request.method not in ("GET", "HEAD"):
        return False
    endpoint = request.endpoint
    if not endpoint or endpoint in NEVER_CACHED_ENDPOINTS:
        return False
    return request.blueprint in CONTENT_BLUEPRINTS


def page_etag() -> str:
    """The strong ETag of the current content request (computed without rendering)."""
    parts = (content_version(), build_id(), request.url,
             "fragment" if wants_fragment() else "page")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _matching_tag(tag: str) -> str | None:
    """The form of ``tag`` (plain or with an encoding suffix) the client revalidates, if any."""
    inm = request.if_none_match
    if not inm:
        return None
    if inm.star_tag:
        return tag
    for candidate in (tag, *(tag + s for s in ETAG_SUFFIXES)):
        if inm.contains_weak(candidate):
            return candidate
    return None


def _session_touched() -> bool:
    """Did the view read or write the session? (Flask sets ``accessed`` on any use.)

    Looked up on the request context, not through ``flask.session``: since Flask 3.1 touching
    the proxy itself marks the session accessed. If Flask's internals move, the answer is a
    safe "yes" (pages are then stored nowhere, which the tests notice).
    """
    ctx = _cv_request.get(None)
    if ctx is None or not hasattr(ctx, "_session"):
        return True
    sess = ctx._session
    if sess is None:
        return False
    return bool(getattr(sess, "accessed", True) or getattr(sess, "modified", True))


def before_request() -> Response | None:
    if not is_content_request():
        return None
    try:
        tag = page_etag()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()  # let the view meet the database error and answer 503/500 itself
        return None
    g.page_etag = tag
    matched = _matching_tag(tag)
    if matched is not None:
        response = Response(status=304)
        response.set_etag(matched)
        g.page_cache = "revalidated"
        return response
    cache = render_cache()
    if cache is not None:
        page = cache.get(tag)
        if page is not None:
            g.page_cache = "hit"
            g.page_variants = page.variants
            return page.response()
    return None


def after_request(response: Response) -> Response:
    """Apply the cache policy, fill the render cache, compress (static files excepted)."""
    if request.endpoint == "static":
        return response  # assets.static_view set its own headers and encoding
    tag = g.get("page_etag")
    state = g.get("page_cache")
    variants = None
    if tag is not None and state == "revalidated" and response.status_code == 304:
        response.headers["Cache-Control"] = REVALIDATE
        response.vary.update(("HX-Request", "Accept-Encoding"))
        return response
    if tag is not None and response.status_code == 200 and (
            state == "hit" or not _session_touched()):
        response.headers["Cache-Control"] = REVALIDATE
        response.set_etag(tag)
        variants = g.get("page_variants")
        cache = render_cache()
        if state != "hit" and cache is not None and not response.is_streamed \
                and not response.direct_passthrough:
            page = CachedPage(response.get_data(), response.status_code,
                              [(k, v) for k, v in response.headers.items()
                               if k.lower() not in _NOT_REPLAYED])
            cache.put(tag, page)
            variants = page.variants
    else:
        response.headers["Cache-Control"] = NO_STORE
        if tag is not None:
            response.headers.pop("ETag", None)
        return compress_response(response, one_shot=True)
    return compress_response(response, variants)


def init_app(app: Flask) -> None:
    enabled = app.config.get("RENDER_CACHE")
    if enabled is None:
        enabled = not app.testing
    if enabled:
        app.extensions["cloudquiz.render_cache"] = RenderCache(
            int(app.config.get("RENDER_CACHE_ENTRIES", 512)),
            int(app.config.get("RENDER_CACHE_BYTES", 64 * 1024 * 1024)),
        )
    app.before_request(before_request)
