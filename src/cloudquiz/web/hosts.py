"""The Host header, checked before Flask builds URLs from it.

A request whose ``Host`` is not a host name (a 64-character label, ``a..b``, a broken ``xn--``
label, junk) or, when ``TRUSTED_HOSTS`` is set, not one of the site's names, gets the styled 400
page. Flask would otherwise fail while binding its URL adapter and answer a bare 500, or build
absolute URLs (redirects) from a name an attacker chose.

The WSGI middleware swaps such a Host for a safe one (the first trusted name, else
``localhost``) so the error page renders like any other, and marks the request; the first
``before_request`` handler then answers 400 with the reason.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, abort, request
from werkzeug.sansio.utils import host_is_trusted

_LABEL_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_PORT_RE = re.compile(r"^[0-9]{1,5}$")
_MARK = "cloudquiz.bad_host"


def split_host(value: str) -> tuple[str, str | None] | None:
    """``(host, port)`` of a Host header value, or None when it is not of that shape."""
    if value.startswith("["):
        inner, sep, rest = value[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            return None
        return "[" + inner + "]", (rest[1:] if rest else None)
    host, sep, port = value.rpartition(":")
    return (host, port) if sep else (value, None)


def host_problem(value: str) -> str | None:
    """Why ``value`` is not a usable Host header, or None when it is one."""
    parts = split_host(value) if value and len(value) <= 260 and value.isascii() else None
    if parts is None:
        return "The Host header is not a host name."
    host, port = parts
    if port is not None and not (_PORT_RE.match(port) and 0 < int(port) < 65536):
        return "The Host header carries an invalid port."
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return "The Host header is not a valid IPv6 address."
        return None
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL_RE.match(label) for label in labels):
        return "The Host header is not a valid host name."
    try:
        name.encode("ascii").decode("idna")
    except UnicodeError:
        return "The Host header holds an invalid internationalised name."
    return None


def _fallback(trusted: list[str] | None) -> str:
    for name in trusted or ():
        if name:
            return name.lstrip(".")
    return "localhost"


class HostCheck:
    """WSGI middleware: marks requests with a bad or untrusted Host and gives them a safe one."""

    def __init__(self, app: Callable[..., Iterable[bytes]], trusted: list[str] | None) -> None:
        self.app = app
        self.trusted = trusted
        self.fallback = _fallback(trusted)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        value = environ.get("HTTP_HOST")
        if value is not None:
            problem = host_problem(value)
            if problem is None and self.trusted and not host_is_trusted(value, self.trusted):
                problem = "This site does not answer to that host name."
            if problem is not None:
                environ[_MARK] = problem
                environ["HTTP_HOST"] = self.fallback
        return self.app(environ, start_response)


def _refuse_bad_host() -> None:
    problem = request.environ.get(_MARK)
    if problem:
        abort(400, description=problem)


def relative_redirect(response: Response) -> Response:
    """Redirects werkzeug builds itself (``//path`` merged, a missing slash) carry an absolute
    ``Location`` made from the request's Host; send the path alone so no redirect, and no cache
    in front of the app, ever points at a name the client chose."""
    location = response.headers.get("Location")
    if location and 300 <= response.status_code < 400:
        parts = urlsplit(location)
        if parts.netloc and parts.netloc.lower() == request.host.lower():
            path = parts.path or "/"
            if path.startswith("//"):
                path = "/" + path.lstrip("/")
            response.headers["Location"] = urlunsplit(("", "", path, parts.query, parts.fragment))
    return response


def init_app(app: Flask) -> None:
    """Install the check and its 400. Call before ProxyFix wraps the app: ProxyFix then runs
    first, so a forwarded host is checked too."""
    app.wsgi_app = HostCheck(app.wsgi_app, app.config.get("TRUSTED_HOSTS"))  # type: ignore[method-assign]
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_bad_host)
