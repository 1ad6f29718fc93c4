"""Home page and health check."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, Response, jsonify, url_for
from sqlalchemy.orm import selectinload

from .. import models as m
from ..models import db
from ..web.htmx import render_page

bp = Blueprint("pages", __name__)


@dataclass(frozen=True)
class Figure:
    value: int
    label_key: str
    url: str = ""  # where the counted things are listed


def home_figures() -> list[Figure]:
    """The hero's figures, counted in the database (never typed into a template)."""
    counts = db.session.execute(sa.select(
        sa.select(sa.func.count()).select_from(m.Provider).scalar_subquery(),
        sa.select(sa.func.count()).select_from(m.Service).scalar_subquery(),
        sa.select(sa.func.count()).select_from(m.Architecture).scalar_subquery(),
        sa.select(sa.func.count()).select_from(m.LearningResource).scalar_subquery(),
    )).one()
    keys = ("stat_providers", "stat_services", "stat_architectures", "stat_resources")
    urls = ("#providers-title", url_for("compare.index"), url_for("architectures.index"),
            url_for("learn.index"))
    return [Figure(int(v), k, u) for v, k, u in zip(counts, keys, urls, strict=True)]


@bp.get("/")
def index() -> Response:
    providers = db.session.scalars(
        sa.select(m.Provider).order_by(m.Provider.position)
        .options(selectinload(m.Provider.services).selectinload(m.Service.category))
    ).all()
    cards = [
        (p, sorted((s for s in p.services if s.featured_position), key=lambda s: s.featured_position))
        for p in providers
    ]
    return render_page("pages/index.html", figures=home_figures(), cards=cards)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="error"), 503
    return jsonify(status="ok", database="ok"), 200
