"""Error pages: every error a user can cause gets a styled page and the right status code."""

from __future__ import annotations

from flask import Flask, Response
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..models import db
from .htmx import render_page

MESSAGES = {
    400: ("Bad request", "The request did not make sense to us: a form field or a query parameter "
          "had a value we do not accept."),
    403: ("Forbidden", "You are not allowed to do that."),
    404: ("Page not found", "There is nothing at this address. It may have been mistyped, or the "
          "content was renamed when the hub was updated."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "That action no longer applies: it was already done, or the state "
          "changed in the meantime."),
    410: ("Gone", "This no longer exists."),
    413: ("Too large", "The request was too large."),
    422: ("Unprocessable", "Some of what you sent could not be used."),
    429: ("Too many requests", "Please slow down and try again in a moment."),
    500: ("Something went wrong", "An unexpected error happened on our side. It has been logged; "
          "please try again."),
    503: ("Unavailable", "The service is temporarily unavailable. Please try again shortly."),
}


def render_error(code: int, detail: str | None = None) -> Response:
    title, message = MESSAGES.get(code, ("Error", "The request could not be completed."))
    return render_page("errors/error.html", status=code, code=code, title=title,
                       message=message, detail=detail)


def _http_error(exc: HTTPException) -> Response:
    if exc.response is not None:  # the raiser built its own page (e.g. a rate limit's 429)
        return exc.response  # type: ignore[return-value]
    code = exc.code or 500
    detail = exc.description if code in (400, 404, 409, 413, 422) else None
    if detail == type(exc).description:  # werkzeug's generic text adds nothing to ours
        detail = None
    response = render_error(code, detail)
    valid = getattr(exc, "valid_methods", None)
    if code == 405 and valid:
        response.headers["Allow"] = ", ".join(valid)
    return response


def _csrf_error(exc: CSRFError) -> Response:
    return render_error(400, "Your form expired or was not sent from this site. "
                             "Reload the page and try again.")


def _server_error(exc: InternalServerError) -> Response:
    db.session.rollback()
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(HTTPException, _http_error)
