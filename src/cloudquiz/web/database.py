"""The database as the web layer sees it: SQLite tuned for several processes, and a styled 503
(never a 500) when the database is down, unreachable or locked."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, Response, current_app

from ..models import db
from .errors import render_error


def _sqlite_pragmas(busy_ms: int) -> Callable[..., None]:
    """SQLite tuned for several processes on one file (worker processes, two app instances):
    WAL lets readers run while one writer commits, ``synchronous=NORMAL`` is safe with WAL
    (a crash of the app loses nothing; only a power cut may undo the last commits), and the
    busy timeout (``SQLITE_BUSY_TIMEOUT_MS``, 5 s) makes a writer wait for the lock under
    load, yet give up after a few seconds: a lock held by someone else then gives the styled
    503, not a worker thread stuck or a proxy timing out."""

    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode and str(mode[0]).lower() == "wal":
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    return on_connect


def _tune(app: Flask) -> None:
    with app.app_context():  # creates the engine object only; nothing connects here
        engine = db.engine
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        busy = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5_000))
        sa.event.listen(engine, "connect", _sqlite_pragmas(busy))


def _unavailable(exc: sa.exc.SQLAlchemyError) -> Response:
    """The database is down or unreachable: a styled 503 with Retry-After, not a 500."""
    db.session.rollback()
    current_app.logger.warning("database unavailable: %s", exc.__class__.__name__)
    response = render_error(503)
    response.headers["Retry-After"] = "5"
    return response


def init_app(app: Flask) -> None:
    _tune(app)
    app.register_error_handler(sa.exc.OperationalError, _unavailable)
    app.register_error_handler(sa.exc.DisconnectionError, _unavailable)
