"""The engine's text helpers: how prompts, options and explanations are compared and written.

Plain functions of strings, shared by every question family. Options are compared folded
(:func:`_fold`), never raw, so "Cloud Storage" and "cloud  storage" are one option.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _slug(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug[:limit].rstrip("-") or "item"


def _join(names: Sequence[str], word: str = "and") -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {word} " + names[-1]


def _quote(text: str) -> str:
    return f"“{text.rstrip('.')}”"


def _a(word: str) -> str:
    """ "an AWS", "an Azure", "a GCP" (by the first letter; good enough for names)."""
    return ("an " if word[:1].casefold() in "aeio" else "a ") + word


def _sentence(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _mask(text: str, phrases: Iterable[str], brand_re: re.Pattern[str] | None) -> str:
    """Hide the answer in a text: the phrases given become "…"; brand words give the
    provider away, so a text that names one is refused (``""``: the caller drops the item)."""
    for phrase in phrases:
        text = re.sub(re.escape(phrase), "…", text, flags=re.IGNORECASE)
    if brand_re is not None and brand_re.search(text):
        return ""
    return text


# Words too common to tell two names or texts apart.
_GENERIC = frozenset({"archi", "platf", "and", "the", "for", "servi", "with", "from", "into"})
