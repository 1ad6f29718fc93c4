"""Learner rows: the anonymous learner an id names, created the first time it is needed.

The store never reads the session: callers pass the learner id (``lid``). Reading it from the
signed cookie, and issuing a new one, is the views' job (``quiz/identity.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ... import models as m
from ...models import db
from . import clock


def ensure(lid: str) -> None:
    """Make sure the learner ``lid`` has a row (in the current transaction; no commit)."""
    if db.session.get(m.Learner, lid) is None:
        # The cookie is signed, so an id we do not know was issued by us (e.g. before a DB reset).
        # ON CONFLICT DO NOTHING: a concurrent request of the same browser may create it first.
        db.session.execute(_insert(m.Learner).values(id=lid, created_at=clock.now())
                           .on_conflict_do_nothing(index_elements=["id"]))


def _insert(model: type[Any]) -> Any:
    """The dialect's INSERT, which has ON CONFLICT (SQLite and PostgreSQL, the two we run on)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(model)
    return sqlite_insert(model)
