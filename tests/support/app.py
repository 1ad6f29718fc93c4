"""The app factory of the suite and the servers and clients built on it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.serving import make_server

from cloudquiz import create_app
from cloudquiz.content import EXTENSION as CONTENT_CACHE

from .paths import RESULTS_DIR, SEED_DIR

__all__ = ["RESULTS_DIR", "SEED_DIR", "HtmxClient", "LiveServer", "make_app", "postgres_url",
           "private_content"]


# The content caches (site texts, equivalence spine, quiz snapshot) of the apps made on copies
# of the one seeded database: a cached value is tagged with the content version, a hash of the
# seed, so apps on the same seed may share it, and a reseed with other content replaces it.
_SHARED_CONTENT: dict[str, object] = {}


class _TemplateCode(BytecodeCache):
    """Compiled templates shared by every app of the process (Jinja's bytecode cache, in
    memory): each test's app would otherwise compile each template again (8 of the 40 s of
    the quiz flow tests). A bucket's key holds the template source's checksum, so an edited
    template is compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _TemplateCode()


def make_app(db_path: Path, *, shared_content: bool = False, **config: object) -> Flask:
    """The app on the SQLite file ``db_path``, CSRF off unless ``config`` turns it on.

    ``shared_content``: start with the content caches built by earlier apps of this process
    (for copies of the seeded database; each test no longer rebuilds them). A test that edits
    content rows without reseeding must not use it, or call :func:`private_content`."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "WTF_CSRF_ENABLED": False,
        "SEED_DIR": str(SEED_DIR),
        **config,
    })
    if shared_content:
        app.extensions[CONTENT_CACHE] = _SHARED_CONTENT
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE
    return app


def private_content(app: Flask) -> Flask:
    """Give ``app`` its own, empty content caches (before a test edits content rows)."""
    app.extensions[CONTENT_CACHE] = {}
    return app


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


class LiveServer:
    """The app on a real socket (werkzeug, threaded) for the browser and live tests."""

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
