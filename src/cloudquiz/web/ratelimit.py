"""Rate limits (Flask-Limiter) for the few writes a visitor can repeat at will.

No limit applies by default; a view opts in with ``@limiter.limit(...)`` and its own key (the
quiz limits reports per learner, not per address: a class behind one school NAT is many
learners). Counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` (the default) counts per
server process, which bounds a flood on a single server; with several app servers, point it at
a shared store the ``limits`` package supports (Redis, Memcached, MongoDB) to count across them.
A breach answers 429 with ``Retry-After`` (the view may render its own 429 page or fragment).
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
