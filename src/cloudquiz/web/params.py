"""Query and form parameters as safe values: what every view reads from the URL goes through
here, so bad input never reaches a query or a template unchecked."""

from __future__ import annotations

MAX_PARAM = 100


def clean_param(value: str | None, limit: int = MAX_PARAM) -> str:
    """A query parameter as safe text: no control characters (PostgreSQL rejects NUL), bounded."""
    if not value:
        return ""
    return "".join(ch for ch in value if ch.isprintable())[:limit].strip()


def echo(value: str, limit: int = 60) -> str:
    """A bad value, shortened and on one line, to repeat in a notice."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[:limit] + "…"
