"""HTTP plumbing shared by every page: headers, errors, htmx, parameters, caching,
compression, static assets, the database's failure modes and the templates' site context.

Every response leaves through :func:`_finalize`, in this order: the cache policy and compression
(:mod:`.caching`, :mod:`.compression`), then the security headers (:mod:`.headers`). Static
files are served by :mod:`.assets` under content-hashed URLs.

Behind a reverse proxy set ``BEHIND_PROXY=N`` (the number of proxies in front of the app) and
werkzeug's ``ProxyFix`` trusts that many ``X-Forwarded-For/-Proto/-Host/-Prefix`` hops, so
``request.is_secure`` (HSTS, secure redirects) and client addresses are right. Without the flag
those headers are ignored: a client could forge them. A malformed Host, or one not listed in
``TRUSTED_HOSTS`` when that is set, gets the 400 page (:mod:`.hosts`).
"""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    assets,
    caching,
    context,
    database,
    errors,
    headers,
    hosts,
    limits,
    ratelimit,
)


def _finalize(response: Response) -> Response:
    """Last step of every response (registered first, so Flask runs it after all others)."""
    response = hosts.relative_redirect(caching.after_request(response))
    return headers.security_headers(response)


def init_app(app: Flask) -> None:
    hosts.init_app(app)  # inside ProxyFix: a forwarded host is checked as well
    hops = int(app.config.get("BEHIND_PROXY") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)  # type: ignore[method-assign]
    limits.init_app(app)
    ratelimit.init_app(app)
    database.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    caching.init_app(app)
    app.context_processor(context.template_context)
    app.after_request(_finalize)
