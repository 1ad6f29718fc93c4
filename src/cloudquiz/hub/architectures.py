"""Architecture pages: the index grouped like the seed page, and one page per architecture with
its interactive diagram.

The diagram is inline SVG drawn on the server, so it shows without JavaScript. Its state lives in
the URL: ``?provider=aws`` relabels every node with that provider's service for the node's
capability, ``?node=cdn`` opens a node's details in the side panel. With htmx the provider switch
swaps the ``diagram`` block and a node swaps the ``node_panel`` block (from
``/architectures/<slug>/nodes/<node>``, a real page too); both push the page URL that states the
view, so a pasted URL or the back button shows the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, url_for

from .. import models as m
from ..content import per_version
from ..diagrams import (
    DiagramView,
    ProviderRef,
    Role,
    ServiceRef,
    build_both,
    with_selection,
)
from ..models import db
from ..web.htmx import render_page, wants_fragment
from .capabilities import spine
from .diagram_views import (
    ViewArgs,
    load_providers,
    read_view_args,
    switch_links,
)

bp = Blueprint("architectures", __name__)

# The five Well-Architected pillars every provider's framework shares, in the order pages list them.
PILLARS = (("reliability", "Reliability", "🔁"), ("security", "Security", "🔒"),
           ("cost_optimization", "Cost optimisation", "💰"),
           ("operational_excellence", "Operational excellence", "🛠️"),
           ("performance_efficiency", "Performance efficiency", "⚡"))


@dataclass(frozen=True)
class Group:
    name: str
    architectures: list[m.Architecture]


@dataclass(frozen=True)
class NodeLink:
    href: str  # the page with this node open (works without JavaScript; pushed to history)
    hx: str  # the node panel fragment


@dataclass(frozen=True)
class Chip:
    """One chip of a capability card: a service of the chosen provider, or the capability."""

    label: str
    href: str | None
    title: str  # the capability it stands for
    missing: bool = False  # the provider offers nothing for the capability


def card_chips(cards: list[dict[str, Any]], roles: dict[str, Role],
               provider: ProviderRef | None) -> list[list[Chip]]:
    """Each card's chips: without a provider, its capabilities (each a link to its compare
    row); with one, the provider's services for them, each once."""
    out = []
    for card in cards:
        chips: list[Chip] = []
        for slug in card.get("capabilities") or []:
            role = roles.get(slug)
            if role is None:
                continue
            if provider is None:
                chips.append(Chip(role.name, url_for("compare.row", slug=role.key), role.name))
                continue
            services = role.services_of(provider.slug)
            if not services:
                chips.append(Chip(f"{role.name}: no native service", None, role.name, True))
            for svc in services:
                if all(c.label != svc.name for c in chips):
                    chips.append(Chip(svc.name, svc.url, role.name))
        out.append(chips)
    return out


def get_architecture(slug: str) -> m.Architecture:
    arch = db.session.scalar(sa.select(m.Architecture).where(m.Architecture.slug == slug))
    if arch is None:
        abort(404, f"There is no architecture “{slug[:60]}”.")
    return arch


def capability_roles(slugs: set[str]) -> dict[str, Role]:
    """Each capability with the services every provider offers for it today, from the spine
    (closed or retired products are never offered as a node's current service)."""
    sp = spine()
    roles = {}
    for slug in sorted(slugs):
        row = sp.by_slug.get(slug)
        if row is None:
            continue
        services = {
            p: tuple(ServiceRef(svc.name, svc.url, short_name=svc.short_name)
                     for svc in cell.services)
            for p, cell in row.cells.items() if cell.services}
        roles[row.slug] = Role(key=row.slug, name=row.name, description=row.description,
                               icon=row.icon, services=services)
    return roles


def _node_ids(arch: m.Architecture) -> list[str]:
    return [str(n.get("id")) for n in (arch.diagram or {}).get("nodes", [])]


def _laid_out(arch: m.Architecture, providers: list[ProviderRef], roles: dict[str, Role],
              provider: str | None) -> dict[str, DiagramView]:
    """Both layouts of an architecture's diagram for one provider, laid out once per content
    version (routing the flows is the costly part of the page); a selected node is marked on
    the kept views per request. At most architectures × (providers + 1) entries."""
    kept: dict[tuple[str, str | None], dict[str, DiagramView]] = per_version(
        "architecture-diagrams", dict)
    views = kept.get((arch.slug, provider))
    if views is None:
        views = kept[(arch.slug, provider)] = build_both(arch.diagram or {}, roles, providers,
                                                         provider)
    return views


def _context(arch: m.Architecture, args: ViewArgs, providers: list[ProviderRef],
             roles: dict[str, Role]) -> dict[str, Any]:
    views = {layout: with_selection(view, args.node)
             for layout, view in _laid_out(arch, providers, roles, args.provider).items()}
    node_links = {
        nid: NodeLink(
            href=url_for("architectures.detail", slug=arch.slug, provider=args.provider,
                         node=nid),
            hx=url_for("architectures.node", slug=arch.slug, node_id=nid,
                       provider=args.provider),
        ) for nid in _node_ids(arch)
    }
    switch = switch_links(providers, args.provider, lambda p, with_node: url_for(
        "architectures.detail", slug=arch.slug, provider=p,
        node=args.node if with_node else None))
    others = db.session.execute(
        sa.select(m.Architecture.slug, m.Architecture.title, m.Architecture.icon)
        .order_by(m.Architecture.position)).all()
    return {
        "arch": arch,
        "views": views,
        "view": views["wide"],
        "args": args,
        "providers": providers,
        "node_links": node_links,
        "switch": switch,
        # absolute, as search engines (and Lighthouse's SEO audit) require
        "canonical": url_for("architectures.detail", slug=arch.slug, provider=args.provider,
                             node=args.node, _external=True),
        "others": [o for o in others if o.slug != arch.slug],
        "chips": card_chips(list(arch.cards or []), roles, views["wide"].provider),
        "pillars": PILLARS,
        # an htmx provider switch swaps the diagram and, out of band, the cards it translates
        "oob": wants_fragment(),
    }


def _render(slug: str, block: str, node_id: str | None = None) -> Response:
    arch = get_architecture(slug)
    providers = load_providers()
    node_ids = _node_ids(arch)
    if node_id is not None and node_id not in node_ids:
        abort(404, f"There is no component “{node_id[:60]}” in the {arch.title} diagram.")
    args = read_view_args(providers, node_ids)
    if node_id is not None:
        args = ViewArgs(args.provider, args.provider_notice, node_id, None)
    caps = {str(n["capability"]) for n in (arch.diagram or {}).get("nodes", [])
            if n.get("capability")}
    caps |= {str(c) for card in arch.cards or [] for c in card.get("capabilities") or []}
    ctx = _context(arch, args, providers, capability_roles(caps))
    return render_page("architectures/detail.html", block, **ctx)


@bp.get("/architectures")
def index() -> Response:
    archs = db.session.scalars(
        sa.select(m.Architecture).order_by(m.Architecture.position)).all()
    groups: dict[str, list[m.Architecture]] = {}
    for a in archs:
        groups.setdefault(a.group, []).append(a)
    return render_page("architectures/index.html",
                       groups=[Group(name, items) for name, items in groups.items()])


@bp.get("/architectures/<slug>")
def detail(slug: str) -> Response:
    """The page; for htmx (provider switch, closing the panel) the ``diagram`` block."""
    return _render(slug, "diagram")


@bp.get("/architectures/<slug>/nodes/<node_id>")
def node(slug: str, node_id: str) -> Response:
    """One node's details: the ``node_panel`` block for htmx, else the page with it open."""
    return _render(slug, "node_panel", node_id)
