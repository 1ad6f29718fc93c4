"""The one place that reads and writes HX-* headers.

A fragment is returned only for an htmx request that is neither boosted nor a history restore;
everything else gets the full page. Every response that can differ carries ``Vary`` on those
three headers (:data:`VARY`).
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block

# The request headers that decide between fragment and page: a cache (the browser's, nginx)
# must keep a separate copy per combination, or a boosted click could get a bare fragment.
VARY = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


def wants_fragment() -> bool:
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def is_htmx() -> bool:
    return bool(getattr(request, "htmx", None))


def render_page(template: str, block: str | None = None, status: int = 200,
                **context: Any) -> Response:
    """Render the whole page, or only ``block`` of it for an htmx swap."""
    if block is not None and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.update(VARY)
    return response


def redirect_after_post(url: str) -> Response:
    """303 for a plain form; for htmx, HX-Location so the browser follows without a full load."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Location"] = url
        return response
    response = make_response("", 303)
    response.headers["Location"] = url
    return response


def full_redirect(url: str) -> Response:
    """Send the browser to ``url`` with a full page load, whatever made the request.

    htmx would follow a 3xx inside its XHR and swap the page it gets into the target; for an
    htmx request the answer is therefore a 204 with ``HX-Redirect``, which makes htmx navigate.
    A history restore is a plain XHR that ignores HX-* headers, so it gets the 303, as does a
    request without htmx.
    """
    hx = getattr(request, "htmx", None)
    if hx and not hx.history_restore_request:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
    else:
        response = make_response("", 303)
        response.headers["Location"] = url
    response.vary.update(VARY)
    return response
