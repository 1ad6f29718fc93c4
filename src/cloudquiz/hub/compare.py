"""The comparison (``/compare``): every capability row side by side, filtered and exported.

Filters are query parameters, so a URL always states the view and can be shared:

- ``category=<slug>``: only that category's rows;
- ``q=<text>``: rows whose name, description, category, cell labels, services, former names or
  keywords contain every word of the text;
- ``show=<provider>`` (repeatable): which provider columns to show (all when absent).

Unknown values never fail: they are ignored and the page says so. ``/compare.csv`` and
``/compare.json`` export exactly the rows and columns the same parameters show (both as
downloads). The rows come from the equivalence spine (:mod:`.capabilities`), built once per
content version. Figures about the providers themselves (market share, regions) are not service
rows: they form the provider overview above the table, one tile per shown provider, each figure
with its own source. A search that matches nothing suggests the closest service names (former
names included, through rapidfuzz) and a way to clear the filters.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, jsonify, make_response, request, url_for
from markupsafe import Markup, escape
from rapidfuzz import fuzz, process, utils

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

    def args_without(self, name: str) -> dict[str, Any]:
        """The same view without one filter (the category index, a suggested search)."""
        return {k: v for k, v in self.args().items() if k != name}


@dataclass(frozen=True)
class FactRow:
    """A figure about the providers (market share, regions), not a service: the overview."""

    slug: str
    name: str
    icon: str
    note: str
    source_url: str
    verified_on: dt.date
    values: dict[str, str]
    sources: dict[str, str] = field(default_factory=dict)

    def source_for(self, provider: str) -> str:
        return self.sources.get(provider) or self.source_url


@dataclass(frozen=True)
class Figure:
    """One provider's value of one overview figure, with where it comes from."""

    slug: str
    name: str
    icon: str
    value: str
    source_url: str
    verified_on: dt.date


@dataclass(frozen=True)
class Tile:
    provider: Cloud
    figures: list[Figure]


@dataclass(frozen=True)
class Line:
    """One table row as shown: a capability row with the shown columns."""

    row: Row
    cells: list[Cell] = field(default_factory=list)
    differences_url: str | None = None  # the row's decision facts, when it has some

    def __getattr__(self, name: str) -> Any:  # slug, name, icon, category... of the row
        return getattr(self.row, name)


@dataclass(frozen=True)
class Suggestion:
    """A service whose name is close to a search that found nothing ("Did you mean")."""

    text: str  # what to search for
    label: str  # what to show: the name, and the former name it matched
    url: str = ""


@dataclass(frozen=True)
class IndexLink:
    """An entry of the category index: a category (or all), its rows for the search, the
    view's URL with that category, and whether it is the one shown."""

    label: str
    count: int
    url: str
    current: bool


@dataclass
class Comparison:
    filters: Filters
    providers: list[Cloud]
    shown: list[Cloud]
    categories: list[Kind]
    rows: list[Line]
    notices: list[str]
    total: int
    index: list[IndexLink] = field(default_factory=list)
    overview: list[Tile] = field(default_factory=list)
    notes: list[FactRow] = field(default_factory=list)  # what each overview figure means
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        """The search words, for highlighting them in the rows."""
        return self.filters.q.split()


def _fact_rows() -> tuple[FactRow, ...]:
    facts = db.session.scalars(sa.select(m.CompareFact).order_by(m.CompareFact.position))
    return tuple(
        FactRow(f.slug, f.name, f.icon, f.note, f.source_url, f.verified_on,
                {k: str(v) for k, v in f.values.items()},
                {k: str(v) for k, v in (f.sources or {}).items()})
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

    terms = filters.q.casefold().split()
    with_facts = rows_with_facts()
    lines = []
    counts: dict[str, int] = {}
    for r in sp.rows:
        if not all(t in r.haystack for t in terms):
            continue
        counts[r.category.slug] = counts.get(r.category.slug, 0) + 1
        if filters.category and r.category.slug != filters.category:
            continue
        url = (url_for("compare.row", slug=r.slug, **filters.args())
               if r.slug in with_facts else None)
        lines.append(Line(r, cells=r.cells_for(shown), differences_url=url))
    facts = list(fact_rows())
    overview = [Tile(p, [Figure(f.slug, f.name, f.icon, f.values[p.slug], f.source_for(p.slug),
                                f.verified_on) for f in facts if f.values.get(p.slug)])
                for p in shown]
    suggestions = [Suggestion(x.text, x.label, url_for("compare.index", **{
        **filters.args_without("q"), "q": x.text})) for x in suggest(filters.q)
    ] if filters.q and not lines else []
    base = filters.args_without("category")
    index = [IndexLink("All", sum(counts.values()), url_for("compare.index", **base),
                       not filters.category)]
    index += [IndexLink(k.name, counts.get(k.slug, 0),
                        url_for("compare.index", **{**base, "category": k.slug}),
                        filters.category == k.slug) for k in categories]
    return Comparison(filters, providers, shown, categories, lines, notices, len(sp.rows),
                      index, overview, facts, suggestions)


def _names() -> tuple[tuple[str, str, str], ...]:
    """(name to match, the service's current name, the former name it is) for every service:
    its name, its short name and each former name."""
    out: dict[str, tuple[str, str]] = {}
    sp = spine()
    for r in sp.rows:
        for cell in r.cells_for(list(sp.providers)):
            for svc in (*cell.services, *cell.legacy):
                for word in (svc.name, svc.short_name):
                    if word:
                        out.setdefault(word, (svc.name, ""))
                for former in svc.aliases:
                    out.setdefault(former, (svc.name, former))
    return tuple((word, current, former) for word, (current, former) in out.items())


def suggest(q: str, limit: int = 3) -> list[Suggestion]:
    """The service names closest to ``q`` (a typo, a word order, a former name)."""
    names = per_version("hub.compare_names", _names)
    found = process.extract(q, [n for n, _, _ in names], scorer=fuzz.WRatio,
                            processor=utils.default_process, limit=12, score_cutoff=70)
    out: list[Suggestion] = []
    seen: set[str] = set()
    for _, _, i in found:
        _, current, former = names[i]
        if current in seen:
            continue
        seen.add(current)
        out.append(Suggestion(current, f"{current} (formerly {former})" if former else current))
        if len(out) == limit:
            break
    return out


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


@functools.lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)",
                      re.IGNORECASE)


@bp.app_template_filter("highlight")
def highlight(text: str | Markup, terms: list[str]) -> Markup:
    """``text`` with each whole-word match of the search in ``<mark>`` (escaped; a word inside
    a longer one is not marked: "ad" marks "Azure AD", not "Advisor")."""
    text = str(text)
    if not terms:
        return escape(text)
    out, pos = [], 0
    for match in _pattern(tuple(terms)).finditer(text):
        out += [escape(text[pos:match.start()]), Markup("<mark>"), escape(match.group(0)),
                Markup("</mark>")]
        pos = match.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _export_rows(c: Comparison) -> list[dict[str, Any]]:
    return [as_dict(line.row, c.shown) for line in c.rows]


def _export_overview(c: Comparison) -> list[dict[str, Any]]:
    return [{"provider": t.provider.slug,
             "figures": [{"slug": f.slug, "name": f.name, "value": f.value,
                          "source_url": f.source_url, "verified_on": f.verified_on.isoformat()}
                         for f in t.figures]} for t in c.overview]


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
        "overview": _export_overview(c),
    })
    response.headers["Content-Disposition"] = 'attachment; filename="compare.json"'
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
        out = ["capability", line.slug, line.name, line.category.slug]
        for cell in line.cells:
            names = [s.name for s in cell.services]
            names += [f"{s.name} ({s.lifecycle.label.lower()})" for s in cell.legacy]
            out += [cell.title or ("No equivalent" if cell.none else ""), "; ".join(names)]
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
