"""Equivalence questions, from the capability rows: which service of one cloud matches another's.

"Which Azure service is the equivalent of AWS Lambda?" for every ordered pair of providers and
every source service, "Which TWO GCP services ...? (Choose two)" where a provider lists several,
and the NOT forms ("Which of these is NOT an equivalent of AWS Lambda on Azure or GCP?").
"""

from __future__ import annotations

from ..types import CapabilityFact
from .specs import (
    MULTI_OPTIONS,
    NUMBER_WORDS,
    SERVICE_DISTANCE,
    SINGLE_OPTIONS,
    Builder,
    _Spec,
)
from .text import _join, _sentence


def build(b: Builder) -> None:
    for cap in b.snap.capabilities:
        for src_p in b.pname:
            for src in cap.services.get(src_p, ()):
                for dst_p in b.pname:
                    if dst_p != src_p and cap.services.get(dst_p):
                        _equivalent_of(b, cap, src, dst_p)
                _not_equivalent(b, cap, src)
        for p in b.pname:
            _capability_members(b, cap, p)
            _capability_not(b, cap, p)


def _about(b: Builder, cap: CapabilityFact, src: str) -> str:
    """Name the capability when the service has several (Pub/Sub: queue, topics, streams)."""
    return f" for {cap.name}" if len(b.caps_of.get(src, [])) > 1 else ""


def _equivalent_of(b: Builder, cap: CapabilityFact, src: str, dst_p: str) -> None:
    """ "Which Azure service is the equivalent of AWS Lambda?" (one per source service)."""
    targets = cap.services[dst_p]
    src_p, dst = b.svc(src).provider, b.pname[dst_p]
    about = _about(b, cap, src)
    multi = 2 <= len(targets) <= max(NUMBER_WORDS)
    names = tuple(b.name(k) for k in targets)
    if multi:
        n = len(targets)
        prompt = (f"Which {NUMBER_WORDS[n].upper()} {dst} services are equivalents of "
                  f"{b.subject(src)}{about}? (Choose {NUMBER_WORDS[n]})")
        lead = f"{dst} lists both {_join(names)} for {cap.name}."
    elif len(targets) == 1:
        prompt = f"Which {dst} service is the equivalent of {b.subject(src)}{about}?"
        lead = ""
    else:
        prompt = f"Which {dst} service is an equivalent of {b.subject(src)}{about}?"
        lead = f"{dst} lists {_join(names)} for {cap.name}."
    b.add(_Spec(
        kind="equivalence", card_key=f"equivalence:{cap.slug}:{src}>{dst_p}",
        prompt=prompt, answers=names, choose=len(targets) if multi else 1,
        distractors=b.service_tiers(dst_p, [cap.category], targets,
                                    b.equivalents(src, dst_p) | set(targets)),
        size=MULTI_OPTIONS if multi else SINGLE_OPTIONS,
        explanation=_sentence(lead, b.picture(cap, dst_p), b.former([src, *targets])),
        hub_url=cap.url,
        tags=(("provider", dst_p), ("category", cap.category), ("topic", cap.slug),
              ("capability", cap.slug), ("service", src), ("from", src_p),
              ("form", "multi" if multi else "single")),
        family=f"equivalence:{cap.slug}:{dst_p}", providers=frozenset((src_p, dst_p)),
    ))


def _not_equivalent(b: Builder, cap: CapabilityFact, src: str) -> None:
    """ "Which of these is NOT an equivalent of AWS Lambda on Azure or GCP?"

    The three shown equivalents come from the capability row; the odd one out is a service
    of one of those providers, in the same or a neighbouring category, that shares no
    capability with the source service (so it is no equivalent by another row either).
    """
    src_p = b.svc(src).provider
    targets = [p for p in b.pname if p != src_p and cap.services.get(p)]
    members = [k for p in targets for k in cap.services[p]]
    if len(members) < SINGLE_OPTIONS - 1:
        return
    tiers: list[list[str]] = [[] for _ in range(SERVICE_DISTANCE + 1)]
    for p in targets:
        found = b.service_tiers(p, [cap.category], cap.services[p], b.equivalents(src, p))
        for d, tier in enumerate(found):
            tiers[d].extend(tier)
    # Options from two clouds carry their provider: "Identity and Access Management (GCP)".
    label = {b.name(k): b.subject(k) for p in targets for k in b.by_provider[p]}
    outsiders = tuple(label[n] for n in next((t for t in tiers if t), ()))
    where = _join([b.pname[p] for p in targets], "or")
    b.add(_Spec(
        kind="equivalence", card_key=f"equivalence-not:{cap.slug}:{src}",
        prompt=(f"Which of these is NOT an equivalent of {b.subject(src)}"
                f"{_about(b, cap, src)} on {where}?"),
        answers=outsiders, choose=1, distractors=(tuple(b.subject(k) for k in members),),
        size=SINGLE_OPTIONS,
        explanation=_sentence(b.picture(cap, src_p), b.former([src, *members])),
        hub_url=cap.url,
        tags=(("provider", src_p), ("category", cap.category), ("topic", cap.slug),
              ("capability", cap.slug), ("service", src), ("form", "not")),
        family=f"equivalence-not:{cap.slug}", providers=frozenset((src_p, *targets)),
        notes=tuple((label[name], note) for name, note in
                    b.outsider_notes([n for n, lab in label.items() if lab in outsiders],
                                     targets)),
    ))


def _capability_members(b: Builder, cap: CapabilityFact, p: str) -> None:
    """ "Which TWO Google Cloud services are offered for Managed PostgreSQL? (Choose two)"."""
    targets = cap.services.get(p, ())
    if not 2 <= len(targets) <= max(NUMBER_WORDS):
        return
    n, prov = len(targets), b.pname[p]
    names = tuple(b.name(k) for k in targets)
    b.add(_Spec(
        kind="equivalence", card_key=f"capability:{cap.slug}:{p}",
        prompt=(f"Which {NUMBER_WORDS[n].upper()} {prov} services are offered for "
                f"{cap.name}? (Choose {NUMBER_WORDS[n]})"),
        answers=names, choose=n,
        distractors=b.service_tiers(p, [cap.category], targets, set(targets)),
        size=MULTI_OPTIONS,
        explanation=_sentence(f"{prov} offers both {_join(names)} for {cap.name}.",
                              b.picture(cap, p), b.former(targets)),
        hub_url=cap.url,
        tags=(("provider", p), ("category", cap.category), ("topic", cap.slug),
              ("capability", cap.slug), ("form", "multi")),
        family=f"equivalence:{cap.slug}:{p}", providers=frozenset((p,)),
    ))


def _capability_not(b: Builder, cap: CapabilityFact, p: str) -> None:
    """ "Which of these is NOT a GCP service for X?" — needs three real members to show."""
    targets = cap.services.get(p, ())
    if len(targets) < SINGLE_OPTIONS - 1:
        return
    tiers = b.service_tiers(p, [cap.category], targets, set(targets))
    outsiders = next((t for t in tiers if t), ())
    prov = b.pname[p]
    names = tuple(b.name(k) for k in targets)
    b.add(_Spec(
        kind="equivalence", card_key=f"capability-not:{cap.slug}:{p}",
        prompt=f"Which of these is NOT a {prov} service for {cap.name}?",
        answers=outsiders, choose=1, distractors=(names,), size=SINGLE_OPTIONS,
        explanation=_sentence(
            f"{_join(names)} are {prov}'s services for {cap.name}.",
            b.picture(cap, p), b.former(targets)),
        hub_url=cap.url,
        tags=(("provider", p), ("category", cap.category), ("topic", cap.slug),
              ("capability", cap.slug), ("form", "not")),
        family=f"equivalence:{cap.slug}:{p}", providers=frozenset((p,)),
        notes=b.outsider_notes(outsiders, [p]),
    ))
