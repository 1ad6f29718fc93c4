"""The one HTML reader of the suite (selectolax, the Lexbor HTML5 parser): the text a reader
sees, the URLs a page makes a browser or htmx GET, the forms a browser would submit, and the
root of an htmx fragment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

HX_GET = ("hx-get", "data-hx-get")
HIDDEN = ["script", "style", "template", "noscript"]


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser would submit
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio/checkbox values by name
    attrs: dict[str, str] = field(default_factory=dict)
    buttons: list[dict[str, str]] = field(default_factory=list)  # submit buttons' attributes

    def data(self, **override: str | list[str]) -> dict[str, str | list[str]]:
        out: dict[str, list[str]] = {}
        for name, value in self.fields:
            out.setdefault(name, []).append(value)
        for name, value in override.items():
            out[name] = value if isinstance(value, list) else [value]
        return {k: (v[0] if len(v) == 1 else v) for k, v in out.items()}

    def button(self, attr: str) -> dict[str, str]:
        """The submit button carrying ``attr`` (e.g. ``data-flag``)."""
        found = [b for b in self.buttons if attr in b]
        assert len(found) == 1, (attr, self.buttons)
        return found[0]

    def pressed(self, button: dict[str, str], **override: str | list[str]
                ) -> tuple[str, dict[str, str | list[str]]]:
        """Where a browser posts the form when ``button`` submits it, and what it sends: the
        button's ``formaction`` (else the form's action) and its own name and value."""
        data = self.data(**override)
        if button.get("name"):
            data[button["name"]] = button.get("value", "")
        return button.get("formaction") or self.action, data


def _attrs(node) -> dict[str, str]:
    return {k: v or "" for k, v in node.attributes.items()}


def _form(node) -> Form:
    attrs = _attrs(node)
    method = attrs.get("method", "get").lower() or "get"
    if attrs.get("hx-post") or attrs.get("data-hx-post"):
        method = "post"
    form = Form(attrs.get("action") or attrs.get("hx-post") or "", method, attrs=attrs)
    for el in node.css("input, button, select"):
        a = _attrs(el)
        name = a.get("name")
        if not name:
            continue
        kind = a.get("type", "text").lower() or "text"
        if el.tag == "select":
            options = el.css("option")
            chosen = next((o for o in options if "selected" in o.attributes), None)
            chosen = chosen or (options[0] if options else None)
            if chosen is not None:
                form.fields.append((name, chosen.attributes.get("value") or ""))
        elif kind in ("radio", "checkbox"):
            form.choices.setdefault(name, []).append(a.get("value", ""))
            if "checked" in a:
                form.fields.append((name, a.get("value", "")))
        elif el.tag == "input" and kind not in ("submit", "button", "image", "reset"):
            form.fields.append((name, a.get("value", "")))
    form.buttons = [_attrs(b) for b in node.css("button, input[type=submit]")
                    if (b.attributes.get("type") or "submit").lower() == "submit"]
    return form


class Html:
    """A parsed page: ``links`` (anchors and GET form actions), ``hx_links``, ``forms``, ``text``."""

    def __init__(self, html: str) -> None:
        self.tree = LexborHTMLParser(html)

    @property
    def links(self) -> list[str]:
        out = []
        for node in self.tree.css("a[href], form"):
            a = _attrs(node)
            if node.tag == "a":
                out.append(a["href"])
            elif a.get("method", "get").lower() in ("", "get") and not (
                    a.get("hx-post") or a.get("data-hx-post")):
                out.append(a.get("action", ""))
        return out

    @property
    def anchors(self) -> list[str]:
        return [n.attributes.get("href") or "" for n in self.tree.css("a[href]")]

    @property
    def hx_links(self) -> list[str]:
        return [n.attributes[name] or "" for name in HX_GET
                for n in self.tree.css(f"[{name}]") if n.attributes.get(name)]

    @property
    def forms(self) -> list[Form]:
        return [_form(n) for n in self.tree.css("form")]

    def table_rows(self, selector: str) -> list[list[str]]:
        """The cells' text of each body row of the first table ``selector`` matches."""
        table = self.tree.css_first(selector)
        if table is None:
            return []
        return [[normalise(cell.text(separator=" ")) for cell in row.css("th, td")]
                for row in table.css("tbody tr")]

    @property
    def text(self) -> str:
        tree = self.tree.clone()
        tree.strip_tags(HIDDEN)
        root = tree.body or tree.root
        return normalise(root.text(separator=" ")) if root is not None else ""


def parse_page(html: str) -> Html:
    return Html(html)


def page_text(html: str) -> str:
    """The text a reader sees (no script, style or template content), whitespace collapsed."""
    return Html(html).text


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fragment_root(html: str) -> tuple[str, dict[str, str]]:
    """The fragment's single root element (fails when there are several, or stray text).
    Parsed as a browser parses what htmx swaps in: a fragment in a ``<template>`` context."""
    tree = LexborHTMLParser(html, is_fragment=True, fragment_tag="template")
    nodes = list(tree.root.iter(include_text=True)) if tree.root is not None else []
    roots = [n for n in nodes if n.tag not in ("-text", "-comment")]
    stray = "".join(n.text_content or "" for n in nodes if n.tag == "-text").strip()
    assert len(roots) == 1, [r.tag for r in roots]
    assert not stray, stray[:80]
    return roots[0].tag, _attrs(roots[0])


def is_full_page(html: str) -> bool:
    return html.lstrip().lower().startswith("<!doctype html>") and 'class="site-header"' in html
