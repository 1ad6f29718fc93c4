"""Every content page runs a small, bounded number of SQL statements, whatever the content size.

Counted with SQLAlchemy's ``before_cursor_execute`` event (render cache off, as in all tests):
load the seed, count per page; add 50 services (one alias each, spread over providers and
categories) and 50 capabilities linking them; count again: equal. A page whose statement count
grows with the rows it shows has an N+1 query somewhere.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Flask

from cloudquiz import models as m
from cloudquiz.models import db
from cloudquiz.web.caching import CONTENT_BLUEPRINTS, NEVER_CACHED_ENDPOINTS
from tests.support.app import private_content
from tests.support.crawl import crawl_urls, endpoint_of
from tests.support.queries import QueryCounter

MAX_STATEMENTS = 16
EXTRA = 50


def content_urls(app: Flask) -> list[tuple[str, dict[str, str]]]:
    urls = []
    for url in crawl_urls(app, limit=200, per_endpoint=3):
        endpoint = endpoint_of(app, url) or ""
        if endpoint.split(".")[0] in CONTENT_BLUEPRINTS and endpoint not in NEVER_CACHED_ENDPOINTS:
            urls.append((url, {}))
            urls.append((url, {"HX-Request": "true"}))
    for q in ("a", "data", "serverless functions"):
        urls.append((f"/search?q={q}", {}))
    return urls


def count_per_page(app: Flask, urls) -> dict[tuple[str, str], tuple[int, list[str]]]:
    client = app.test_client()
    for url, headers in urls:  # first pass: per-process caches (site context, snapshot) filled
        client.get(url, headers=headers)
    counts = {}
    for url, headers in urls:
        with QueryCounter(app) as counter:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        counts[(url, headers.get("HX-Request", ""))] = (
            counter.count, [s[:120] for s in counter.statements])
    return counts


def add_content(app: Flask, n: int = EXTRA) -> None:
    """n services with an alias each (round-robin over providers and categories) and n
    capabilities, each linking one new service of every provider."""
    private_content(app)  # edited rows: the content caches of other apps no longer apply
    with app.app_context():
        providers = db.session.scalars(sa.select(m.Provider).order_by(m.Provider.id)).all()
        categories = db.session.scalars(sa.select(m.Category).order_by(m.Category.id)).all()
        services = []
        for i in range(n):
            provider = providers[i % len(providers)]
            service = m.Service(
                provider=provider, slug=f"extra-service-{i}", name=f"Extra Service {i}",
                short_name=f"Extra {i}", category_id=categories[i % len(categories)].id,
                summary=f"Extra summary {i}", description="", docs_url="https://example.com",
                card_position=100 + i, card_title=f"Extra {i}", card_text="Extra card",
            )
            service.aliases.append(m.ServiceAlias(name=f"Old Extra {i}", position=0))
            services.append(service)
            db.session.add(service)
        db.session.flush()
        for i in range(n):
            capability = m.Capability(
                slug=f"extra-capability-{i}", name=f"Extra capability {i}",
                category_id=categories[i % len(categories)].id, description="extra",
                position=1000 + i, source_url="https://example.com",
                verified_on=dt.date(2026, 1, 1), core=bool(i % 2),
            )
            db.session.add(capability)
            db.session.flush()
            for k, provider in enumerate(providers):
                service = services[(i * len(providers) + k) % len(services)]
                if service.provider_id != provider.id:
                    service = next(s for s in services if s.provider_id == provider.id)
                db.session.add(m.CapabilityService(capability_id=capability.id,
                                                   service_id=service.id, position=k))
                db.session.add(m.CapabilityCell(capability_id=capability.id,
                                                provider_id=provider.id, label=service.name))
        db.session.commit()


def test_every_content_page_runs_a_bounded_number_of_statements(app: Flask) -> None:
    urls = content_urls(app)
    assert len(urls) >= 2
    counts = count_per_page(app, urls)
    too_many = {k: v for k, v in counts.items() if v[0] > MAX_STATEMENTS}
    assert not too_many, "\n".join(f"{k}: {c} statements: {s}" for k, (c, s) in
                                   too_many.items())


def test_statement_count_does_not_grow_with_the_content(app: Flask) -> None:
    urls = content_urls(app)
    before = count_per_page(app, urls)
    add_content(app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Service)
                                 .where(m.Service.slug.like("extra-%"))) == EXTRA
    after = count_per_page(app, urls)
    grown = {k: (before[k][0], after[k][0], after[k][1]) for k in before
             if after[k][0] != before[k][0]}
    assert not grown, "\n".join(f"{k}: {b} -> {a}: {s}" for k, (b, a, s) in grown.items())
