"""The declarative base, the ``db`` object and the values shared by all models.

Content tables are rewritten by the seed loader; quiz tables are never touched by it. Quiz rows
hold snapshots (prompt, options, explanation) instead of foreign keys into content, so a reseed
that renames or removes a service can never rewrite what a learner was asked.

This module never imports ``request`` or ``g``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

STATUS_LABELS = {
    "ga": "Generally available",
    "preview": "Preview",
    "closed": "Closed to new customers",
    "deprecated": "Deprecated",
    "retired": "Retired",
}
# Not offered to someone starting today: shown (annotated), never as the current equivalent.
NOT_CURRENT = frozenset({"closed", "deprecated", "retired"})


@dataclass(frozen=True)
class Lifecycle:
    """Where a service stands (seed ``lifecycle``), as pages and the quiz read it."""

    status: str = "ga"
    since: dt.date | None = None
    ends: dt.date | None = None
    successor: str | None = None  # key "provider/slug"
    note: str = ""
    source_url: str = ""
    verified_on: dt.date | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def current(self) -> bool:
        return self.status not in NOT_CURRENT

    @property
    def flagged(self) -> bool:
        """Anything a reader should be told about (not simply generally available)."""
        return self.status != "ga"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
