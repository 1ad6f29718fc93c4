"""What the architecture pages and the DevOps page share around a diagram: reading the view's
query parameters (``provider``, ``node``) without ever failing on bad input, the provider list,
service links, and the provider switch.

The diagram arithmetic itself lives in :mod:`cloudquiz.diagrams` (pure); this module is the thin
Flask side of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import request, url_for

from .. import models as m
from ..diagrams import ProviderRef
from ..models import db

GENERIC = "generic"
MAX_ECHO = 60  # how much of a bad parameter value a notice repeats


@dataclass(frozen=True)
class SwitchLink:
    label: str
    slug: str  # provider slug, or "generic"
    href: str  # the full view, open node included (followed without JavaScript)
    hx: str  # the same without the node: htmx adds the node open at the time of the click
    current: bool


@dataclass(frozen=True)
class ViewArgs:
    provider: str | None  # a known provider slug, or None for the generic view
    provider_notice: str | None
    node: str | None  # a known node id, or None
    node_notice: str | None


def _echo(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "…"


def load_providers() -> list[ProviderRef]:
    rows = db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position)).all()
    return [ProviderRef(p.slug, p.name, p.short_name, p.common_name) for p in rows]


def read_view_args(providers: Iterable[ProviderRef], node_ids: Iterable[str],
                   node_param: str = "node", node_noun: str = "component") -> ViewArgs:
    """``provider`` and ``node`` from the query string; unknown values become a notice."""
    slugs = {p.slug for p in providers}
    raw_provider = request.args.get("provider", "").strip()
    provider, provider_notice = None, None
    if raw_provider and raw_provider != GENERIC:
        if raw_provider in slugs:
            provider = raw_provider
        else:
            provider_notice = (f"There is no provider “{_echo(raw_provider)}”: the diagram "
                               "shows the generic roles instead.")
    raw_node = request.args.get(node_param, "").strip()
    node, node_notice = None, None
    if raw_node:
        if raw_node in set(node_ids):
            node = raw_node
        else:
            node_notice = f"There is no {node_noun} “{_echo(raw_node)}” in this diagram."
    return ViewArgs(provider, provider_notice, node, node_notice)


def service_url(provider_slug: str, service_slug: str) -> str:
    """The hub page of one service."""
    return url_for("services.detail", provider=provider_slug, slug=service_slug)


def switch_links(providers: Iterable[ProviderRef], current: str | None,
                 href: Callable[[str | None, bool], str]) -> list[SwitchLink]:
    """Generic first, then one link per provider. ``href(provider_or_None, with_node)`` builds
    each URL: with the open node for the link itself, without it for htmx, which includes the
    node open when the link is clicked (a node click swaps only the panel, so the node in the
    link's own URL may be stale by then)."""
    entries = [("Generic", GENERIC, None)] + [(p.short_name, p.slug, p.slug) for p in providers]
    return [SwitchLink(label, slug, href(value, True), href(value, False), current == value)
            for label, slug, value in entries]
