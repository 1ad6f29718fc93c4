"""Text fitting: estimated text widths, word wrapping with an ellipsis, and the label of a node
relabelled with a provider's services.

SVG cannot wrap text by itself, so widths are estimated, on the wide side (DejaVu Sans, a wide
font), so labels fit in the common sans-serif fonts; the browser tests measure them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import ServiceRef

ELLIPSIS = "…"
WORD_SLACK = 1.08

_NARROW = set("ijl'|!.,:;")
_SEMI = set("ftrI()[]/-· ")
_WIDE_LOWER = {"m": 0.97, "w": 0.82}
_WIDE_UPPER = {"M": 0.86, "W": 0.99}


def char_width(ch: str) -> float:
    """Width of one character in em, modelled on DejaVu Sans (a wide font: others fit better)."""
    if ch in _NARROW:
        return 0.28
    if ch in _SEMI:
        return 0.38
    if ch in _WIDE_LOWER:
        return _WIDE_LOWER[ch]
    if ch in _WIDE_UPPER:
        return _WIDE_UPPER[ch]
    if ch.isupper():
        return 0.72
    if ch.isdigit():
        return 0.64
    if ch in "&+<>=%@—…":
        return 0.9
    if ord(ch) > 0x2E7F:  # emoji, CJK
        return 1.25
    return 0.62


def text_width(text: str, size: float, bold: bool = False) -> float:
    width = sum(char_width(ch) for ch in text) * size
    return width * 1.08 if bold else width


def _truncate(text: str, width: float, size: float, bold: bool) -> str:
    while text and text_width(text + ELLIPSIS, size, bold) > width:
        text = text[:-1].rstrip()
    return text + ELLIPSIS


def _tokens(text: str, width: float, size: float, bold: bool) -> list[tuple[str, bool]]:
    """Words as (text, space before) pieces that each fit ``width``: a long word breaks after
    "/" or "-" ("Web/mobile/partners"), and only a piece still too long is cut anywhere."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        if text_width(word, size, bold) <= width * WORD_SLACK:
            out.append((word, True))
            continue
        pieces = re.findall(r"[^/\-]*[/\-]|[^/\-]+", word)
        first = True
        for piece in pieces:
            while text_width(piece, size, bold) > width * WORD_SLACK and len(piece) > 1:
                cut = len(piece) - 1
                while cut > 1 and text_width(piece[:cut], size, bold) > width:
                    cut -= 1
                out.append((piece[:cut], first))
                first = False
                piece = piece[cut:]
            out.append((piece, first))
            first = False
    return out


def wrap(text: str, width: float, size: float, max_lines: int,
         bold: bool = False) -> tuple[tuple[str, ...], bool]:
    """Greedy word wrap into at most ``max_lines`` lines; the last line ends in "…" when cut.
    Returns the lines and whether the text was shortened. A word that only just misses the
    width stays whole (the estimate errs on the wide side, and "EventBridg/e" reads worse)."""
    tokens = _tokens(text, width, size, bold)
    if not tokens or max_lines < 1:
        return (), bool(tokens)
    lines: list[str] = []
    current = ""
    for piece, spaced in tokens:
        candidate = (f"{current} {piece}" if spaced else current + piece) if current else piece
        if text_width(candidate, size, bold) <= width:
            current = candidate
        else:
            if current:
                lines.append(current)
            current = piece
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return tuple(lines), False
    kept = lines[:max_lines]
    kept[-1] = _truncate(" ".join([kept[-1], lines[max_lines]]), width, size, bold)
    return tuple(kept), True


def services_label(services: Sequence[ServiceRef], width: float, size: float,
                   max_lines: int) -> str:
    """The label of a node relabelled with these services: the first of full names, short names,
    "first +N" (full, then short) that fits the box without being cut ("Azure CDN / Front Door"
    when "Azure Content Delivery Network / Azure Front Door" is too long)."""
    full = [s.name for s in services]
    short = [s.short_name or s.name for s in services]
    candidates = [" / ".join(full), " / ".join(short)]
    if len(services) > 1:
        candidates += [f"{full[0]} +{len(full) - 1}", f"{short[0]} +{len(short) - 1}"]
    for text in candidates:
        if not wrap(text, width, size, max_lines, bold=True)[1]:
            return text
    return candidates[-1]
