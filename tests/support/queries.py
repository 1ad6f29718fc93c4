"""The one SQL counter of the suite, and content growth: a page whose statement count grows with
the rows it shows has an N+1 query somewhere."""

from __future__ import annotations

import datetime as dt
from typing import Self

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz import models as m
from cloudquiz.models import db

from .app import private_content


class QueryCounter:
    """Counts the SQL statements (and commits) the app's engine runs inside a ``with`` block."""

    def __init__(self, app: Flask) -> None:
        with app.app_context():
            self.engine = db.engine
        self.statements: list[str] = []
        self.commits = 0

    def _statement(self, conn, cursor, statement, *args) -> None:
        self.statements.append(" ".join(statement.split()))

    def _commit(self, conn) -> None:
        self.commits += 1

    def __enter__(self) -> Self:
        sa.event.listen(self.engine, "before_cursor_execute", self._statement)
        sa.event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._statement)
        sa.event.remove(self.engine, "commit", self._commit)

    @property
    def count(self) -> int:
        return len(self.statements)

    def clear(self) -> None:
        self.statements.clear()
        self.commits = 0


def queries_for(app: Flask, client: FlaskClient, url: str,
                headers: dict[str, str] | None = None) -> int:
    client.get(url, headers=headers or {})  # warm the per-version caches
    with QueryCounter(app) as counter:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, (url, response.status_code)
    return counter.count


def grow_content(app: Flask, n: int = 25) -> None:
    """Add ``n`` services per provider (with aliases, in new capabilities), best practices,
    code samples and learning resources: a page's query count must not grow with them."""
    private_content(app)  # edited rows: the content caches of other apps no longer apply
    with app.app_context():
        providers = db.session.scalars(sa.select(m.Provider)).all()
        category = db.session.scalars(sa.select(m.Category).order_by(m.Category.position)).first()
        for i in range(3):
            cap = m.Capability(slug=f"filler-cap-{i}", name=f"Filler capability {i}",
                               category_id=category.id, source_url="https://example.com/",
                               verified_on=dt.date(2026, 1, 1), position=900 + i)
            db.session.add(cap)
            db.session.flush()
            for p in providers:
                db.session.add(m.CapabilityCell(capability_id=cap.id, provider_id=p.id,
                                                label=f"Filler {p.short_name} {i}"))
        caps = db.session.scalars(sa.select(m.Capability).where(
            m.Capability.slug.like("filler-cap-%"))).all()
        for p in providers:
            for i in range(n):
                s = m.Service(provider_id=p.id, slug=f"filler-{i}", name=f"Filler {p.slug} {i}",
                              category_id=category.id, summary="Filler service.",
                              docs_url="https://example.com/")
                s.aliases.append(m.ServiceAlias(name=f"Old filler {p.slug} {i}"))
                db.session.add(s)
                db.session.flush()
                db.session.add(m.CapabilityService(capability_id=caps[i % len(caps)].id,
                                                   service_id=s.id, position=i))
                db.session.add(m.BestPractice(provider_id=p.id, slug=f"filler-{i}",
                                              number=50 + i, title=f"Filler practice {i}",
                                              text="Filler text."))
                db.session.add(m.CodeSample(provider_id=p.id, slug=f"filler-{i}",
                                            title=f"Filler code {i}", language="python",
                                            code="print('filler')", position=100 + i))
                db.session.add(m.LearningResource(provider_id=p.id, kind="lab",
                                                  slug=f"filler-{i}", title=f"Filler lab {i}",
                                                  url="https://example.com/", position=100 + i))
        db.session.commit()


def assert_bounded_queries(app: Flask, client: FlaskClient, *urls: str,
                           limit: int = 15) -> None:
    """Each URL runs the same (small) number of queries before and after the content grows."""
    before = {url: queries_for(app, client, url) for url in urls}
    grow_content(app)
    after = {url: queries_for(app, client, url) for url in urls}
    assert after == before, f"queries before {before}, after adding content {after}"
    assert max(before.values()) <= limit, before
