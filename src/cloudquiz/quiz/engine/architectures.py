"""Architecture questions: which architecture lists an advantage, limitation or use case, and
which component or capability card of an architecture a text describes.
"""

from __future__ import annotations

from ..types import ArchitectureFact
from .specs import SINGLE_OPTIONS, Builder, _Spec
from .text import _GENERIC, _fold, _join, _quote, _sentence, _slug


def _architecture_picture(b: Builder, arch: ArchitectureFact) -> str:
    """ "Across the clouds, its diagram's API Gateway / Management is Amazon API Gateway,
    Azure API Management or Apigee API Management (GCP)." (two diagram nodes at most)"""
    caps = {c.slug: c for c in b.snap.capabilities}
    parts = []
    for slug in arch.capabilities:
        cap = caps.get(slug)
        if cap is None:
            continue
        names = []
        for p, keys in cap.services.items():
            if keys:
                label = " / ".join(b.name(k) for k in keys)
                if not b.branded(label, [p]):
                    label += f" ({b.pname[p]})"
                names.append(label)
        if len(names) >= 2:
            parts.append(f"{cap.name} is {_join(names, 'or')}")
        if len(parts) == 2:
            break
    return ("Across the clouds, its diagram's " + "; its ".join(parts) + ".") if parts else ""


def build(b: Builder) -> None:
    archs = b.snap.architectures
    for arch in archs:
        picture = _architecture_picture(b, arch)
        tags = (("topic", arch.slug), ("architecture", arch.slug))
        summary = arch.summary.split(". ")[0].rstrip(".") + "."
        for field, label in (("advantages", "advantage"), ("limitations", "limitation"),
                             ("use_cases", "use case")):
            for text in getattr(arch, field):
                owners = sum(_fold(text) in {_fold(t) for t in getattr(a, field)}
                             for a in archs)
                if owners > 1:
                    continue  # listed by two architectures: no single right answer
                if field == "use_cases":
                    prompt = (f"Which architecture pattern suits this use case: "
                              f"{_quote(text)}?")
                    said = f"{_quote(text)} is one of the {arch.title}'s use cases."
                else:
                    prompt = f"Which architecture lists this {label}: {_quote(text)}?"
                    said = f"The {arch.title} lists this among its {field}."
                b.add(_Spec(
                    kind="architecture",
                    card_key=f"architecture:{arch.slug}:{_slug(label)}:{_slug(text)}",
                    prompt=prompt, answers=(arch.title,), choose=1,
                    distractors=_architecture_tiers(b, arch, field, text),
                    size=SINGLE_OPTIONS, explanation=_sentence(said, summary, picture),
                    hub_url=arch.url, tags=tags,
                    family=f"architecture:{arch.slug}:{_slug(label)}:{_slug(text)}",
                    providers=frozenset(),
                ))
        for field, label in (("components", "component"), ("cards", "capability")):
            items = getattr(arch, field)
            if len(items) < 2:
                continue
            for title, text in items:
                b.add(_Spec(
                    kind="architecture",
                    card_key=f"architecture:{arch.slug}:{label}:{_slug(title)}",
                    prompt=(f"In a {arch.title}, which {label} is this? "
                            f"{_quote(b.mask(text, [title]))}"),
                    answers=(title,), choose=1,
                    distractors=_part_tiers(b, arch, field, title),
                    size=SINGLE_OPTIONS,
                    explanation=_sentence(f"{title}: {text}", summary, picture),
                    hub_url=arch.url, tags=tags,
                    family=f"architecture:{arch.slug}:{label}:{_slug(title)}",
                    providers=frozenset(),
                ))


def _architecture_tiers(b: Builder, arch: ArchitectureFact, field: str,
                        text: str) -> tuple[tuple[str, ...], ...]:
    """Other architectures that list the same kind of fact, same group or kind first.

    For a use case, an architecture whose title, summary or use cases share a word with it
    is never a distractor ("Order Processing" would fit the e-commerce platform too).
    """
    words = b.stems(text) - _GENERIC if field == "use_cases" else frozenset()
    same, other = [], []
    for a in b.snap.architectures:
        if a is arch or not getattr(a, field):
            continue
        if words and words & b.stems(" ".join((a.title, a.summary, *a.use_cases))):
            continue
        (same if a.group == arch.group or a.kind == arch.kind else other).append(a.title)
    return (tuple(same), tuple(other))


def _part_tiers(b: Builder, arch: ArchitectureFact, field: str,
                title: str) -> tuple[tuple[str, ...], ...]:
    """The architecture's other components first, then those of its group or kind."""
    own = tuple(t for t, _ in getattr(arch, field) if t != title)
    own_folded = {_fold(t) for t, _ in getattr(arch, field)}
    group = tuple(dict.fromkeys(
        t for a in b.snap.architectures
        if a is not arch and (a.group == arch.group or a.kind == arch.kind)
        for t, _ in getattr(a, field) if _fold(t) not in own_folded))
    return (own, group)
