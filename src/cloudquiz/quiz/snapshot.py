"""The content snapshot the quiz engine reads: plain frozen values, built once per content version.

:func:`build_snapshot` runs a handful of queries (relations loaded with ``selectinload``) and turns
the hub's content into the dataclasses of :mod:`cloudquiz.quiz.types`, each fact carrying the URL
of the hub page it comes from. :func:`get_snapshot` keeps the snapshot of the current
``content_version()`` in process memory (per app, through :mod:`cloudquiz.content`): content only
changes on a reseed, and a reseed changes the version, so the next call rebuilds.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from sqlalchemy.orm import Session, selectinload
from werkzeug.routing import BuildError

from .. import models as m
from ..content import content_version, forget, per_version
from ..hub.capabilities import spine
from ..hub.decisions import decisions
from ..models import db
from . import engine
from .types import (
    ArchitectureFact,
    CapabilityFact,
    ContentSnapshot,
    DecisionGroupFact,
    DomainFact,
    ExamFact,
    FacetFact,
    ListFact,
    PracticeFact,
    ServiceFact,
    ServiceFactsFact,
    TaskFact,
)


def _url(endpoint: str, fallback: str, anchor: str = "", **values: str) -> str:
    """``url_for`` when the blueprint is registered; otherwise the same path built by hand."""
    try:
        url = url_for(endpoint, **values)
    except BuildError:
        url = fallback
    return f"{url}#{anchor}" if anchor else url


def _service_url(provider: str, slug: str) -> str:
    return _url("services.detail", f"/services/{quote(provider)}/{quote(slug)}",
                provider=provider, slug=slug)


def _provider_url(provider: str, anchor: str) -> str:
    return _url("providers.detail", f"/providers/{quote(provider)}", anchor, slug=provider)


def _compare_url(name: str, slug: str) -> str:
    return _url("compare.index", "/compare?" + urlencode({"q": name}), f"cap-{slug}", q=name)


def _architecture_url(slug: str) -> str:
    return _url("architectures.detail", f"/architectures/{quote(slug)}", slug=slug)


def build_snapshot(session: Session, version: str | None = None) -> ContentSnapshot:
    """Read the hub's content into a :class:`ContentSnapshot` (needs an app context).

    URLs are built with ``url_for``; outside a request a throwaway request context is pushed so
    they come out as the same relative paths the views produce.
    """
    if not has_request_context():
        with current_app.test_request_context():
            return build_snapshot(session, version)
    if version is None:
        version = session.scalar(sa.select(m.ContentMeta.version)) or ""

    providers = session.scalars(sa.select(m.Provider).order_by(m.Provider.position)).all()
    categories = session.scalars(sa.select(m.Category).order_by(m.Category.position)).all()
    provider_slug = {p.id: p.slug for p in providers}
    category_slug = {c.id: c.slug for c in categories}
    provider_pos = {p.id: p.position for p in providers}

    services_rows = session.scalars(
        sa.select(m.Service).options(selectinload(m.Service.aliases))
    ).all()
    services_rows = sorted(services_rows, key=lambda s: (provider_pos[s.provider_id], s.slug))
    services: dict[str, ServiceFact] = {}
    key_of: dict[int, str] = {}
    for s in services_rows:
        key_of[s.id] = f"{provider_slug[s.provider_id]}/{s.slug}"
    for s in services_rows:
        p = provider_slug[s.provider_id]
        services[key_of[s.id]] = ServiceFact(
            provider=p, slug=s.slug, name=s.name, short_name=s.short_name or s.name,
            category=category_slug[s.category_id], summary=s.summary,
            aliases=tuple(a.name for a in s.aliases), url=_service_url(p, s.slug),
            status=s.status, status_note=s.status_note,
            successor=key_of.get(s.successor_id, "") if s.successor_id else "",
        )

    # The equivalence rows come from the hub's spine (current offers only: a closed or retired
    # product is never a right answer for "the equivalent").
    capabilities = [
        CapabilityFact(
            slug=row.slug, name=row.name, category=row.category.slug,
            services={p.slug: tuple(svc.key for svc in row.services_of(p.slug))
                      for p in providers},
            url=_compare_url(row.name, row.slug), description=row.description,
            row_url=_url("compare.row", f"/compare/rows/{quote(row.slug)}", slug=row.slug),
            legacy={p: tuple(s.key for s in cell.legacy) for p, cell in row.cells.items()
                    if cell.legacy},
            none={p: cell.none for p, cell in row.cells.items() if cell.none})
        for row in sorted(spine().rows, key=lambda r: (r.position, r.slug))
    ]

    practices = tuple(
        PracticeFact(provider=provider_slug[b.provider_id], slug=b.slug, number=b.number,
                     title=b.title, text=b.text, pillar=b.pillar,
                     url=_provider_url(provider_slug[b.provider_id], f"practice-{b.slug}"))
        for b in sorted(session.scalars(sa.select(m.BestPractice)),
                        key=lambda b: (provider_pos[b.provider_id], b.number))
    )

    lists = tuple(
        ListFact(provider=provider_slug[sec.provider_id], kind=sec.kind, title=sec.title,
                 items=tuple(i.name for i in sec.items), texts=tuple(i.text for i in sec.items),
                 url=_provider_url(provider_slug[sec.provider_id], f"section-{sec.kind}"))
        for sec in sorted(
            session.scalars(sa.select(m.ProviderSection)
                            .options(selectinload(m.ProviderSection.items))),
            key=lambda sec: (provider_pos[sec.provider_id], sec.position, sec.kind))
    )

    architectures = []
    for a in session.scalars(sa.select(m.Architecture)
                             .order_by(m.Architecture.position, m.Architecture.slug)):
        caps: list[str] = []
        for node in (a.diagram or {}).get("nodes", []):
            cap = node.get("capability")
            if cap and cap not in caps:
                caps.append(cap)
        architectures.append(ArchitectureFact(
            slug=a.slug, kind=a.kind, title=a.title, summary=a.summary,
            components=tuple((c["title"], c["text"]) for c in a.components),
            advantages=tuple(a.advantages), limitations=tuple(a.limitations),
            use_cases=tuple(a.use_cases),
            cards=tuple((c["title"], c["text"]) for c in a.cards),
            url=_architecture_url(a.slug), group=a.group, capabilities=tuple(caps),
            nodes=tuple((str(n.get("id")), str(n.get("label", "")), str(n.get("text", "")),
                         str(n.get("capability"))) for n in (a.diagram or {}).get("nodes", [])
                        if n.get("capability")),
        ))

    exams: dict[str, ExamFact] = {}
    for e in session.scalars(sa.select(m.Exam).order_by(m.Exam.position, m.Exam.slug)
                             .options(selectinload(m.Exam.domains))):
        exams[e.slug] = ExamFact(
            slug=e.slug, provider=provider_slug[e.provider_id], code=e.code, name=e.name,
            question_count=e.question_count, duration_minutes=e.duration_minutes,
            scoring=e.scoring, pass_mark=e.pass_mark, readiness_mark=e.readiness_mark,
            scale_min=e.scale_min, scale_max=e.scale_max,
            domains=tuple(DomainFact(
                name=d.name, weight=d.weight, topics=tuple(d.topics),
                tasks=tuple(TaskFact(str(t["id"]), t["text"], tuple(t.get("topics") or ()))
                            for t in d.tasks or ()))
                for d in e.domains),
            item_types=tuple(e.item_types),
        )

    dec = decisions()
    groups = tuple(
        DecisionGroupFact(g.slug, g.name, g.description, g.capabilities, {
            f.key: FacetFact(f.key, f.label, f.type, f.unit, f.better, dict(f.values),
                             dict(f.phrases)) for f in g.facets})
        for g in dec.groups)
    facts = {
        (group, key): ServiceFactsFact(group, key, {k: f.value for k, f in values.items()},
                                       {k: f.source_url for k, f in values.items()})
        for (group, key), values in dec.facts.items()}

    return ContentSnapshot(
        version=version,
        providers={p.slug: p.short_name for p in providers},
        categories={c.slug: c.name for c in categories},
        services=services,
        capabilities=tuple(capabilities),
        practices=practices,
        lists=lists,
        architectures=tuple(architectures),
        exams=exams,
        provider_names={p.slug: p.name for p in providers},
        groups=groups,
        facts=facts,
    )


def _build_prepared() -> ContentSnapshot:
    snap = build_snapshot(db.session, content_version())
    engine.prepare(snap)  # the first quiz after a reseed should not pay for it
    return snap


def get_snapshot() -> ContentSnapshot:
    """The snapshot of the loaded content version, built on first use and then shared
    (:func:`cloudquiz.content.per_version`: one thread builds, the others wait). Needs an app
    context."""
    return per_version("quiz.snapshot", _build_prepared)


def clear_cache() -> None:
    """Forget the cached snapshot of the current app (tests and benchmarks)."""
    forget("quiz.snapshot")
