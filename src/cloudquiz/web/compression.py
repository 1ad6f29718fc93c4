"""Response compression: brotli (when the ``brotli`` package is installed) or gzip.

Text responses (HTML, CSS, JS, JSON, CSV, SVG) over ``MIN_SIZE`` bytes are compressed when the
client's ``Accept-Encoding`` allows it, and every compressible response says
``Vary: Accept-Encoding`` whether or not this one was compressed, so shared caches keep the
variants apart. A compressed representation gets its own strong ETag (``"<tag>-br"``), as the
HTTP spec requires for different bytes; :mod:`cloudquiz.caching` accepts either form on
revalidation.

What is never compressed: streamed or pass-through bodies (files are handled by
:mod:`cloudquiz.assets`, which keeps their compressed bytes), partial content, bodies of 204/304
and responses that already carry a ``Content-Encoding``.
"""

from __future__ import annotations

import gzip
from collections.abc import MutableMapping

from flask import Response, request

try:  # brotli is a declared dependency; gzip still works if a deployment lacks the wheel
    import brotli
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    brotli = None

MIN_SIZE = 500
COMPRESSIBLE = frozenset({
    "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
    "text/csv", "image/svg+xml", "text/plain", "application/xml", "text/xml",
    "application/manifest+json",
})
ENCODINGS = ("br", "gzip") if brotli is not None else ("gzip",)
# A one-shot response (``no-store``: per learner, compressed for this one transfer) prefers gzip
# on a tie: for a few-KB quiz fragment brotli saves ~150 bytes more but costs several times the
# CPU of gzip, per request (docs/performance.md). Cacheable bodies keep brotli's better ratio.
ONE_SHOT_ENCODINGS = tuple(sorted(ENCODINGS, key=lambda e: e != "gzip"))
ETAG_SUFFIXES = tuple(f"-{e}" for e in ENCODINGS)


def choose_encoding(order: tuple[str, ...] = ENCODINGS) -> str | None:
    """The best encoding the client accepts (its q-values first, ``order`` on a tie), or None."""
    accept = request.accept_encodings
    best, best_q = None, 0.0
    for enc in order:
        q = accept.quality(enc)
        if q > best_q:
            best, best_q = enc, q
    return best


def compress(data: bytes, encoding: str, static: bool = False) -> bytes:
    """Compress ``data``; static files (compressed once, kept) get the slowest, best level.

    Brotli's window is sized to the body (nothing further back than the body's start can be
    referenced anyway): same output, and ~25 % less time for a few-KB body than with the
    default 4 MiB window (docs/performance.md)."""
    if encoding == "br":
        window = max(10, min(22, len(data).bit_length() + 1))
        return brotli.compress(data, quality=11 if static else 5, lgwin=window,
                               mode=brotli.MODE_TEXT)
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9 if static else 6, mtime=0)
    raise ValueError(encoding)


def is_compressible(mimetype: str | None) -> bool:
    return bool(mimetype) and mimetype in COMPRESSIBLE


def compress_response(response: Response,
                      variants: MutableMapping[str, bytes] | None = None,
                      one_shot: bool = False) -> Response:
    """Compress ``response`` in place when it is worth it and allowed.

    ``variants`` is an optional store of already-compressed bodies for this exact response
    (the render cache passes one per page, so a cached page is compressed once, not per hit).
    ``one_shot`` marks a response nobody may store (``no-store``): see ``ONE_SHOT_ENCODINGS``.
    """
    if response.status_code < 200 or response.status_code in (204, 206, 304):
        return response
    if response.direct_passthrough or response.is_streamed:
        return response
    if "Content-Encoding" in response.headers or not is_compressible(response.mimetype):
        return response
    response.vary.add("Accept-Encoding")
    if "Content-Range" in response.headers:
        return response
    encoding = choose_encoding(ONE_SHOT_ENCODINGS if one_shot else ENCODINGS)
    if encoding is None:
        return response
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    body = variants.get(encoding) if variants is not None else None
    if body is None:
        body = compress(data, encoding)
        if variants is not None:
            variants[encoding] = body
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-{encoding}", weak)
    return response
