"""What every template sees: the site texts, the navigation and which entry is current."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request

from ..content import Texts, site_context
from ..models import db

NAV_LINKS = (
    ("compare.index", "Compare"),
    ("devops.index", "DevOps"),
    ("architectures.index", "Architectures"),
    ("learn.index", "Learn"),
    ("quiz.index", "Quiz"),
    ("quiz.progress", "Progress"),
    ("search.index", "Search"),
)


def nav_current() -> str | None:
    """The navigation entry of this page: its own endpoint, else the first one of its blueprint
    (a quiz question belongs to "Quiz"; /progress only to "Progress")."""
    endpoint = request.endpoint or ""
    if any(endpoint == e for e, _ in NAV_LINKS):
        return endpoint
    blueprint = endpoint.partition(".")[0]
    return next((e for e, _ in NAV_LINKS if e.partition(".")[0] == blueprint), None)


def template_context() -> dict[str, Any]:
    nav = {"nav_links": NAV_LINKS, "nav_current": nav_current()}
    try:
        ctx = site_context()
    except sa.exc.SQLAlchemyError:
        # An error page must still render when the database is what failed.
        db.session.rollback()
        return {"site": Texts(), "nav_providers": (), **nav}
    return {"site": Texts(ctx.texts), "nav_providers": ctx.providers, **nav}
