"""A crawler follows every internal link of the site from the home page — ``href``s, ``hx-get``
URLs and GET form actions, with their query strings — and finds no 4xx or 5xx anywhere.
POST-only endpoints are not requested (their forms are tested by the quiz)."""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask

from cloudquiz.models import db
from tests.support.crawl import Crawl, endpoint_of

# the crawl (conftest's ``site_crawl``) is shared with tests/seeding/test_seed_facts.py: under
# xdist both modules run on one worker (``--dist loadgroup``), so the site is walked once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site_crawl")]


def test_every_internal_link_answers_without_error(site_crawl: tuple[Flask, Crawl]) -> None:
    _, result = site_crawl
    assert result.complete, "the crawl hit its limit: a page generates endless links"
    failures = [f"{p.status} {p.url} (linked from {', '.join(p.referrers[:3])})"
                for p in result.failures()]
    assert not failures, "\n".join(failures[:30])


def test_the_crawl_reaches_every_page_of_the_hub(site_crawl: tuple[Flask, Crawl]) -> None:
    app, result = site_crawl
    reached = Counter(endpoint_of(app, url) for url, p in result.pages.items() if p.status)
    for endpoint in ("pages.index", "providers.detail", "services.detail", "compare.index",
                     "compare.export_csv", "compare.export_json", "learn.index",
                     "search.index"):
        assert reached[endpoint], endpoint
    for endpoint in ("devops.index", "architectures.index", "architectures.detail",
                     "quiz.index", "quiz.progress"):
        assert reached[endpoint], endpoint


def test_every_service_page_is_linked_from_somewhere(site_crawl: tuple[Flask, Crawl]) -> None:
    import sqlalchemy as sa

    from cloudquiz import models as m

    app, result = site_crawl
    with app.test_request_context():
        urls = {s.url for s in db.session.scalars(sa.select(m.Service))}
    assert urls <= set(result.pages), sorted(urls - set(result.pages))[:10]


def test_links_with_filters_render_their_view(site_crawl: tuple[Flask, Crawl]) -> None:
    _, result = site_crawl
    filtered = [p for p in result.pages.values() if "?" in p.url and p.status]
    assert len({p.url.split("?")[0] for p in filtered}) >= 5  # filters of several page families
    broken = [(p.url, p.status) for p in filtered if p.status != 200]
    assert not broken, broken[:10]
    # a filtered view is a different view: not the unfiltered page's bytes again
    same = [p.url for p in filtered if p.html and p.url.split("?")[0] in result.pages
            and p.html == result.pages[p.url.split("?")[0]].html]
    assert len(same) < len(filtered) / 2, same[:10]
