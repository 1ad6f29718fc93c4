"""Static files under content-hashed URLs, cached for a year, compressed once.

``url_for('static', filename='css/app.css')`` (in templates and in Python alike) produces
``/static/css/app.3f2a9c01de.css``: the file's name with the first 10 hex digits of the SHA-256 of
its bytes. A new deploy that changes the file changes the URL, so a hashed URL can be cached
``public, max-age=31536000, immutable``. The static view serves:

- a hashed name whose hash is the file's current one: the file, cached for a year;
- an unhashed name, or a hash that is no longer current (an old page during a rolling deploy):
  the current file with ``Cache-Control: no-cache``, so browsers revalidate it.

Files are read once into memory (keyed by path, size and mtime, so an edited file is picked up)
together with their brotli/gzip bytes, compressed at the best level once instead of per request.
Range, HEAD and conditional requests are answered by werkzeug's ``make_conditional``; a Range
request always gets the identity bytes, so byte offsets are never ambiguous.

``build_id()`` identifies the running code: a hash of the package's Python modules, templates and
static files, computed once per process. The page ETags include it, so a redeploy that changes a
template invalidates every cached page even when the content version did not change.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, request
from werkzeug.security import safe_join

from .compression import ENCODINGS, choose_encoding, is_compressible, precompress

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the cloudquiz package
HASH_LEN = 10
HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{%d})(?P<ext>\.[A-Za-z0-9]+)$" % HASH_LEN)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
MAX_CACHED_FILE = 4 * 1024 * 1024  # larger files (none today) are streamed by werkzeug instead


@lru_cache(maxsize=1)
def build_id() -> str:
    """Hash of the package version and every module, template and static file (once a process)."""
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("cloudquiz").encode())
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        pass
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        if path.relative_to(PACKAGE_DIR).parts[0] == "seed":  # content: the version covers it
            continue
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class StaticFile:
    data: bytes
    digest: str
    mimetype: str
    mtime: float
    variants: dict[str, bytes] = field(default_factory=dict)


class StaticStore:
    """The static files a process has served, in memory, with their compressed variants."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._files: dict[str, tuple[tuple[int, int], StaticFile]] = {}
        self._lock = threading.Lock()

    def path_of(self, filename: str) -> str | None:
        path = safe_join(self.folder, filename)
        if path is None or not os.path.isfile(path):
            return None
        return path

    def get(self, filename: str) -> StaticFile | None:
        path = self.path_of(filename)
        if path is None:
            return None
        stat = os.stat(path)
        if stat.st_size > MAX_CACHED_FILE:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._files.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        with open(path, "rb") as fh:
            data = fh.read()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        entry = StaticFile(data, hashlib.sha256(data).hexdigest()[:HASH_LEN], mimetype,
                           stat.st_mtime)
        with self._lock:
            self._files[path] = (key, entry)
        return entry

    def variant(self, entry: StaticFile, encoding: str) -> bytes:
        body = entry.variants.get(encoding)
        if body is None:
            body = precompress(entry.data, encoding)
            entry.variants[encoding] = body
        return body


def _store(app: Flask) -> StaticStore:
    return app.extensions["cloudquiz.static"]


def split_hashed(filename: str) -> tuple[str, str | None]:
    """``css/app.0123456789.css`` -> (``css/app.css``, ``0123456789``); others unchanged."""
    match = HASHED_NAME.match(filename)
    if match is None:
        return filename, None
    return match["stem"] + match["ext"], match["hash"]


def hashed_filename(filename: str) -> str:
    """The content-hashed name of a static file (the name unchanged if there is no such file)."""
    entry = _store(current_app).get(filename)
    if entry is None:
        return filename
    stem, dot, ext = filename.rpartition(".")
    if not dot or "/" in ext:
        return f"{filename}.{entry.digest}"
    return f"{stem}.{entry.digest}.{ext}"


def _url_defaults(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and isinstance(values.get("filename"), str):
        values["filename"] = hashed_filename(values["filename"])


def static_view(filename: str) -> Response:
    store = _store(current_app)
    entry, cache_control = store.get(filename), REVALIDATE
    if entry is None:
        plain, digest = split_hashed(filename)
        if digest is None:
            return current_app.send_static_file(filename)  # a 404, or a file too big to keep
        entry = store.get(plain)
        if entry is None:
            abort(404)
        if digest == entry.digest:
            cache_control = IMMUTABLE
    elif split_hashed(filename)[1] == entry.digest:  # a file literally named like a hash
        cache_control = IMMUTABLE

    encoding = None
    if is_compressible(entry.mimetype) and "Range" not in request.headers:
        encoding = choose_encoding()
    body = store.variant(entry, encoding) if encoding else entry.data
    response = Response(body, mimetype=entry.mimetype)  # werkzeug adds charset for text
    response.headers["Cache-Control"] = cache_control
    response.last_modified = entry.mtime
    response.set_etag(f"{entry.digest}-{encoding}" if encoding else entry.digest)
    if is_compressible(entry.mimetype):
        response.vary.add("Accept-Encoding")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response.make_conditional(request, accept_ranges=encoding is None,
                                     complete_length=len(body))


def init_app(app: Flask) -> None:
    app.extensions["cloudquiz.static"] = StaticStore(app.static_folder or "")
    app.url_defaults(_url_defaults)
    if "static" in app.view_functions:
        app.view_functions["static"] = static_view


__all__ = ["ENCODINGS", "build_id", "hashed_filename", "init_app", "split_hashed"]
