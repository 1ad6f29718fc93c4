"""Service questions: which provider offers a service, and what kind (category) of service it is.

Both come from the service list; each is skipped when the service's name would give the answer
away (a brand word, a name another cloud also uses, the category in the name).
"""

from __future__ import annotations

from ..types import ServiceFact
from .specs import CATEGORY_DISTANCE, SINGLE_OPTIONS, Builder, _Spec
from .text import _GENERIC, _a, _sentence


def _provider_display(b: Builder, key: str) -> str | None:
    """How to name a service without giving its provider away (None: it cannot be done).

    Not when any of its names matches another provider's service ("VPC"; "Secret Manager"
    ~ "Secrets Manager"); and the name shown must not carry a brand ("Azure Functions") nor
    be a generic phrase contained in another provider's service name, a capability or a
    category ("Functions" ⊂ "Cloud Run functions", "Virtual Machines").
    """
    svc = b.svc(key)
    other = set().union(*(v for p, v in b.stems_by_provider.items() if p != svc.provider))
    if any(b.stems(n) in other for n in (svc.name, svc.short_name, *svc.aliases) if n):
        return None
    generic = other | b.generic_stems
    for candidate in (svc.name, svc.short_name):
        if not candidate or b.branded(candidate):
            continue
        stems = b.stems(candidate)
        if stems and not any(stems <= g for g in generic):
            return candidate
    return None


def build(b: Builder) -> None:
    for key, svc in b.snap.services.items():
        prov, cat_name = b.pname[svc.provider], b.category_name(svc.category)
        explanation = _sentence(
            f"{svc.name} is {_a(prov)} service in the {cat_name} category: "
            f"{svc.summary.rstrip('.')}.", b.service_picture(key), b.former([key]))
        tags = (("provider", svc.provider), ("category", svc.category), ("topic", key),
                ("service", key))
        display = _provider_display(b, key)
        if display is not None:
            b.add(_Spec(
                kind="provider", card_key=f"provider:{key}",
                prompt=f"{display} is offered by which provider?",
                answers=(prov,), choose=1,
                distractors=(tuple(n for p, n in b.pname.items() if p != svc.provider),),
                size=min(SINGLE_OPTIONS, len(b.pname)), explanation=explanation,
                hub_url=svc.url, tags=tags, family=f"service:{key}",
                providers=frozenset((svc.provider,)),
            ))
        _category_question(b, key, svc, explanation, tags)


def _category_question(b: Builder, key: str, svc: ServiceFact, explanation: str,
                       tags: tuple[tuple[str, str], ...]) -> None:
    """ "What kind of service is Amazon DynamoDB?"

    Skipped when the name gives the category away ("Cloud Storage" → Storage). Categories of
    the service's capabilities are never distractors (Cloud Run is serverless *and* runs
    containers).
    """
    name_stems = set().union(*b.name_stems[key]) if b.name_stems[key] else set()
    if name_stems & (b.stems(b.category_name(svc.category)) - _GENERIC):
        return
    own = {svc.category, *(c.category for c in b.caps_of.get(key, []))}
    tiers: list[list[str]] = [[] for _ in range(CATEGORY_DISTANCE + 1)]
    for slug, name in b.snap.categories.items():
        d = b.distance(slug, [svc.category])
        if slug not in own and d <= CATEGORY_DISTANCE:
            tiers[d].append(name)
    b.add(_Spec(
        kind="category", card_key=f"category:{key}",
        prompt=f"What kind of service is {b.subject(key)}?",
        answers=(b.category_name(svc.category),), choose=1,
        distractors=tuple(tuple(t) for t in tiers), size=SINGLE_OPTIONS,
        explanation=explanation, hub_url=svc.url, tags=tags, family=f"service:{key}",
        providers=frozenset((svc.provider,)),
    ))
