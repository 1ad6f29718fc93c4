"""Generated styles: provider colours from the database and Pygments highlighting.

The strict Content-Security-Policy (``style-src 'self'``) forbids ``style=""`` attributes and
``<style>`` elements, so anything that depends on data is served as a stylesheet instead. Provider
brand colours are often too light (AWS orange) or too dark to be read as text, so each one gets a
text variant darkened (light scheme) or lightened (dark scheme) until it reaches WCAG 2.1 AA
(4.5:1) on every surface the site paints. Pure functions: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup
from pygments import highlight as _pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

# The surfaces of static/css/app.css that brand-coloured text sits on (keep in step with it).
LIGHT_SURFACES = ("#ffffff", "#f6f7fb", "#eef1f7")
DARK_SURFACES = ("#0b1020", "#131a2e", "#1b2440")
AA = 4.5

# Pygments styles whose every token colour reaches AA on the style's own background.
LIGHT_CODE_STYLE = "xcode"
DARK_CODE_STYLE = "monokai"
CODE_CLASS = "highlight"

# Languages Pygments has no lexer for, mapped to the nearest one it has (Bicep's
# `resource x '…' = { key: value }` reads like TypeScript object literals).
NEAREST_LEXER = {"bicep": "typescript"}

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def _rgb(color: str) -> tuple[float, float, float]:
    match = _HEX.match(color.strip())
    if not match:
        raise ValueError(f"not a hex colour: {color!r}")
    h = match.group(1)
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def readable_on(color: str, surfaces: Iterable[str], towards: str) -> str:
    """``color`` mixed towards ``towards`` (black or white) just enough to read on all surfaces."""
    surfaces = tuple(surfaces)
    base, target = _rgb(color), _rgb(towards)
    for step in range(0, 101):
        t = step / 100
        mixed = _hex(tuple(c + (d - c) * t for c, d in zip(base, target, strict=True)))
        if all(contrast(mixed, s) >= AA for s in surfaces):
            return mixed
    return towards


def solid(color: str) -> tuple[str, str]:
    """A (background, text) pair for a filled brand chip that reaches AA: white text when it
    reads, black on very light brands (AWS orange), else the brand darkened under white."""
    if contrast("#ffffff", color) >= AA:
        return color, "#ffffff"
    if contrast("#000000", color) >= 7:
        return color, "#000000"
    return readable_on(color, ("#ffffff",), "#000000"), "#ffffff"


@dataclass(frozen=True)
class BrandColors:
    slug: str
    brand: str
    solid: str
    ink: str
    text_light: str
    text_dark: str


def brand_colors(slug: str, color: str) -> BrandColors:
    try:
        brand = _hex(_rgb(color))
    except ValueError:
        brand = "#1d4ed8"
    bg, ink = solid(brand)
    return BrandColors(slug, brand, bg, ink,
                       readable_on(brand, LIGHT_SURFACES, "#000000"),
                       readable_on(brand, DARK_SURFACES, "#ffffff"))


def _css_ident(slug: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", slug.lower())


def provider_css(providers: Iterable[tuple[str, str]]) -> str:
    """Custom properties per provider: ``--brand`` (decoration), ``--brand-solid`` with
    ``--brand-ink`` (a filled chip and its text) and ``--brand-text`` (brand-tinted text that
    reaches AA on the page's surfaces, per colour scheme)."""
    light, dark = [], []
    for slug, color in providers:
        c = brand_colors(_css_ident(slug), color)
        sel = f'.provider-{c.slug}, [data-provider="{c.slug}"]'
        light.append(f"{sel} {{ --brand: {c.brand}; --brand-solid: {c.solid}; "
                     f"--brand-ink: {c.ink}; --brand-text: {c.text_light}; }}")
        dark.append(f"  {sel} {{ --brand-text: {c.text_dark}; }}")
    return "\n".join([*light, "@media (prefers-color-scheme: dark) {", *dark, "}", ""])


@lru_cache(maxsize=1)
def code_css() -> str:
    """Pygments token classes for ``.highlight``: a light style, and a dark one for dark mode."""
    def rules(style: str) -> list[str]:
        defs = HtmlFormatter(style=style, cssclass=CODE_CLASS).get_style_defs(f".{CODE_CLASS}")
        # Keep only our scoped rules (Pygments also emits global `pre { … }` and line numbers).
        kept = [line for line in defs.splitlines() if line.startswith(f".{CODE_CLASS}")]
        # The block's own background also goes into --code-bg: app.css paints the scroll
        # shadows of a code block that is wider than its box over it.
        return [re.sub(r"^(\.%s \{ )background: (#[0-9A-Fa-f]+);" % CODE_CLASS,
                       r"\1--code-bg: \2; background: \2;", line) for line in kept]

    dark = ["  " + line for line in rules(DARK_CODE_STYLE)]
    return "\n".join([*rules(LIGHT_CODE_STYLE),
                      "@media (prefers-color-scheme: dark) {", *dark, "}", ""])


def lexer_for(language: str) -> Lexer:
    name = (language or "").strip().lower()
    for candidate in (name, NEAREST_LEXER.get(name, "")):
        if not candidate:
            continue
        try:
            return get_lexer_by_name(candidate)
        except ClassNotFound:
            continue
    return TextLexer()


def highlight(code: str, language: str) -> Markup:
    """Token ``<span class>``es only (no wrapper, no inline styles): the template adds the
    ``<pre class="highlight"><code>``."""
    formatter = HtmlFormatter(nowrap=True, cssclass=CODE_CLASS)
    return Markup(_pygments_highlight(code, lexer_for(language), formatter).rstrip("\n"))
