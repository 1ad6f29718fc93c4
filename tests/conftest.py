"""Shared fixtures: an app on a copy of a freshly seeded SQLite database, its clients, a live
server for the browser tests, and PostgreSQL when the environment provides one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cloudquiz.models import db
from cloudquiz.seeding import seed_database
from tests.support.app import (
    RESULTS_DIR,
    SEED_DIR,
    HtmxClient,
    LiveServer,
    make_app,
    postgres_url,
)
from tests.support.crawl import Crawl, crawl

__all__ = ["SEED_DIR", "make_app"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--crawl-variants", type=int, default=None, metavar="N",
        help="follow at most N query-string variants per path in the site crawl (make check "
             "passes 2: every page, a sample of its filter views); default: all of them")


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Override pytest-flask's: a pushed request context leaks ``g`` and writes between calls."""


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded database per test session; each test gets its own copy."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    app = make_app(path)
    with app.app_context():
        db.create_all()
        seed_database(db.session, SEED_DIR)
        db.engine.dispose()
    return path


@pytest.fixture
def app(seeded_db_file: Path, tmp_path: Path) -> Iterator[Flask]:
    path = tmp_path / "app.db"
    shutil.copy(seeded_db_file, path)
    application = make_app(path, shared_content=True)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def site(seeded_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app per module for tests that only read pages (odd query strings and the like):
    its render and content caches stay warm across the module instead of being rebuilt for
    each parametrized case. Tests that write (quiz, reseed) use ``app``."""
    path = tmp_path_factory.mktemp("site") / "site.db"
    shutil.copy(seeded_db_file, path)
    application = make_app(path, shared_content=True)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def site_crawl(seeded_db_file: Path, tmp_path_factory: pytest.TempPathFactory,
               pytestconfig: pytest.Config) -> Iterator[tuple[Flask, Crawl]]:
    """Every in-site URL of the seeded site, requested once per test session: the crawl test
    and the seed-facts walk read the same pages (mark a module that uses it with
    ``pytest.mark.xdist_group("site_crawl")`` so that xdist runs it where the crawl is).
    ``--crawl-variants N`` (the fast lane) follows every path but only N of its filter views."""
    path = tmp_path_factory.mktemp("crawl") / "crawl.db"
    shutil.copy(seeded_db_file, path)
    application = make_app(path, shared_content=True)
    yield application, crawl(application,
                             variants_per_path=pytestconfig.getoption("crawl_variants"))
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def reader(site: Flask) -> FlaskClient:
    return site.test_client()


@pytest.fixture
def reader_hx(reader: FlaskClient) -> HtmxClient:
    return HtmxClient(reader)


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose database has the schema but no content."""
    application = make_app(tmp_path / "empty.db")
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def hx(client: FlaskClient) -> HtmxClient:
    return HtmxClient(client)


# ----------------------------------------------------------------------------- live server


@pytest.fixture(scope="module")
def live_app(seeded_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    path = tmp_path_factory.mktemp("live") / "live.db"
    shutil.copy(seeded_db_file, path)
    application = make_app(path, WTF_CSRF_ENABLED=True)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = RESULTS_DIR / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# ----------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL with an empty public schema (skips when no server is configured)."""
    url = postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL server: run through `make test-postgres` (pg_virtualenv)")
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    yield url
