"""Learning resources (``/learn``): certifications, documentation hubs and hands-on labs.

Optional ``provider=<slug>`` narrows the page to one provider (a GET form; htmx swaps the
``resource_list`` block). A certification links to its exam simulation only when the quiz feature
that serves it is installed, so this page never links to a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Blueprint, Response, request, url_for
from sqlalchemy.orm import selectinload

from .. import models as m
from ..models import db
from ..web.htmx import render_page
from ..web.params import clean_param

bp = Blueprint("learn", __name__)

KINDS = ("certification", "docs", "lab")
EXAM_ENDPOINT = "quiz.exam_detail"


@dataclass
class ProviderResources:
    provider: m.Provider
    groups: dict[str, list[m.LearningResource]] = field(default_factory=dict)


def exam_url(exam_slug: str) -> str | None:
    """The exam simulation of a certification, when it has a blueprint in the seed."""
    return url_for(EXAM_ENDPOINT, slug=exam_slug) if exam_slug else None


@bp.get("/learn")
def index() -> Response:
    providers = list(db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position)))
    selected = clean_param(request.args.get("provider"), 40)
    notice = ""
    if selected and selected not in {p.slug for p in providers}:
        notice = (f"There is no provider “{selected}”; showing resources for all "
                  "providers.")
        selected = ""
    stmt = (sa.select(m.LearningResource).options(selectinload(m.LearningResource.provider))
            .order_by(m.LearningResource.position))
    if selected:
        stmt = stmt.join(m.LearningResource.provider).where(m.Provider.slug == selected)
    resources = db.session.scalars(stmt).all()
    exams = {e.slug: e for e in db.session.scalars(sa.select(m.Exam))}

    by_provider = {p.id: ProviderResources(p, {k: [] for k in KINDS}) for p in providers
                   if not selected or p.slug == selected}
    for r in resources:
        group = by_provider[r.provider_id].groups
        group.setdefault(r.kind, []).append(r)
    exam_links = {r.exam_slug: url for r in resources
                  if r.exam_slug and (url := exam_url(r.exam_slug))}
    return render_page(
        "learn/index.html", "resource_list",
        providers=providers, selected=selected, notice=notice,
        sections=list(by_provider.values()), exams=exams, exam_links=exam_links,
        counts={k: sum(1 for r in resources if r.kind == k) for k in KINDS},
        form_url=url_for("learn.index"),
    )
