"""The database's failure modes as a learner meets them: a write lock held by someone else gives
the styled 503 with Retry-After once the busy timeout runs out, never a 500 or a hang, and
pages that only read keep working meanwhile."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from cloudquiz.config import engine_options
from tests.support.app import make_app
from tests.support.quiz import start_attempt


def test_a_held_write_lock_gives_the_styled_503_not_a_500(seeded_db_file: Path,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    shutil.copy(seeded_db_file, path)
    app = make_app(path, SQLITE_BUSY_TIMEOUT_MS=300)
    client = app.test_client()
    assert client.get("/compare").status_code == 200  # WAL mode is on from the first connection
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        page = client.get("/quiz")
        assert start_attempt(client) is None  # the start POST could not write...
        response = client.post("/quiz/practice", data={"count": "10"})
        waited = time.monotonic() - started
        assert response.status_code == 503  # ...and says so with the styled page
        assert response.headers["Retry-After"].isdigit()
        assert 'class="site-header"' in response.get_data(as_text=True)
        assert waited < 20  # gave up after the busy timeout instead of hanging
        assert page.status_code == 200
        assert client.get("/providers/aws").status_code == 200  # readers are not blocked
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert start_attempt(client) is not None  # the lock is gone: writing works again


def test_the_busy_timeout_is_the_configured_one(seeded_db_file: Path, tmp_path: Path) -> None:
    import sqlalchemy as sa

    from cloudquiz.models import db

    path = tmp_path / "b.db"
    shutil.copy(seeded_db_file, path)
    app = make_app(path, SQLITE_BUSY_TIMEOUT_MS=1234)
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() == 1234
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()


def test_postgres_connections_get_a_statement_timeout(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "7000")
    options = engine_options("postgresql+psycopg://u@h/db")
    assert options["connect_args"] == {"options": "-c statement_timeout=7000"}
    assert "connect_args" not in engine_options("sqlite:///x.db")
