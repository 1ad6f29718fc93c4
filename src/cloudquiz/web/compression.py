"""Response compression: Flask-Compress (brotli or gzip), and the precompression of static files.

Dynamic responses go through Flask-Compress, called from :mod:`.caching` (not registered as
its own ``after_request``, so the cache policy decides first). Two instances per app:

- content pages that may be stored keep their compressed bodies in a cachelib cache keyed by
  the encoding and the page's strong ETag (content version, build, URL, fragment or page), so a
  page is compressed once per encoding and content version, not per request;
- everything else (per learner, ``no-store``) is compressed for this one transfer.

Flask-Compress adds ``Vary: Accept-Encoding`` and gives a compressed representation its own
strong ETag (``"<tag>:br"``), as HTTP requires for different bytes; :mod:`.caching` accepts
either form on revalidation. What is never compressed: streamed bodies, non-2xx statuses,
bodies under ``COMPRESS_MIN_SIZE``, and responses that already carry a ``Content-Encoding``
(static files, which :mod:`.assets` compresses once at the best level with :func:`precompress`).
"""

from __future__ import annotations

import gzip

import brotli
from cachelib import SimpleCache
from flask import Flask, Response, current_app, g, request
from flask_compress import Compress

ENCODINGS = ("br", "gzip")
ETAG_SUFFIXES = tuple(f":{e}" for e in ENCODINGS)
COMPRESSIBLE = frozenset({
    "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
    "text/csv", "image/svg+xml", "text/plain", "application/xml", "text/xml",
    "application/manifest+json",
})
DEFAULTS = {
    "COMPRESS_REGISTER": False,
    "COMPRESS_ALGORITHM": list(ENCODINGS),
    "COMPRESS_MIMETYPES": sorted(COMPRESSIBLE),
    "COMPRESS_LEVEL": 6,
    "COMPRESS_BR_LEVEL": 5,
    "COMPRESS_BR_MODE": 1,  # text
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_STREAMS": False,
    "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": False,  # caching answers 304s before the view
}
STORED_VARIANTS = 2048  # compressed bodies kept per app (two encodings of ~1000 pages)
# cachelib evicts *every* entry that never expires once it is full; a finite lifetime makes it
# evict the oldest instead (keys carry the content version, so nothing goes stale anyway)
KEEP_SECONDS = 24 * 3600


def choose_encoding(order: tuple[str, ...] = ENCODINGS) -> str | None:
    """The best encoding the client accepts (its q-values first, ``order`` on a tie), or None."""
    accept = request.accept_encodings
    best, best_q = None, 0.0
    for enc in order:
        q = accept.quality(enc)
        if q > best_q:
            best, best_q = enc, q
    return best


def precompress(data: bytes, encoding: str) -> bytes:
    """A static file's compressed bytes, at the slowest, best level (once per file)."""
    if encoding == "br":
        return brotli.compress(data, quality=11, mode=brotli.MODE_TEXT)
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0)
    raise ValueError(encoding)


def is_compressible(mimetype: str | None) -> bool:
    return bool(mimetype) and mimetype in COMPRESSIBLE


def _page_key(_request: object) -> str:
    return g.page_etag


def compress(response: Response, stored: bool) -> Response:
    """Compress ``response`` for this client; ``stored`` for a content page whose ETag keys it.

    Flask-Compress picks an encoding the client refused with ``q=0`` when nothing else is
    listed ("br;q=0, gzip;q=0"); werkzeug's parser decides first whether any is acceptable."""
    if choose_encoding() is None:
        if is_compressible(response.mimetype):
            response.vary.add("Accept-Encoding")
        return response
    instances = current_app.extensions["cloudquiz.compress"]
    return instances["stored" if stored else "one_shot"].after_request(response)


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    algorithms = list(app.config["COMPRESS_ALGORITHM"])
    # A one-shot body prefers gzip on a tie: for a few-KB quiz fragment brotli saves ~150
    # bytes more but costs several times the CPU, per request (docs/performance.md).
    app.config["COMPRESS_ALGORITHM"] = sorted(algorithms, key=lambda e: e != "gzip")
    one_shot = Compress()
    app.config["COMPRESS_CACHE_BACKEND"] = None
    app.config["COMPRESS_CACHE_KEY"] = None
    one_shot.init_app(app)
    app.config["COMPRESS_ALGORITHM"] = algorithms
    stored = Compress()
    app.config["COMPRESS_CACHE_BACKEND"] = lambda: SimpleCache(threshold=STORED_VARIANTS,
                                                               default_timeout=KEEP_SECONDS)
    app.config["COMPRESS_CACHE_KEY"] = _page_key
    stored.init_app(app)
    app.extensions["cloudquiz.compress"] = {"stored": stored, "one_shot": one_shot}
