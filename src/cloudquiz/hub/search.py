"""Search (``/search?q=``) across services (with former names), capabilities, best practices
and architectures.

Every word of the query must match (case-insensitively) one of a record's searchable fields, so
``gcp storage`` finds Google Cloud's storage services. One query per kind of result whatever the
query; results are grouped by kind, best matches first, each linked to the page that shows it.
As-you-type requests swap only the ``search_results`` block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, request, url_for
from markupsafe import Markup, escape
from sqlalchemy.orm import contains_eager, selectinload

from .. import models as m
from ..models import db
from ..web.htmx import render_page
from ..web.params import clean_param

bp = Blueprint("search", __name__)

MAX_TERMS = 8
LIMIT = 40  # results shown per group


@dataclass(frozen=True)
class Hit:
    title: str
    url: str | None
    text: str = ""
    provider: m.Provider | None = None
    badges: tuple[str, ...] = ()
    extra: Any = None
    rank: tuple[Any, ...] = ()


@dataclass
class Group:
    key: str
    title: str
    icon: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


def _terms(q: str) -> list[str]:
    return q.casefold().split()[:MAX_TERMS]


# A word of the query matches the start of a word of a field ("ad" finds "Azure AD", not "Load").
WORD_STARTS = ("", "% ", "%-", "%/", "%(", "%.")


def _like(column: Any, term: str) -> Any:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(*(column.ilike(f"{start}{escaped}%", escape="\\") for start in WORD_STARTS))


def _matches(text: str, terms: Sequence[str]) -> bool:
    """The same rule as :func:`_like`, in Python."""
    return any(re.search(r"(?<![^\W_])" + re.escape(t), text, re.IGNORECASE) for t in terms)


def _all_terms(terms: Sequence[str], fields: Callable[[str], list[Any]]) -> Any:
    return sa.and_(*(sa.or_(*fields(t)) for t in terms))


def _rank(name: str, q: str, terms: Sequence[str]) -> tuple[int, str]:
    n, ql = name.casefold(), q.casefold()
    if n == ql:
        score = 0
    elif n.startswith(ql):
        score = 1
    elif all(t in n for t in terms):
        score = 2
    else:
        score = 3
    return (score, n)


def search_services(q: str, terms: list[str]) -> list[Hit]:
    stmt = (
        sa.select(m.Service).join(m.Service.provider).join(m.Service.category)
        .where(_all_terms(terms, lambda t: [
            _like(m.Service.name, t), _like(m.Service.short_name, t),
            m.Service.aliases.any(_like(m.ServiceAlias.name, t)),
            _like(m.Provider.name, t), _like(m.Provider.short_name, t), _like(m.Provider.slug, t),
            _like(m.Category.name, t),
        ]))
        .options(contains_eager(m.Service.provider), contains_eager(m.Service.category),
                 selectinload(m.Service.aliases))
    )
    hits = []
    for s in db.session.scalars(stmt):
        alias_hit = [a.name for a in s.aliases if _matches(a.name, terms)]
        best = min([_rank(s.name, q, terms), *(_rank(a, q, terms) for a in alias_hit)])
        hits.append(Hit(s.name, s.url, s.summary, s.provider, (s.category.name,),
                        extra=[a.name for a in s.aliases], rank=(best[0], s.provider.position,
                                                                   best[1])))
    return hits


@dataclass(frozen=True)
class CapabilityCellView:
    provider: m.Provider
    label: str


def search_capabilities(q: str, terms: list[str], providers: list[m.Provider]) -> list[Hit]:
    stmt = (
        sa.select(m.Capability).join(m.Capability.category)
        .where(_all_terms(terms, lambda t: [
            _like(m.Capability.name, t), _like(m.Capability.description, t),
            _like(m.Category.name, t), m.Capability.cells.any(_like(m.CapabilityCell.label, t)),
        ]))
        .options(contains_eager(m.Capability.category), selectinload(m.Capability.cells))
    )
    by_id = {p.id: p for p in providers}
    hits = []
    for c in db.session.scalars(stmt):
        cells = sorted((CapabilityCellView(by_id[cell.provider_id], cell.label)
                        for cell in c.cells if cell.provider_id in by_id),
                       key=lambda v: v.provider.position)
        url = url_for("compare.index", q=c.name, _anchor=f"cap-{c.slug}")
        hits.append(Hit(c.name, url, c.description, None, (c.category.name,), extra=cells,
                        rank=(*_rank(c.name, q, terms)[:1], not c.core, c.position)))
    return hits


def search_practices(q: str, terms: list[str]) -> list[Hit]:
    stmt = (
        sa.select(m.BestPractice).join(m.BestPractice.provider)
        .where(_all_terms(terms, lambda t: [
            _like(m.BestPractice.title, t), _like(m.BestPractice.text, t),
            _like(m.BestPractice.pillar, t), _like(m.Provider.name, t),
            _like(m.Provider.short_name, t), _like(m.Provider.slug, t),
        ]))
        .options(contains_eager(m.BestPractice.provider))
    )
    hits = []
    for p in db.session.scalars(stmt):
        url = url_for("providers.detail", slug=p.provider.slug, _anchor=f"practice-{p.slug}")
        hits.append(Hit(p.title, url, p.text, p.provider, (p.pillar,) if p.pillar else (),
                        rank=(_rank(p.title, q, terms)[0], p.provider.position, p.number)))
    return hits


def search_architectures(q: str, terms: list[str]) -> list[Hit]:
    A = m.Architecture
    stmt = sa.select(A).where(_all_terms(terms, lambda t: [
        _like(A.title, t), _like(A.heading, t), _like(A.tagline, t), _like(A.summary, t),
        _like(A.group, t), _like(A.lead, t),
    ]))
    return [Hit(a.title, a.url, a.lead, None, (a.group,), extra=a.icon,
                rank=(_rank(a.title, q, terms)[0], a.position))
            for a in db.session.scalars(stmt)]


@dataclass(frozen=True)
class Suggestions:
    former_names: list[m.ServiceAlias]
    capabilities: list[m.Capability]


def suggestions() -> Suggestions:
    aliases = db.session.scalars(
        sa.select(m.ServiceAlias).order_by(m.ServiceAlias.name).limit(8)
    ).all()
    caps = db.session.scalars(
        sa.select(m.Capability).where(m.Capability.core).order_by(m.Capability.position).limit(12)
    ).all()
    return Suggestions(list(aliases), list(caps))


@bp.app_template_filter("mark_terms")
def mark_terms(text: str, terms: Sequence[str]) -> Markup:
    """``text`` escaped, with every query word wrapped in ``<mark>``."""
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not text or not words:
        return Markup(escape(text or ""))
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(w) for w in words) + ")",
                         re.IGNORECASE)
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos:match.start()]))
        out.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        pos = match.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


@bp.get("/search")
def index() -> Response:
    q = " ".join(clean_param(request.args.get("q"), 100).split())
    terms = _terms(q)
    groups: list[Group] = []
    if terms:
        providers = list(db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position)))
        found = [
            ("services", "Services", "🧩", search_services(q, terms)),
            ("capabilities", "Capabilities", "⚖️", search_capabilities(q, terms, providers)),
            ("practices", "Best practices", "✅", search_practices(q, terms)),
            ("architectures", "Architectures", "🏛️", search_architectures(q, terms)),
        ]
        for key, title, icon, hits in found:
            hits.sort(key=lambda h: h.rank)
            groups.append(Group(key, title, icon, hits[:LIMIT], len(hits)))
    total = sum(g.total for g in groups)
    return render_page(
        "search/index.html", "search_results",
        q=q, terms=terms, groups=[g for g in groups if g.total], total=total,
        suggest=suggestions() if not total else None,
        form_url=url_for("search.index"),
    )
