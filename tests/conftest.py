"""Shared fixtures: an app on a copy of a freshly seeded SQLite database, its clients, a live
server for the browser tests, and PostgreSQL when the environment provides one."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from cloudquiz import create_app
from cloudquiz.models import db
from cloudquiz.seeding import seed_database
from tests.support.paths import PROJECT_ROOT

SEED_DIR = PROJECT_ROOT / "seed"
RESULTS_DIR = PROJECT_ROOT / "test-results"


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Override pytest-flask's: a pushed request context leaks ``g`` and writes between calls."""


def make_app(db_path: Path, **config: object) -> Flask:
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "WTF_CSRF_ENABLED": False,
        "SEED_DIR": str(SEED_DIR),
        **config,
    })


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
    application = make_app(path)
    yield application
    with application.app_context():
        db.engine.dispose()


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


class HtmxClient:
    """Sends requests as htmx would: plain swap, boosted navigation or history restore."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, boosted: bool = False, history_restore: bool = False, **kw):
        headers = {"HX-Request": "true", **kw.pop("headers", {})}
        if boosted:
            headers["HX-Boosted"] = "true"
        if history_restore:
            headers["HX-History-Restore-Request"] = "true"
        return self.client.get(url, headers=headers, **kw)

    def post(self, url: str, **kw):
        headers = {"HX-Request": "true", **kw.pop("headers", {})}
        return self.client.post(url, headers=headers, **kw)


@pytest.fixture
def hx(client: FlaskClient) -> HtmxClient:
    return HtmxClient(client)


# ----------------------------------------------------------------------------- live server


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(5)


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


def postgres_url() -> str | None:
    """TEST_DATABASE_URL, or one built from the PG* variables pg_virtualenv exports."""
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"]
    if not os.environ.get("PGPORT") or not os.environ.get("PGUSER"):
        return None
    user, password = os.environ["PGUSER"], os.environ.get("PGPASSWORD", "")
    host = os.environ.get("PGHOST", "127.0.0.1")
    if host.startswith("/"):
        host = "127.0.0.1"
    return (f"postgresql+psycopg://{user}:{password}@{host}:{os.environ['PGPORT']}/"
            f"{os.environ.get('PGDATABASE', 'postgres')}")


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
