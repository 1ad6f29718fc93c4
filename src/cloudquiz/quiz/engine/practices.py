"""Best-practice questions: a practice's title from its text, its provider, and its pillar.
"""

from __future__ import annotations

from ..types import PracticeFact
from .specs import SINGLE_OPTIONS, Builder, _Spec
from .text import _fold, _join, _quote, _sentence, _slug


def _practice_picture(b: Builder, practice: PracticeFact) -> str:
    """The other providers' practices for the same pillar."""
    if not practice.pillar:
        return ""
    others = []
    for p in b.pname:
        titles = [_quote(x.title) for x in b.snap.practices
                  if x.provider == p and p != practice.provider
                  and _fold(x.pillar) == _fold(practice.pillar)]
        if titles:
            others.append(f"{b.pname[p]}'s {_join(titles)}")
    head = f"It serves the {practice.pillar} pillar"
    return head + (", like " + _join(others) if others else "") + "."


def build(b: Builder) -> None:
    by_provider: dict[str, list[PracticeFact]] = {}
    for practice in b.snap.practices:
        by_provider.setdefault(practice.provider, []).append(practice)
    vocab = _pillar_vocabulary(b)
    for practice in b.snap.practices:
        p, prov = practice.provider, b.pname[practice.provider]
        key = f"{p}/{practice.slug}"
        explanation = _sentence(
            f"{_quote(practice.title)} is {prov} best practice {practice.number:02d}: "
            f"{practice.text}", _practice_picture(b, practice))
        tags = (("provider", p), ("topic", practice.slug), ("practice", key))
        described = b.mask(practice.text, [practice.title])
        title_masked, text_masked = b.mask(practice.title), b.mask(practice.text)
        if described:
            b.add(_Spec(
                kind="practice", card_key=f"practice:{key}:title",
                prompt=(f"Which {prov} best practice does this describe? "
                        f"{_quote(described)}"),
                answers=(practice.title,), choose=1,
                distractors=(tuple(x.title for x in by_provider[p] if x is not practice),),
                size=SINGLE_OPTIONS, explanation=explanation, hub_url=practice.url, tags=tags,
                family=f"practice:{key}", providers=frozenset((p,)),
            ))
        if title_masked and text_masked:
            b.add(_Spec(
                kind="practice", card_key=f"practice:{key}:provider",
                prompt=(f"Whose Well-Architected best practices include "
                        f"{_quote(title_masked)}: "
                        f"{_quote(text_masked)}?"),
                answers=(prov,), choose=1,
                distractors=(tuple(n for q, n in b.pname.items() if q != p),),
                size=min(SINGLE_OPTIONS, len(b.pname)), explanation=explanation,
                hub_url=practice.url, tags=tags, family=f"practice:{key}",
                providers=frozenset((p,)),
            ))
        # Which pillar it serves — unless its title already says so ("Cost Optimization").
        if practice.pillar and not (b.stems(practice.title) & b.stems(practice.pillar)):
            b.add(_Spec(
                kind="pillar", card_key=f"pillar:practice:{key}",
                prompt=(f"Which Well-Architected pillar does the "
                        f"{prov} best practice {_quote(practice.title)} mainly serve?"),
                answers=(practice.pillar,), choose=1,
                distractors=(tuple(v for v in vocab if _fold(v) != _fold(practice.pillar)),),
                size=SINGLE_OPTIONS,
                explanation=_sentence(f"{_quote(practice.title)}: {practice.text}",
                                      _practice_picture(b, practice)),
                hub_url=practice.url,
                tags=(("provider", p), ("topic", _slug(practice.pillar)), ("practice", key)),
                family=f"practice:{key}", providers=frozenset((p,)),
            ))


def _pillar_vocabulary(b: Builder) -> list[str]:
    """Pillar names: the practices' pillars plus the items of lists that use those names."""
    vocab = list(dict.fromkeys(x.pillar for x in b.snap.practices if x.pillar))
    folded = {_fold(v) for v in vocab}
    for lst in b.snap.lists:
        if lst.kind == "pillars" and any(_fold(i) in folded for i in lst.items):
            for i in lst.items:
                if _fold(i) not in folded:
                    folded.add(_fold(i))
                    vocab.append(i)
    return vocab
