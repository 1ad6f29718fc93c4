"""Site-wide web plumbing: content version, shared template context, response headers.

Content only changes when the seed is reloaded, so what every page needs (section texts, the
provider list of the navigation) is built once per content version and kept in process memory
(per app object). The cache is only a copy of the database: losing it (restart, another worker)
changes nothing.

Every response leaves through :func:`_finalize`, in this order: the cache policy and compression
(:mod:`cloudquiz.caching`, :mod:`cloudquiz.compress`), then the security headers. Static files
are served by :mod:`cloudquiz.assets` under content-hashed URLs.

Behind a reverse proxy set ``BEHIND_PROXY=N`` (the number of proxies in front of the app) and
werkzeug's ``ProxyFix`` trusts that many ``X-Forwarded-For/-Proto/-Host/-Prefix`` hops, so
``request.is_secure`` (HSTS, secure redirects) and client addresses are right. Without the flag
those headers are ignored: a client could forge them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import assets, caching
from . import models as m
from .models import db


@dataclass(frozen=True)
class NavProvider:
    slug: str
    name: str
    short_name: str
    color: str
    icon: str


@dataclass(frozen=True)
class SiteContext:
    version: str
    texts: dict[str, str]
    providers: tuple[NavProvider, ...]


_lock = threading.Lock()


# A Core statement built once: every page reads the version, and an ORM select of one column
# costs more in SQLAlchemy than the query costs in the database (docs/performance.md).
_CONTENT_VERSION = sa.select(m.ContentMeta.__table__.c.version)


def content_version() -> str:
    """The loaded seed's version, read once per request ('' before the first seed)."""
    if "content_version" not in g:
        g.content_version = db.session.connection().scalar(_CONTENT_VERSION) or ""
    return g.content_version


def site_context() -> SiteContext:
    version = content_version()
    # Per app object: two apps in one process (tests, two instances) may hold different content.
    cache: dict[str, SiteContext] = current_app.extensions.setdefault("cloudquiz.site", {})
    cached = cache.get(version)
    if cached is not None:
        return cached
    texts = {t.key: t.value for t in db.session.scalars(sa.select(m.SiteText))}
    providers = tuple(
        NavProvider(p.slug, p.name, p.short_name, p.color, p.icon)
        for p in db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position))
    )
    ctx = SiteContext(version, texts, providers)
    with _lock:
        cache.clear()
        cache[version] = ctx
    return ctx


class Texts(dict):
    """Section texts for templates; a missing key renders empty instead of failing the page."""

    def __missing__(self, key: str) -> str:
        return ""


NAV_LINKS = (
    ("compare.index", "Compare"),
    ("devops.index", "DevOps"),
    ("architectures.index", "Architectures"),
    ("learn.index", "Learn"),
    ("quiz.index", "Quiz"),
    ("quiz.progress", "Progress"),
    ("search.index", "Search"),
)


def _nav_current() -> str | None:
    """The navigation entry of this page: its own endpoint, else the first one of its blueprint
    (a quiz question belongs to "Quiz"; /progress only to "Progress")."""
    endpoint = request.endpoint or ""
    if any(endpoint == e for e, _ in NAV_LINKS):
        return endpoint
    blueprint = endpoint.partition(".")[0]
    return next((e for e, _ in NAV_LINKS if e.partition(".")[0] == blueprint), None)


def _template_context() -> dict[str, Any]:
    nav = {"nav_links": NAV_LINKS, "nav_current": _nav_current()}
    try:
        ctx = site_context()
    except sa.exc.SQLAlchemyError:
        # An error page must still render when the database is what failed.
        db.session.rollback()
        return {"site": Texts(), "nav_providers": (), **nav}
    return {"site": Texts(ctx.texts), "nav_providers": ctx.providers, **nav}


CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite tuned for several processes on one file (gunicorn workers, two app instances):
    WAL lets readers run while one writer commits, ``synchronous=NORMAL`` is safe with WAL
    (a crash of the app loses nothing; only a power cut may undo the last commits), and a long
    busy timeout makes a writer wait for the lock instead of failing under load."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout = 30000")
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode and str(mode[0]).lower() == "wal":
            cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _tune_database(app: Flask) -> None:
    with app.app_context():  # creates the engine object only; nothing connects here
        engine = db.engine
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        sa.event.listen(engine, "connect", _sqlite_pragmas)


def _database_unavailable(exc: sa.exc.SQLAlchemyError) -> Response:
    """The database is down or unreachable: a styled 503 with Retry-After, not a 500."""
    from .errors import render_error

    db.session.rollback()
    current_app.logger.warning("database unavailable: %s", exc.__class__.__name__)
    response = render_error(503)
    response.headers["Retry-After"] = "5"
    return response


def _finalize(response: Response) -> Response:
    """Last step of every response (registered first, so Flask runs it after all others)."""
    response = caching.after_request(response)
    return _security_headers(response)


def init_app(app: Flask) -> None:
    hops = int(app.config.get("BEHIND_PROXY") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)  # type: ignore[method-assign]
    _tune_database(app)
    assets.init_app(app)
    caching.init_app(app)
    app.context_processor(_template_context)
    app.register_error_handler(sa.exc.OperationalError, _database_unavailable)
    app.register_error_handler(sa.exc.DisconnectionError, _database_unavailable)
    app.after_request(_finalize)
