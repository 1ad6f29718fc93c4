"""Request body limits: a body above ``MAX_CONTENT_LENGTH`` (64 KiB) gets the 413 page before
any view runs, whether or not the view reads the body.

werkzeug enforces the limit only when something parses the form; a view that ignores its body
(starting an exam) would otherwise accept a megabyte upload and act on it. A chunked body
without ``Content-Length`` is cut at the same limit when read (werkzeug's limited stream).
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request


def _refuse_oversized() -> None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if limit is not None and length is not None and length > limit:
        abort(413, description=f"The request body is larger than {limit // 1024} KiB.")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_oversized)
