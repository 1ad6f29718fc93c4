"""Well-Architected list questions: members of a provider's pillars (or principles) list, the
odd one out, and an item from its summary.
"""

from __future__ import annotations

from ..types import ListFact
from .specs import SINGLE_OPTIONS, Builder, _Spec
from .text import _fold, _join, _quote, _sentence, _slug


def _list_picture(b: Builder, lst: ListFact, item: str | None = None) -> str:
    parts = []
    for other in b.snap.lists:
        if other.kind != lst.kind or other.provider == lst.provider:
            continue
        prov = b.pname[other.provider]
        if item is not None and _fold(item) in {_fold(i) for i in other.items}:
            parts.append(f"{prov}'s {_quote(other.title)} list it too")
        else:
            parts.append(f"{prov}'s {_quote(other.title)}: "
                         f"{_join([_quote(i) for i in other.items])}")
    return ("Across the clouds — " + "; ".join(parts) + ".") if parts else ""


def build(b: Builder) -> None:
    for lst in b.snap.lists:
        if lst.kind == "pillars" and len(lst.items) >= 3:
            _pillar_list(b, lst)


def _pillar_list(b: Builder, lst: ListFact) -> None:
    p, prov = lst.provider, b.pname[lst.provider]
    members = {_fold(i) for i in lst.items}
    # Outsiders in the list's own style: pillar names for AWS and Azure ("Reliability"),
    # short sentences for Google's principles (its own architecture patterns).
    width = sum(len(i.split()) for i in lst.items) / len(lst.items)
    whose: dict[str, list[str]] = {}
    for other in b.snap.lists:
        same_kind = other.kind == lst.kind and other.provider != p
        own_patterns = other.kind == "patterns" and other.provider == p
        if same_kind or own_patterns:
            for i in other.items:
                whose.setdefault(i, []).append(
                    f"{b.pname[other.provider]}'s {_quote(other.title)}")
    for x in b.snap.practices:
        whose.setdefault(x.title, []).append(f"the {b.pname[x.provider]} best practices")
    close, far = [], []
    for text in whose:
        if _fold(text) in members:
            continue
        gap = abs(len(text.split()) - width)
        if gap <= 1.5:
            close.append(text)
        elif gap <= 3:
            far.append(text)
    lead = (f"{prov}'s {_quote(lst.title)} are "
            f"{_join([_quote(i) for i in lst.items])}.")
    explanation = _sentence(lead, _list_picture(b, lst))
    tags = (("provider", p), ("topic", lst.kind))
    b.add(_Spec(
        kind="pillar", card_key=f"pillar:{p}:member",
        prompt=f"Which of these is one of {prov}'s {_quote(lst.title)}?",
        answers=lst.items, choose=1, distractors=(tuple(close), tuple(far)),
        size=SINGLE_OPTIONS, explanation=explanation, hub_url=lst.url, tags=tags,
        family=f"pillar:{p}", providers=frozenset((p,)),
    ))
    answers = tuple(close) or tuple(far)
    b.add(_Spec(
        kind="pillar", card_key=f"pillar:{p}:not",
        prompt=f"Which of these is NOT one of {prov}'s {_quote(lst.title)}?",
        answers=answers, choose=1, distractors=(lst.items,), size=SINGLE_OPTIONS,
        explanation=explanation, hub_url=lst.url, tags=(*tags, ("form", "not")),
        family=f"pillar:{p}", providers=frozenset((p,)),
        notes=tuple((a, f"{_quote(a)} comes from {_join(list(dict.fromkeys(whose[a])))}.")
                    for a in answers),
    ))
    texts = lst.texts if len(lst.texts) == len(lst.items) else ()
    for item, text in zip(lst.items, texts, strict=False):
        if text:
            b.add(_Spec(
                kind="pillar", card_key=f"pillar:{p}:{_slug(item)}",
                prompt=(f"Which of {prov}'s {_quote(lst.title)} is summed up as "
                        f"{_quote(text)}?"),
                answers=(item,), choose=1,
                distractors=(tuple(i for i in lst.items if i != item),),
                size=SINGLE_OPTIONS,
                explanation=_sentence(f"{_quote(item)}: {text}.", lead,
                                      _list_picture(b, lst, item)),
                hub_url=lst.url, tags=(("provider", p), ("topic", _slug(item))),
                family=f"pillar:{p}:{_slug(item)}", providers=frozenset((p,)),
            ))
