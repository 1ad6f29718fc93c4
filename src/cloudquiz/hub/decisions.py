"""Decision facts: what tells the services of a row apart, built once per content version.

A *group* of capability rows shares a facet vocabulary (the common facets of ``seed/facets.yaml``
plus its own); each service of the group's rows has typed values with a source. This module turns
them into plain values the pages and the quiz read:

- :func:`differences` — one row's facets side by side across its current services ("How it
  differs" on a service page, "Key differences" of a comparison row);
- :func:`decisions` — the whole index (groups, vocabulary, facts by service), for the quiz
  snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from .. import models as m
from ..content import per_version
from ..models import db
from .capabilities import Row, ServiceInfo, spine

# Common facets first in this order, then a group's own, then the prose lists.
LEADING = ("management", "pricing", "scope", "scales_to_zero", "autoscaling")
TRAILING = ("open_standard", "best_for", "not_for", "gotchas")


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    type: str  # enum | set | bool | number | text
    description: str = ""
    unit: str = ""
    better: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # value key -> label
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    group: str | None = None  # None: the common vocabulary

    def show(self, value: Any) -> str:
        """A value in words: "Serverless: no servers…", "Yes", "15 minutes"."""
        if self.type == "bool":
            return "Yes" if value else "No"
        if self.type == "number":
            number = f"{value:,}" if isinstance(value, int) else f"{value:g}"
            return f"{number} {self.unit}".strip()
        if self.type == "enum":
            return self.values.get(str(value), str(value))
        if self.type == "set":
            return ", ".join(self.values.get(v, v) for v in value)
        return "; ".join(value) if isinstance(value, list) else str(value)

    def short(self, value: Any) -> str:
        """The value's label before a colon ("Serverless"), for compact cells."""
        text = self.show(value)
        if self.type == "enum":
            return text.split(":", 1)[0]
        return text


@dataclass(frozen=True)
class Fact:
    facet: Facet
    value: Any
    note: str
    source_url: str
    verified_on: dt.date

    @property
    def text(self) -> str:
        return self.facet.show(self.value)

    @property
    def items(self) -> tuple[str, ...]:
        """A text facet's phrases (the template lists them)."""
        return tuple(self.value) if self.facet.type == "text" else (self.text,)


@dataclass(frozen=True)
class Group:
    slug: str
    name: str
    description: str
    capabilities: tuple[str, ...]
    facets: tuple[Facet, ...]  # the group's vocabulary: common + own, in display order


@dataclass(frozen=True)
class Decisions:
    groups: tuple[Group, ...]
    common: tuple[Facet, ...]
    group_of_row: dict[str, Group]  # capability slug -> its (first) group
    facts: dict[tuple[str, str], dict[str, Fact]]  # (group slug, service key) -> facet -> fact


def _order(facets: list[Facet]) -> tuple[Facet, ...]:
    def rank(f: Facet) -> tuple[int, int]:
        if f.key in LEADING:
            return (0, LEADING.index(f.key))
        if f.key in TRAILING:
            return (2, TRAILING.index(f.key))
        return (1, 0)
    return tuple(sorted(facets, key=rank))  # stable: a group's own keep their seed order


def _facet(d: m.FacetDef, group: str | None) -> Facet:
    return Facet(d.key, d.label, d.type, d.description, d.unit, d.better, dict(d.values or {}),
                 {k: tuple(v) for k, v in (d.phrases or {}).items()}, group)


def build_decisions() -> Decisions:
    groups_db = db.session.scalars(
        sa.select(m.DecisionGroup).order_by(m.DecisionGroup.position)).all()
    slug_of = {g.id: g.slug for g in groups_db}
    defs = db.session.scalars(sa.select(m.FacetDef).order_by(m.FacetDef.position)).all()
    common = [_facet(d, None) for d in defs if d.group_id is None]
    own: dict[str, list[Facet]] = defaultdict(list)
    for d in defs:
        if d.group_id is not None:
            own[slug_of[d.group_id]].append(_facet(d, slug_of[d.group_id]))
    groups = tuple(Group(g.slug, g.name, g.description, tuple(g.capabilities),
                         _order([*common, *own[g.slug]])) for g in groups_db)
    by_slug = {g.slug: g for g in groups}
    group_of_row: dict[str, Group] = {}
    for g in groups:
        for cap in g.capabilities:
            group_of_row.setdefault(cap, g)

    key_of = {s.id: f"{p}/{s.slug}" for s, p in db.session.execute(
        sa.select(m.Service, m.Provider.slug).join(m.Service.provider))}
    facts: dict[tuple[str, str], dict[str, Fact]] = defaultdict(dict)
    rows = db.session.scalars(sa.select(m.ServiceFacet).order_by(
        m.ServiceFacet.group_id, m.ServiceFacet.service_id, m.ServiceFacet.position)).all()
    for r in rows:
        group = by_slug[slug_of[r.group_id]]
        facet = next((f for f in group.facets if f.key == r.facet_key), None)
        if facet is None:  # the loader checked it; a stale row would be a bug elsewhere
            continue
        facts[(group.slug, key_of[r.service_id])][r.facet_key] = Fact(
            facet, r.value, r.note, r.source_url, r.verified_on)
    return Decisions(groups, tuple(common), group_of_row, dict(facts))


def decisions() -> Decisions:
    return per_version("hub.decisions", build_decisions)


# ----------------------------------------------------------------------------- views


@dataclass(frozen=True)
class Column:
    service: ServiceInfo
    facts: dict[str, Fact]


@dataclass(frozen=True)
class FacetLine:
    facet: Facet
    cells: tuple[Fact | None, ...]  # one per column

    @property
    def differs(self) -> bool:
        """The services do not all say the same (what the reader is looking for)."""
        texts = {c.text if c else None for c in self.cells}
        return len(texts) > 1


@dataclass(frozen=True)
class Differences:
    row: Row
    group: Group
    columns: tuple[Column, ...]
    lines: tuple[FacetLine, ...]

    @property
    def sources(self) -> list[tuple[str, str]]:
        """(label, URL) of every page the facts come from, once each, named by service."""
        seen: dict[str, str] = {}
        count: dict[str, int] = defaultdict(int)
        for col in self.columns:
            for fact in col.facts.values():
                if fact.source_url not in seen:
                    count[col.service.name] += 1
                    n = count[col.service.name]
                    seen[fact.source_url] = col.service.name + (f" ({n})" if n > 1 else "")
        return [(label, url) for url, label in seen.items()]


def differences(row_slug: str, first: str | None = None) -> Differences | None:
    """One row's decision facts across its current services (``first``: a service key whose
    column leads), or None when the row has no group or no facts."""
    row = spine().by_slug.get(row_slug)
    dec = decisions()
    group = dec.group_of_row.get(row_slug)
    if row is None or group is None:
        return None
    services = [s for p in spine().providers for s in row.services_of(p.slug)]
    if first:
        services.sort(key=lambda s: s.key != first)
    columns = tuple(Column(s, dec.facts.get((group.slug, s.key), {})) for s in services)
    if not any(c.facts for c in columns):
        return None
    lines = tuple(FacetLine(f, tuple(c.facts.get(f.key) for c in columns))
                  for f in group.facets if any(f.key in c.facts for c in columns))
    return Differences(row, group, columns, lines)


def rows_with_facts() -> frozenset[str]:
    """The capability rows that have decision facts to compare (once per content version)."""
    return per_version("hub.rows_with_facts", lambda: frozenset(
        slug for slug in decisions().group_of_row if differences(slug) is not None))
