"""The loaded content's version, and what is built once per version.

Content changes only when the seed is reloaded, and a reload changes the version (a hash of the
seed). So anything derived from content alone — the site texts and navigation, the equivalence
rows (:mod:`cloudquiz.hub.capabilities`), the quiz's content snapshot — is built once per version
and kept in process memory, per app object (two apps in one process may hold different content).
Every such cache is only a copy of the database: losing it (a restart, another worker) costs one
rebuild and changes nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, g

from . import models as m
from .models import db

T = TypeVar("T")

# A Core statement built once: every page reads the version, and an ORM select of one column
# costs more in SQLAlchemy than the query costs in the database (docs/performance.md).
_CONTENT_VERSION = sa.select(m.ContentMeta.__table__.c.version)
# Reentrant: building one cached value (the quiz snapshot) may read another (the spine).
_build_lock = threading.RLock()
# The app extension that holds the cached values: ``{name: (version, value)}``.
EXTENSION = "cloudquiz.content"


def content_version() -> str:
    """The loaded seed's version, read once per request ('' before the first seed)."""
    if "content_version" not in g:
        g.content_version = db.session.connection().scalar(_CONTENT_VERSION) or ""
    return g.content_version


def per_version(name: str, build: Callable[[], T]) -> T:
    """``build()`` once per content version and app; later calls return the same object.

    One thread builds while the others wait for it; a new version replaces the old value, so
    memory holds one value per name."""
    version = content_version()
    store: dict[str, tuple[str, Any]] = current_app.extensions.setdefault(EXTENSION, {})
    hit = store.get(name)
    if hit is not None and hit[0] == version:
        return hit[1]
    with _build_lock:
        hit = store.get(name)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = build()
        store[name] = (version, value)
        return value


def forget(name: str | None = None) -> None:
    """Drop one cached value (or all of them) of the current app (tests, benchmarks)."""
    store: dict[str, Any] = current_app.extensions.setdefault(EXTENSION, {})
    with _build_lock:
        if name is None:
            store.clear()
        else:
            store.pop(name, None)


# ----------------------------------------------------------------------------- site context


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


def _build_site_context() -> SiteContext:
    texts = {t.key: t.value for t in db.session.scalars(sa.select(m.SiteText))}
    providers = tuple(
        NavProvider(p.slug, p.name, p.short_name, p.color, p.icon)
        for p in db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position))
    )
    return SiteContext(content_version(), texts, providers)


def site_context() -> SiteContext:
    """What every page needs: the section texts and the providers of the navigation."""
    return per_version("site", _build_site_context)


class Texts(dict):
    """Section texts for templates; a missing key renders empty instead of failing the page."""

    def __missing__(self, key: str) -> str:
        return ""
