"""The comparison (``/compare``): every capability row side by side, filtered and exported.

Filters are query parameters, so a URL always states the view and can be shared:

- ``category=<slug>``: only that category's rows (figure rows such as market share drop out);
- ``q=<text>``: rows whose name, description, category, cell labels, services, former names or
  keywords contain every word of the text;
- ``show=<provider>`` (repeatable): which provider columns to show (all when absent).

Unknown values never fail: they are ignored and the page says so. ``/compare.csv`` and
``/compare.json`` export exactly the rows and columns the same parameters show. The rows come
from the equivalence spine (:mod:`.capabilities`), built once per content version.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, jsonify, make_response, request, url_for

from .. import models as m
from ..content import per_version
from ..models import db
from ..web.htmx import render_page
from ..web.params import clean_param
from .capabilities import Cell, Cloud, Kind, Row, as_dict, spine
from .decisions import differences, rows_with_facts

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
class FactRow:
    """A comparison row that is a figure (market share, regions), not a service."""

    slug: str
    name: str
    icon: str
    note: str
    source_url: str
    verified_on: dt.date
    values: dict[str, str]
    haystack: str
    kind: str = "fact"
    core: bool = False
    category: Kind | None = None

    @property
    def dom_id(self) -> str:
        return f"fact-{self.slug}"


@dataclass(frozen=True)
class Line:
    """One table row as shown: a capability row or a figure row, with the shown columns."""

    row: Row | FactRow
    cells: list[Cell] = field(default_factory=list)
    values: list[tuple[Cloud, str]] = field(default_factory=list)
    differences_url: str | None = None  # the row's decision facts, when it has some

    @property
    def kind(self) -> str:
        return "capability" if isinstance(self.row, Row) else "fact"

    @property
    def note(self) -> str:
        return self.row.note if isinstance(self.row, FactRow) else ""

    def __getattr__(self, name: str) -> Any:  # slug, name, icon, category... of the row
        return getattr(self.row, name)


@dataclass
class Comparison:
    filters: Filters
    providers: list[Cloud]
    shown: list[Cloud]
    categories: list[Kind]
    rows: list[Line]
    notices: list[str]
    total: int


def _fact_rows() -> tuple[FactRow, ...]:
    facts = db.session.scalars(sa.select(m.CompareFact).order_by(m.CompareFact.position))
    return tuple(
        FactRow(f.slug, f.name, f.icon, f.note, f.source_url, f.verified_on,
                {k: str(v) for k, v in f.values.items()},
                " ".join([f.name, f.note, f.slug, *map(str, f.values.values())]).casefold())
        for f in facts)


def fact_rows() -> tuple[FactRow, ...]:
    return per_version("hub.compare_facts", _fact_rows)


def parse_filters(args: Any, providers: list[Cloud],
                  categories: list[Kind]) -> tuple[Filters, list[str]]:
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
    sp = spine()
    providers = list(sp.providers)
    used = {r.category.slug for r in sp.rows}
    categories = [c for c in sp.categories if c.slug in used]
    filters, notices = parse_filters(args, providers, categories)
    shown = [p for p in providers if not filters.show or p.slug in filters.show]

    rows: list[Row | FactRow] = list(sp.rows)
    # The seed page's order: its core rows, then the figure rows, then everything else.
    core_count = sum(1 for r in sp.rows if r.core)
    rows = [*rows[:core_count], *fact_rows(), *rows[core_count:]]
    total = len(rows)
    terms = filters.q.casefold().split()
    with_facts = rows_with_facts()
    lines = []
    for r in rows:
        if filters.category and not (r.category and r.category.slug == filters.category):
            continue
        if not all(t in r.haystack for t in terms):
            continue
        if isinstance(r, Row):
            url = (url_for("compare.row", slug=r.slug, **filters.args())
                   if r.slug in with_facts else None)
            lines.append(Line(r, cells=r.cells_for(shown), differences_url=url))
        else:
            lines.append(Line(r, values=[(p, r.values.get(p.slug, "")) for p in shown]))
    return Comparison(filters, providers, shown, categories, lines, notices, total)


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


@bp.get("/compare/rows/<slug>")
def row(slug: str) -> Response:
    """One row with its key differences: the ``row_differences`` block for htmx (the compare
    table's disclosure), else a page of its own that works without JavaScript."""
    sp = spine()
    found = sp.by_slug.get(slug)
    if found is None:
        abort(404, f"There is no comparison row “{clean_param(slug, 60)}”.")
    filters, _ = parse_filters(request.args, list(sp.providers), list(sp.categories))
    return render_page("compare/row.html", "row_differences", row=found,
                       cells=found.cells_for(list(sp.providers)),
                       differences=differences(slug),
                       back_url=url_for("compare.index", **filters.args(),
                                        _anchor=found.dom_id))


def _export_rows(c: Comparison) -> list[dict[str, Any]]:
    out = []
    for line in c.rows:
        if isinstance(line.row, Row):
            out.append(as_dict(line.row, c.shown))
            continue
        out.append({
            "kind": "fact", "slug": line.slug, "name": line.name, "category": None,
            "core": False,
            "cells": {p.slug: {"label": value, "services": []} for p, value in line.values},
            "note": line.note, "source_url": line.source_url,
            "verified_on": line.verified_on.isoformat(),
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
    for line in c.rows:
        out = [line.kind, line.slug, line.name, line.category.slug if line.category else ""]
        if isinstance(line.row, Row):
            for cell in line.cells:
                names = [s.name for s in cell.services]
                names += [f"{s.name} ({s.lifecycle.label.lower()})" for s in cell.legacy]
                out += [cell.title or ("No equivalent" if cell.none else ""), "; ".join(names)]
        else:
            for _, value in line.values:
                out += [value, ""]
        writer.writerow([_csv_safe(v) for v in [*out, line.source_url,
                                                line.verified_on.isoformat()]])
    response = make_response(buffer.getvalue())
    response.mimetype = "text/csv"
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="compare.csv"'
    return response


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (a cell starting with = + - @ runs in Excel)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
