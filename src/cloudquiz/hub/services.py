"""Service pages (``/services/<provider>/<slug>``): what a service is, where it stands in its
lifecycle, and its equivalents.

"Equivalents" reads the equivalence spine (:mod:`.capabilities`), the same rows as the
comparison table: for every row the service belongs to, the services the other providers offer
for it, each linked, with the row's source and the date it was verified, and "How it differs":
the row's decision facts side by side (:mod:`.decisions`). A fixed number of queries per page.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, Response, abort
from sqlalchemy.orm import contains_eager, selectinload

from .. import models as m
from ..models import db
from ..web.htmx import render_page
from ..web.params import clean_param
from .capabilities import Cell, Row, ServiceInfo, spine
from .decisions import Differences, differences

bp = Blueprint("services", __name__)


def get_service(provider: str, slug: str) -> m.Service:
    service = db.session.scalar(
        sa.select(m.Service).join(m.Service.provider)
        .where(m.Provider.slug == provider, m.Service.slug == slug)
        .options(contains_eager(m.Service.provider), selectinload(m.Service.category),
                 selectinload(m.Service.aliases))
    )
    if service is None:
        abort(404, f"There is no service “{clean_param(slug, 80)}” for provider "
                   f"“{clean_param(provider, 40)}” in the hub.")
    return service


@dataclass(frozen=True)
class Equivalence:
    capability: Row
    own: Cell
    others: list[Cell]
    differences: Differences | None = None  # "How it differs": the row's decision facts


def equivalences(key: str, provider: str) -> list[Equivalence]:
    sp = spine()
    rows = sorted(sp.rows_of.get(key, ()), key=lambda r: (not r.core, r.position))
    return [Equivalence(r, r.cells[provider],
                        [r.cells[p.slug] for p in sp.providers if p.slug != provider],
                        differences(r.slug, first=key))
            for r in rows]


@bp.get("/services/<provider>/<slug>")
def detail(provider: str, slug: str) -> Response:
    service = get_service(provider, slug)
    sp = spine()
    key = f"{provider}/{slug}"
    info: ServiceInfo = sp.services[key]
    siblings = [s for s in sp.services.values()
                if s.provider.slug == provider and s.category.slug == info.category.slug
                and s.key != key]
    return render_page("services/detail.html", service=service, info=info,
                       successor=sp.successor_of(info),
                       equivalences=equivalences(key, provider), siblings=siblings)
