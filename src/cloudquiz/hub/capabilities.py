"""The equivalence spine: every capability row with its per-provider cells, built once per
content version and shared by everything that shows or asks about equivalences.

A *row* is one need ("Serverless functions"); its *cell* for a provider lists the services that
meet the need today, the closed, deprecated or retired products kept for reference (``legacy``,
never offered as current), or a note saying why that provider has no equivalent. The comparison
table, the "Equivalents" of a service page, the architecture translator, search and the quiz
snapshot all read :func:`spine` — one build of plain frozen values (no ORM objects, so they can
outlive the session that read them), with each row's search text prepared once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from .. import models as m
from ..content import per_version
from ..models import Lifecycle, db


@dataclass(frozen=True)
class Cloud:
    """A provider as the spine's values name it (templates read ``slug``, ``name``,
    ``short_name`` like a :class:`models.Provider`)."""

    slug: str
    name: str
    short_name: str
    position: int

    @property
    def url(self) -> str:
        return url_for("providers.detail", slug=self.slug)


@dataclass(frozen=True)
class Kind:
    """A category (its slug, name and icon)."""

    slug: str
    name: str
    icon: str
    position: int


@dataclass(frozen=True)
class ServiceInfo:
    key: str  # "provider/slug"
    provider: Cloud
    slug: str
    name: str
    short_name: str
    category: Kind
    summary: str
    aliases: tuple[str, ...]
    url: str
    lifecycle: Lifecycle

    @property
    def display_name(self) -> str:
        """The current name with the former one: "Microsoft Sentinel (formerly Azure Sentinel)"."""
        return f"{self.name} (formerly {self.aliases[0]})" if self.aliases else self.name


@dataclass(frozen=True)
class Cell:
    provider: Cloud
    label: str
    services: tuple[ServiceInfo, ...]  # what meets the need today
    legacy: tuple[ServiceInfo, ...] = ()  # closed, deprecated, retired: shown, never current
    none: str = ""  # why there is no equivalent, what to use instead
    note: str = ""  # how this offer differs

    @property
    def single_link(self) -> ServiceInfo | None:
        """The cell's only service: then the label itself links to it."""
        return self.services[0] if len(self.services) == 1 and not self.legacy else None

    @property
    def title(self) -> str:
        """The cell in words: its label, else its services' short names."""
        return self.label or " / ".join(s.short_name or s.name for s in self.services)

    @property
    def empty(self) -> bool:
        return not self.services


@dataclass(frozen=True)
class Row:
    slug: str
    name: str
    icon: str
    category: Kind
    core: bool
    position: int
    description: str
    keywords: tuple[str, ...]
    source_url: str
    see_also: tuple[str, ...]
    verified_on: dt.date
    cells: dict[str, Cell]  # provider slug -> cell (every provider has one)
    haystack: str = ""  # casefolded search text: names, labels, services, former names, words

    @property
    def dom_id(self) -> str:
        return f"cap-{self.slug}"

    def cells_for(self, providers: list[Cloud] | tuple[Cloud, ...]) -> list[Cell]:
        return [self.cells[p.slug] for p in providers if p.slug in self.cells]

    def services_of(self, provider: str) -> tuple[ServiceInfo, ...]:
        cell = self.cells.get(provider)
        return cell.services if cell else ()


@dataclass(frozen=True)
class Spine:
    providers: tuple[Cloud, ...]
    categories: tuple[Kind, ...]
    services: dict[str, ServiceInfo]
    rows: tuple[Row, ...]  # core rows first (the seed page's order), then by category
    by_slug: dict[str, Row] = field(default_factory=dict)
    rows_of: dict[str, tuple[Row, ...]] = field(default_factory=dict)  # service key -> rows

    def provider(self, slug: str) -> Cloud | None:
        return next((p for p in self.providers if p.slug == slug), None)

    def successor_of(self, service: ServiceInfo) -> ServiceInfo | None:
        key = service.lifecycle.successor
        return self.services.get(key) if key else None


def _service_url(provider: str, slug: str) -> str:
    return url_for("services.detail", provider=provider, slug=slug)


def build_spine() -> Spine:
    """Read the rows in a fixed handful of queries (needs a request context for the URLs)."""
    provider_rows = db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position)).all()
    providers = tuple(Cloud(p.slug, p.name, p.short_name, p.position) for p in provider_rows)
    cloud = {p.slug: p for p in providers}
    provider_slug = {p.id: p.slug for p in provider_rows}
    category_rows = db.session.scalars(sa.select(m.Category).order_by(m.Category.position)).all()
    kind_of = {c.id: Kind(c.slug, c.name, c.icon, c.position) for c in category_rows}
    categories = tuple(kind_of[c.id] for c in category_rows)

    rows_db = db.session.scalars(
        sa.select(m.Service).options(selectinload(m.Service.aliases))).all()
    key_of = {s.id: f"{provider_slug[s.provider_id]}/{s.slug}" for s in rows_db}
    services: dict[str, ServiceInfo] = {}
    for s in sorted(rows_db, key=lambda s: (cloud[provider_slug[s.provider_id]].position,
                                            s.name.casefold())):
        p = provider_slug[s.provider_id]
        services[key_of[s.id]] = ServiceInfo(
            key=key_of[s.id], provider=cloud[p], slug=s.slug, name=s.name,
            short_name=s.short_name or s.name, category=kind_of[s.category_id],
            summary=s.summary, aliases=tuple(a.name for a in s.aliases),
            url=_service_url(p, s.slug),
            lifecycle=Lifecycle(s.status, s.status_since, s.status_ends,
                                key_of.get(s.successor_id) if s.successor_id else None,
                                s.status_note, s.status_source_url, s.status_verified_on))

    caps = db.session.scalars(
        sa.select(m.Capability).options(selectinload(m.Capability.cells),
                                        selectinload(m.Capability.service_links))).all()
    rows: list[Row] = []
    rows_of: dict[str, list[Row]] = defaultdict(list)
    for cap in caps:
        cells_db = {provider_slug[c.provider_id]: c for c in cap.cells}
        offered: dict[str, list[ServiceInfo]] = defaultdict(list)
        legacy: dict[str, list[ServiceInfo]] = defaultdict(list)
        for link in sorted(cap.service_links, key=lambda x: x.position):
            svc = services[key_of[link.service_id]]
            (legacy if link.legacy else offered)[svc.provider.slug].append(svc)
        cells = {}
        for p in providers:
            db_cell = cells_db.get(p.slug)
            cells[p.slug] = Cell(p, db_cell.label if db_cell else "",
                                 tuple(offered[p.slug]), tuple(legacy[p.slug]),
                                 db_cell.none_note if db_cell else "",
                                 db_cell.note if db_cell else "")
        category = kind_of[cap.category_id]
        words: list[str] = [cap.name, cap.description, category.name, cap.slug,
                            *cap.keywords]
        for cell in cells.values():
            words += [cell.label, cell.note]
            for svc in (*cell.services, *cell.legacy):
                words += [svc.name, svc.short_name, *svc.aliases]
        row = Row(cap.slug, cap.name, cap.icon, category, cap.core, cap.position,
                  cap.description, tuple(cap.keywords), cap.source_url, tuple(cap.see_also),
                  cap.verified_on, cells, " ".join(w for w in words if w).casefold())
        rows.append(row)
    rows.sort(key=lambda r: (not r.core, 0 if r.core else r.category.position, r.position))
    for row in rows:
        for cell in row.cells.values():
            for svc in (*cell.services, *cell.legacy):
                rows_of[svc.key].append(row)
    return Spine(providers, categories, services, tuple(rows), {r.slug: r for r in rows},
                 {k: tuple(v) for k, v in rows_of.items()})


def spine() -> Spine:
    """The rows of the loaded content version (built on first use, then shared)."""
    return per_version("hub.spine", build_spine)


def service_rows(key: str) -> tuple[Row, ...]:
    return spine().rows_of.get(key, ())


def as_dict(row: Row, providers: list[Cloud] | tuple[Cloud, ...]) -> dict[str, Any]:
    """A row as the JSON export writes it."""
    def svc(s: ServiceInfo) -> dict[str, Any]:
        out: dict[str, Any] = {"name": s.name, "url": s.url, "status": s.lifecycle.status}
        if s.lifecycle.flagged:
            out["lifecycle"] = {"since": s.lifecycle.since.isoformat()
                                if s.lifecycle.since else None,
                                "note": s.lifecycle.note, "source_url": s.lifecycle.source_url}
        return out

    return {
        "kind": "capability", "slug": row.slug, "name": row.name,
        "category": row.category.slug, "core": row.core,
        "cells": {c.provider.slug: {"label": c.title, "services": [svc(s) for s in c.services],
                                    "legacy": [svc(s) for s in c.legacy],
                                    "no_equivalent": c.none or None, "note": c.note or None}
                  for c in row.cells_for(providers)},
        "source_url": row.source_url, "see_also": list(row.see_also),
        "verified_on": row.verified_on.isoformat(),
    }
