"""The comparison (``/compare``): every capability row side by side, filtered and exported.

Filters are query parameters, so a URL always states the view and can be shared:

- ``category=<slug>``: only that category's rows (figure rows such as market share drop out);
- ``q=<text>``: rows whose name, description, category, cell labels, services or former names
  contain every word of the text;
- ``show=<provider>`` (repeatable): which provider columns to show (all when absent).

Unknown values never fail: they are ignored and the page says so. ``/compare.csv`` and
``/compare.json`` export exactly the rows and columns the same parameters show.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, jsonify, make_response, request, url_for
from sqlalchemy.orm import selectinload

from .. import models as m
from ..models import db
from ..web.htmx import render_page
from ..web.params import clean_param

bp = Blueprint("compare", __name__)


@dataclass(frozen=True)
class Filters:
    category: str = ""
    q: str = ""
    show: tuple[str, ...] = ()

    def args(self) -> dict[str, Any]:
        """The query parameters that reproduce this view (for links and exports)."""
        out: dict[str, Any] = {}
        if self.category:
            out["category"] = self.category
        if self.q:
            out["q"] = self.q
        if self.show:
            out["show"] = list(self.show)
        return out


@dataclass(frozen=True)
class Cell:
    provider: m.Provider
    label: str
    services: list[m.Service]

    @property
    def single_link(self) -> m.Service | None:
        """The cell's only service: then the label itself links to it."""
        return self.services[0] if len(self.services) == 1 else None


@dataclass
class Row:
    kind: str  # "capability" or "fact"
    slug: str
    name: str
    icon: str
    category: m.Category | None
    core: bool
    description: str
    note: str
    source_url: str
    verified_on: dt.date
    cells: list[Cell] = field(default_factory=list)
    haystack: str = ""

    @property
    def dom_id(self) -> str:
        return f"{'cap' if self.kind == 'capability' else 'fact'}-{self.slug}"


@dataclass
class Comparison:
    filters: Filters
    providers: list[m.Provider]
    shown: list[m.Provider]
    categories: list[m.Category]
    rows: list[Row]
    notices: list[str]
    total: int


def parse_filters(args: Any, providers: list[m.Provider],
                  categories: list[m.Category]) -> tuple[Filters, list[str]]:
    notices = []
    category = clean_param(args.get("category"), 60)
    if category and category not in {c.slug for c in categories}:
        notices.append(f"There is no category “{category}”; showing all categories.")
        category = ""
    q = " ".join(clean_param(args.get("q"), 100).split())
    known = {p.slug for p in providers}
    requested = [clean_param(s, 40) for s in args.getlist("show")]
    requested = [s for s in requested if s]
    unknown = [s for s in requested if s not in known]
    if unknown:
        notices.append("Unknown provider " + ", ".join(f"“{s}”" for s in unknown)
                       + " ignored; choose from " + ", ".join(p.short_name for p in providers)
                       + ".")
    show = tuple(p.slug for p in providers if p.slug in requested)
    if len(show) == len(providers):
        show = ()  # all columns is the default view: keep the URL short
    return Filters(category, q, show), notices


def build_comparison(args: Any) -> Comparison:
    providers = list(db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position)))
    capabilities = db.session.scalars(
        sa.select(m.Capability)
        .options(
            selectinload(m.Capability.category),
            selectinload(m.Capability.cells),
            selectinload(m.Capability.service_links).selectinload(m.CapabilityService.service)
            .selectinload(m.Service.aliases),
        )
    ).all()
    facts = db.session.scalars(sa.select(m.CompareFact).order_by(m.CompareFact.position)).all()
    used = {c.category_id for c in capabilities}
    categories = [c for c in db.session.scalars(sa.select(m.Category).order_by(m.Category.position))
                  if c.id in used]
    filters, notices = parse_filters(args, providers, categories)
    shown = [p for p in providers if not filters.show or p.slug in filters.show]

    rows: list[Row] = []
    for cap in sorted(capabilities, key=lambda c: (not c.core, c.category.position if not c.core
                                                    else 0, c.position)):
        labels = {cell.provider_id: cell.label for cell in cap.cells}
        by_provider: dict[int, list[m.Service]] = {}
        for link in cap.service_links:
            by_provider.setdefault(link.service.provider_id, []).append(link.service)
        row = Row("capability", cap.slug, cap.name, cap.icon, cap.category, cap.core,
                  cap.description, "", cap.source_url, cap.verified_on)
        row.cells = [Cell(p, labels.get(p.id, ""), by_provider.get(p.id, [])) for p in shown]
        words = [cap.name, cap.description, cap.category.name, cap.slug, *labels.values()]
        for services in by_provider.values():
            for s in services:
                words += [s.name, s.short_name, *(a.name for a in s.aliases)]
        row.haystack = " ".join(words).casefold()
        rows.append(row)
    fact_rows = []
    for fact in facts:
        row = Row("fact", fact.slug, fact.name, fact.icon, None, False, "", fact.note,
                  fact.source_url, fact.verified_on)
        row.cells = [Cell(p, str(fact.values.get(p.slug, "")), []) for p in shown]
        row.haystack = " ".join([fact.name, fact.note, fact.slug,
                                 *map(str, fact.values.values())]).casefold()
        fact_rows.append(row)
    # The seed page's order: its core rows, then the figure rows, then everything else.
    core_count = sum(1 for r in rows if r.core)
    rows = rows[:core_count] + fact_rows + rows[core_count:]
    total = len(rows)

    terms = filters.q.casefold().split()
    rows = [r for r in rows
            if (not filters.category or (r.category and r.category.slug == filters.category))
            and all(t in r.haystack for t in terms)]
    return Comparison(filters, providers, shown, categories, rows, notices, total)


@bp.get("/compare")
def index() -> Response:
    comparison = build_comparison(request.args)
    args = comparison.filters.args()
    return render_page(
        "compare/index.html", "compare_table", c=comparison,
        csv_url=url_for("compare.export_csv", **args),
        json_url=url_for("compare.export_json", **args),
        form_url=url_for("compare.index"),
    )


def _export_rows(c: Comparison) -> list[dict[str, Any]]:
    out = []
    for r in c.rows:
        out.append({
            "kind": r.kind,
            "slug": r.slug,
            "name": r.name,
            "category": r.category.slug if r.category else None,
            "core": r.core,
            "cells": {
                cell.provider.slug: {
                    "label": cell.label,
                    "services": [{"name": s.name, "url": s.url} for s in cell.services],
                } for cell in r.cells
            },
            "note": r.note,
            "source_url": r.source_url,
            "verified_on": r.verified_on.isoformat(),
        })
    return out


@bp.get("/compare.json")
def export_json() -> Response:
    c = build_comparison(request.args)
    response = jsonify({
        "filters": {"category": c.filters.category or None, "q": c.filters.q or None,
                    "show": [p.slug for p in c.shown]},
        "notices": c.notices,
        "providers": [{"slug": p.slug, "name": p.name, "short_name": p.short_name}
                      for p in c.shown],
        "count": len(c.rows),
        "rows": _export_rows(c),
    })
    response.headers["Content-Disposition"] = 'inline; filename="compare.json"'
    return response


@bp.get("/compare.csv")
def export_csv() -> Response:
    c = build_comparison(request.args)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = ["kind", "slug", "name", "category"]
    for p in c.shown:
        header += [p.short_name, f"{p.short_name} services"]
    writer.writerow([*header, "source_url", "verified_on"])
    for r in c.rows:
        line = [r.kind, r.slug, r.name, r.category.slug if r.category else ""]
        for cell in r.cells:
            line += [cell.label, "; ".join(s.name for s in cell.services)]
        writer.writerow([_csv_safe(v) for v in [*line, r.source_url, r.verified_on.isoformat()]])
    response = make_response(buffer.getvalue())
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="compare.csv"'
    return response


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (a cell starting with = + - @ runs in Excel)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
