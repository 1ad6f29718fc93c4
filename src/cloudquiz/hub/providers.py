"""Provider pages (``/providers/<slug>``) and the generated stylesheet they depend on.

A provider page shows the figures line, the service cards with a category filter (a GET form that
htmx turns into a swap of the ``service_grid`` block), the four titled lists, the six best
practices and the code samples, highlighted on the server by Pygments. The page runs a fixed
number of queries whatever the amount of content.

``/theme.css`` carries what depends on data but may not be inline under the strict CSP: each
provider's brand colour (with AA-readable text variants) and the Pygments token colours.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Blueprint, Response, abort, make_response, request, url_for
from sqlalchemy.orm import selectinload

from .. import models as m
from ..content import content_version
from ..models import db
from ..web.htmx import render_page
from ..web.params import clean_param
from .theme import code_css, highlight, provider_css

bp = Blueprint("providers", __name__)

def get_provider(slug: str) -> m.Provider:
    provider = db.session.scalar(
        sa.select(m.Provider).where(m.Provider.slug == slug)
        .options(selectinload(m.Provider.services).selectinload(m.Service.category))
    )
    if provider is None:
        abort(404, f"There is no cloud provider “{clean_param(slug, 40)}” in the hub.")
    return provider


@dataclass(frozen=True)
class ServiceCard:
    """One card of the grid: the seed page's twelve cards keep their own title and text."""

    service: m.Service
    title: str
    text: str
    label: str
    featured: bool


@dataclass(frozen=True)
class CategoryOption:
    slug: str
    name: str
    icon: str
    count: int


@dataclass
class ServiceGrid:
    cards: list[ServiceCard] = field(default_factory=list)
    more: list[ServiceCard] = field(default_factory=list)
    options: list[CategoryOption] = field(default_factory=list)
    selected: str = ""
    notice: str = ""

    @property
    def total(self) -> int:
        return len(self.cards) + len(self.more)


def service_grid(provider: m.Provider, category: str) -> ServiceGrid:
    """The cards of ``provider`` (all of them, or one category's), and the filter's options."""
    services = list(provider.services)
    counts: dict[int, int] = {}
    for s in services:
        counts[s.category_id] = counts.get(s.category_id, 0) + 1
    cats = sorted({s.category_id: s.category for s in services}.values(),
                  key=lambda c: (c.position, c.name))
    grid = ServiceGrid(options=[CategoryOption(c.slug, c.name, c.icon, counts[c.id])
                                for c in cats])
    if category and category not in {c.slug for c in cats}:
        name = provider.common_name or provider.short_name
        grid.notice = (f"{name} has no services in a category called "
                       f"“{category}”; showing all {name} services.")
        category = ""
    grid.selected = category
    for s in services:
        if category and s.category.slug != category:
            continue
        featured = s.card_position is not None
        title = (s.card_title or s.short_name or s.name) if featured else s.name
        card = ServiceCard(s, title, s.card_text or s.summary, s.label, featured)
        (grid.cards if card.featured else grid.more).append(card)
    grid.cards.sort(key=lambda c: c.service.card_position or 0)
    grid.more.sort(key=lambda c: (c.service.category.position, c.service.name.casefold()))
    return grid


@dataclass(frozen=True)
class Sample:
    sample: m.CodeSample
    html: str
    dom_id: str


@bp.get("/providers/<slug>")
def detail(slug: str) -> Response:
    provider = get_provider(slug)
    category = clean_param(request.args.get("category"), 60)
    sections = db.session.scalars(
        sa.select(m.ProviderSection).where(m.ProviderSection.provider_id == provider.id)
        .order_by(m.ProviderSection.position)
        .options(selectinload(m.ProviderSection.items).selectinload(m.ProviderListItem.service))
    ).all()
    practices = db.session.scalars(
        sa.select(m.BestPractice).where(m.BestPractice.provider_id == provider.id)
        .order_by(m.BestPractice.number)
    ).all()
    samples = [
        Sample(s, highlight(s.code, s.language), f"code-{s.slug}")
        for s in db.session.scalars(
            sa.select(m.CodeSample).where(m.CodeSample.provider_id == provider.id)
            .order_by(m.CodeSample.position)
        )
    ]
    return render_page(
        "providers/detail.html", "service_grid",
        provider=provider, grid=service_grid(provider, category), sections=sections,
        practices=practices, samples=samples,
        filter_url=url_for("providers.detail", slug=provider.slug),
    )


# ----------------------------------------------------------------------------- theme.css


def _theme_text() -> str:
    rows = db.session.execute(
        sa.select(m.Provider.slug, m.Provider.color).order_by(m.Provider.position)
    ).all()
    return ("/* Generated from the database and Pygments: provider colours, code tokens. */\n"
            + provider_css((r.slug, r.color) for r in rows) + code_css())


@bp.get("/theme.css")
def theme_css() -> Response:
    css = _theme_text()
    response = make_response(css)
    response.mimetype = "text/css"
    # Cache-Control is the caching layer's (a content page: revalidated by ETag); the link
    # carries the content version (?v=) so a reseed never serves stale colours.
    response.set_etag(hashlib.sha256(css.encode()).hexdigest()[:20])
    return response.make_conditional(request)


@bp.app_context_processor
def _theme_url() -> dict[str, str]:
    try:
        version = content_version()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        version = ""
    return {"theme_css_url": url_for("providers.theme_css", v=version or None)}
