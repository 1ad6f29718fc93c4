"""HTTP caching of content pages: strong ETags, 304s, ``Cache-Control``, an in-process render cache.

Content pages (the blueprints in ``CONTENT_BLUEPRINTS``; not ``/healthz``, not the quiz, not
``/progress``) change only when the seed is reloaded or the app is redeployed. Their ETag is
therefore known *before* rendering: a hash of

    content version (one indexed query) · build id (hash of code, templates, static) ·
    full URL with query string · fragment or full page (``htmx.wants_fragment()``)

so a revalidation (``If-None-Match``) is answered 304 without running the view, and a page that is
already in the render cache is served without rendering. The policy:

- content page, 200, the view did not touch the session and sets no cookie: ``public,
  max-age=60, s-maxage=300, stale-while-revalidate=60`` (:func:`shared_policy`; the three ages
  are ``CACHE_MAX_AGE``, ``CACHE_SHARED_MAX_AGE``, ``CACHE_STALE_WHILE_REVALIDATE``) with the
  strong ETag and ``Vary`` on the htmx headers and ``Accept-Encoding``: a browser reuses the page
  for a minute, a shared cache (nginx, a CDN) for five, and both then revalidate by ETag, so a
  reseed reaches every reader within those ages (``CACHE_MAX_AGE=0`` and
  ``CACHE_SHARED_MAX_AGE=0`` give "revalidate every time");
- everything else that is not a static file (quiz, progress, error pages, POST responses,
  redirects, any page that read or wrote the session, e.g. one that renders a CSRF token):
  ``Cache-Control: no-store``.

The render cache (``RENDER_CACHE``; on by default, off under ``TESTING`` unless set) is a cachelib
``SimpleCache`` of rendered bodies keyed by that same ETag, per app object, bounded in entries. It is only a copy of what the
database says for one content version: losing it (restart, another worker) changes nothing, and a
reseed changes the version and so every key. ``make bench`` measures it against ``RENDER_CACHE=0``
(docs/performance.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cachelib import SimpleCache
from flask import Flask, Response, current_app, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from ..content import content_version
from ..models import db
from . import compression
from .assets import build_id
from .compression import ETAG_SUFFIXES
from .htmx import VARY, wants_fragment

CONTENT_BLUEPRINTS = frozenset({
    "pages", "providers", "services", "compare", "devops", "architectures", "learn", "search",
})
NEVER_CACHED_ENDPOINTS = frozenset({"pages.healthz"})
NO_STORE = "no-store"
# Headers a cached page must not replay: recomputed per response, or per user.
MAX_CACHED_PAGE = 4 * 1024 * 1024  # larger bodies (none today) are rendered every time
_NOT_REPLAYED = frozenset({"content-length", "content-encoding", "etag", "cache-control",
                           "set-cookie", "date"})


@dataclass
class CachedPage:
    body: bytes
    status: int
    headers: list[tuple[str, str]]

    def response(self) -> Response:
        return Response(self.body, status=self.status, headers=self.headers)


def render_cache(app: Flask | None = None) -> SimpleCache | None:
    """The app's render cache (cachelib, bounded in entries), or None when it is off."""
    return (app or current_app).extensions.get("cloudquiz.render_cache")


class _WatchedSessions(SecureCookieSessionInterface):
    """Flask's cookie sessions, remembering in ``g`` the session object a request opened, so
    the cache policy can ask whether the view used it without touching ``flask.session``
    (reading that proxy marks the session accessed)."""

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:
        session = super().open_session(app, request)
        g.cloudquiz_session = session
        return session


def _session_touched() -> bool:
    """Did the view read or write the session? A session that was never opened was not used;
    one we did not see opened counts as used (pages are then stored nowhere: safe)."""
    if "cloudquiz_session" not in g:
        return not isinstance(current_app.session_interface, _WatchedSessions)
    session = g.cloudquiz_session
    if session is None:
        return False
    return bool(getattr(session, "accessed", True) or getattr(session, "modified", True))


def is_content_request() -> bool:
    """A GET/HEAD of a content page (the policy above); unknown blueprints are never cached."""
    if request.method not in ("GET", "HEAD"):
        return False
    endpoint = request.endpoint
    if not endpoint or endpoint in NEVER_CACHED_ENDPOINTS:
        return False
    return request.blueprint in CONTENT_BLUEPRINTS


def shared_policy() -> str:
    """``Cache-Control`` of a content page: public, for the browser and for shared caches."""
    config = current_app.config
    ages = (int(config.get("CACHE_MAX_AGE", 60)), int(config.get("CACHE_SHARED_MAX_AGE", 300)),
            int(config.get("CACHE_STALE_WHILE_REVALIDATE", 60)))
    if ages[0] <= 0 and ages[1] <= 0:
        return "no-cache"
    policy = f"public, max-age={ages[0]}, s-maxage={ages[1]}"
    return policy + (f", stale-while-revalidate={ages[2]}" if ages[2] > 0 else "")


def page_etag() -> str:
    """The strong ETag of the current content request (computed without rendering)."""
    parts = (content_version(), build_id(), request.url,
             "fragment" if wants_fragment() else "page")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _matching_tag(tag: str) -> str | None:
    """The form of ``tag`` (plain or with an encoding suffix) the client revalidates, if any."""
    inm = request.if_none_match
    if not inm or inm.star_tag:  # "*" means "if the page exists": the view must say so first
        return None
    for candidate in (tag, *(tag + s for s in ETAG_SUFFIXES)):
        if inm.contains_weak(candidate):
            return candidate
    return None


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
            return page.response()
    return None


def after_request(response: Response) -> Response:
    """Apply the cache policy, fill the render cache, compress (static files excepted)."""
    if request.endpoint == "static":
        return response  # assets.static_view set its own headers and encoding
    tag = g.get("page_etag")
    state = g.get("page_cache")
    if tag is not None and state == "revalidated" and response.status_code == 304:
        response.headers["Cache-Control"] = shared_policy()
        response.vary.update((*VARY, "Accept-Encoding"))
        return response
    if tag is not None and response.status_code == 200 and "Set-Cookie" not in response.headers \
            and (state == "hit" or not _session_touched()):
        if request.if_none_match.star_tag:  # the page exists, and any version will do
            response = Response(status=304)
            response.vary.update((*VARY, "Accept-Encoding"))
        response.headers["Cache-Control"] = shared_policy()
        response.set_etag(tag)
        if response.status_code == 304:
            return response
        cache = render_cache()
        if state != "hit" and cache is not None and not response.is_streamed \
                and not response.direct_passthrough:
            body = response.get_data()
            if len(body) <= MAX_CACHED_PAGE:
                cache.set(tag, CachedPage(body, response.status_code,
                                          [(k, v) for k, v in response.headers.items()
                                           if k.lower() not in _NOT_REPLAYED]))
        return compression.compress(response, stored=True)
    response.headers["Cache-Control"] = NO_STORE
    if tag is not None:
        response.headers.pop("ETag", None)
    return compression.compress(response, stored=False)


def init_app(app: Flask) -> None:
    compression.init_app(app)
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = _WatchedSessions()
    enabled = app.config.get("RENDER_CACHE")
    if enabled is None:
        enabled = not app.testing
    if enabled:
        app.extensions["cloudquiz.render_cache"] = SimpleCache(
            threshold=int(app.config.get("RENDER_CACHE_ENTRIES", 512)),
            default_timeout=compression.KEEP_SECONDS)
    app.before_request(before_request)
