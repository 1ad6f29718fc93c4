"""Site-wide web plumbing: content version, shared template context, response headers.

Content only changes when the seed is reloaded, so what every page needs (section texts, the
provider list of the navigation) is built once per content version and kept in process memory.
The cache is only a copy of the database: losing it (restart, another worker) changes nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request

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


_cache: dict[str, SiteContext] = {}
_lock = threading.Lock()


def content_version() -> str:
    """The loaded seed's version, read once per request ('' before the first seed)."""
    if "content_version" not in g:
        g.content_version = db.session.scalar(sa.select(m.ContentMeta.version)) or ""
    return g.content_version


def site_context() -> SiteContext:
    version = content_version()
    cached = _cache.get(version)
    if cached is not None:
        return cached
    texts = {t.key: t.value for t in db.session.scalars(sa.select(m.SiteText))}
    providers = tuple(
        NavProvider(p.slug, p.name, p.short_name, p.color, p.icon)
        for p in db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position))
    )
    ctx = SiteContext(version, texts, providers)
    with _lock:
        _cache.clear()
        _cache[version] = ctx
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


def _template_context() -> dict[str, Any]:
    endpoints = current_app.view_functions
    nav = {"nav_links": [(e, label) for e, label in NAV_LINKS if e in endpoints],
           "url_endpoints": endpoints}
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


def init_app(app: Flask) -> None:
    app.context_processor(_template_context)
    app.after_request(_security_headers)
