"""Request body limits: a body above ``MAX_CONTENT_LENGTH`` (64 KiB) gets the 413 page before
any view runs, whether or not the view reads the body; a view that takes an upload opts into a
larger limit of its own (:func:`allow_larger_body`).

werkzeug enforces the limit only when something parses the form; a view that ignores its body
(starting an exam) would otherwise accept a megabyte upload and act on it. A chunked body
without ``Content-Length`` is cut at the same limit when read (werkzeug's limited stream).
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request


def _refuse_oversized() -> None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    larger = current_app.config.get("BODY_LIMIT_BY_ENDPOINT", {}).get(request.endpoint)
    if larger is not None:  # a view that takes an upload (see allow_larger_body)
        limit = request.max_content_length = int(larger)
    length = request.content_length
    if limit is not None and length is not None and length > limit:
        abort(413, description=f"The request body is larger than {limit // 1024} KiB.")


def allow_larger_body(app: Flask, endpoint: str, limit: int) -> None:
    """Let ``endpoint`` take bodies up to ``limit`` bytes (an upload form); the rest of the
    app keeps ``MAX_CONTENT_LENGTH``."""
    app.config.setdefault("BODY_LIMIT_BY_ENDPOINT", {})[endpoint] = limit


def init_app(app: Flask) -> None:
    app.before_request(_refuse_oversized)
