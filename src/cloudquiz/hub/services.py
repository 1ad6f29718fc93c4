"""Service pages (``/services/<provider>/<slug>``): what a service is, and its equivalents.

"Equivalents" reads the same capability rows as the comparison table: for every capability the
service belongs to, the services the other providers offer for it, each linked, with the
capability's source and the date it was verified. A fixed number of queries per page.
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
from .compare import Cell

bp = Blueprint("services", __name__)


def get_service(provider: str, slug: str) -> m.Service:
    cap = selectinload(m.Service.capability_links).selectinload(m.CapabilityService.capability)
    service = db.session.scalar(
        sa.select(m.Service).join(m.Service.provider)
        .where(m.Provider.slug == provider, m.Service.slug == slug)
        .options(
            contains_eager(m.Service.provider),
            selectinload(m.Service.category),
            selectinload(m.Service.aliases),
            cap.selectinload(m.Capability.category),
            cap.selectinload(m.Capability.cells),
            cap.selectinload(m.Capability.service_links).selectinload(m.CapabilityService.service)
            .selectinload(m.Service.provider),
        )
    )
    if service is None:
        abort(404, f"There is no service “{clean_param(slug, 80)}” for provider "
                   f"“{clean_param(provider, 40)}” in the hub.")
    return service


@dataclass(frozen=True)
class Equivalence:
    capability: m.Capability
    own: Cell
    others: list[Cell]


def equivalences(service: m.Service, providers: list[m.Provider]) -> list[Equivalence]:
    result = []
    links = sorted(service.capability_links,
                   key=lambda link: (not link.capability.core, link.capability.position))
    for link in links:
        cap = link.capability
        labels = {cell.provider_id: cell.label for cell in cap.cells}
        offers = {
            p.id: Cell(p, labels.get(p.id, ""),
                        [sl.service for sl in cap.service_links if sl.service.provider_id == p.id])
            for p in providers
        }
        result.append(Equivalence(
            cap, offers[service.provider_id],
            [offers[p.id] for p in providers if p.id != service.provider_id],
        ))
    return result


@bp.get("/services/<provider>/<slug>")
def detail(provider: str, slug: str) -> Response:
    service = get_service(provider, slug)
    providers = list(db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position)))
    siblings = db.session.scalars(
        sa.select(m.Service)
        .where(m.Service.provider_id == service.provider_id,
               m.Service.category_id == service.category_id, m.Service.id != service.id)
        .order_by(m.Service.name)
    ).all()
    return render_page("services/detail.html", service=service,
                       equivalences=equivalences(service, providers), siblings=siblings)
