"""Scenario items built from decision facts, with a key the engine proves.

"A logistics company is building … The solution must … Which AWS service meets these
requirements with the LEAST operational overhead?"

For a decision group, a provider and a *key* service of one of the group's rows:

1. every fact of the key that has a requirement phrase becomes a candidate *requirement*
   (an enum or set value it has, a true/false, a number at least / at most its own);
2. requirements are chosen greedily so that the other services of the group on that provider
   fail at least one of them (a value the content records; an unknown value proves nothing);
3. the *need* of the key's row (its description) is a requirement too: services of the same
   provider and a nearby category that the content lists in none of the key's rows fail it;
4. options are the key and three services that each fail a named requirement, all of one
   provider; the item is dropped when it cannot be built honestly (too few provable
   distractors, a word of the key that the stem would give away).

Every option carries its reason: which requirement the key meets with which fact, which one a
distractor fails and why, with the fact's source. ``migration`` items frame the same proof as a
move between clouds; ``design`` items ask which service fills a node of a reference
architecture. Pure: the snapshot in, specs out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..types import CapabilityFact, DecisionGroupFact
from .proof import (
    LEAST_OVERHEAD,
    ORGANISATIONS,
    PROVIDER_NAMES,
    QUESTIONS,
    QUESTIONS_MULTI,
    SITUATIONS,
    VARIANTS,
    Requirement,
    Scenarios,
    _need,
    _not_the_need,
    _pick,
    _spec,
    candidate_requirements,
    lower_first,
    lower_name,
)
from .specs import SINGLE_OPTIONS, Builder, _Spec

# ----------------------------------------------------------------------------- scenarios


def _items_for(sc: Scenarios, group: DecisionGroupFact, provider: str, key: str
               ) -> Iterable[_Spec]:
    b = sc.b
    row = sc.row_of(group, key)
    if row is None:
        return
    pool = [k for k in sc.members.get((group.slug, provider), []) if k != key]
    reqs = _not_the_need(candidate_requirements(group, b.snap.facts[(group.slug, key)]), row)
    if not reqs:
        return
    made: set[tuple[str, ...]] = set()
    for variant in range(VARIANTS):
        chosen = sc.choose(key, reqs, pool, group.slug, variant)
        if not chosen:
            break
        ident = tuple(sorted(r.ident for r in chosen))
        if ident in made:
            continue
        made.add(ident)
        overhead = sc.overhead(group.slug, key, pool)
        all_reqs = [*chosen, *([overhead] if overhead else [])]
        meets_all = [d for d in pool if all(r.test(sc.facts(group.slug, d)) for r in all_reqs)]
        failing = [d for d in pool if any(r.test(sc.facts(group.slug, d)) is False
                                          for r in all_reqs)]
        # prefer distractors that fail exactly one requirement (the near misses)
        failing.sort(key=lambda d: (sum(r.test(sc.facts(group.slug, d)) is False
                                        for r in all_reqs), d))
        need = _need(row)
        for multi in (False, True):
            keys = [key]
            if multi:  # exactly one other service meets everything: "Choose two"
                if len(meets_all) != 1 or variant or b.related(key, meets_all[0]):
                    continue
                keys = [key, meets_all[0]]
            want = SINGLE_OPTIONS - 1
            distractors = failing[:want]
            if len(distractors) < want:
                if not need:
                    continue
                distractors += sc.pick_failers(key, row, {key, *pool, *distractors},
                                               want - len(distractors), f"{key}|{variant}")
            if len(distractors) < want:
                continue
            org = _pick(ORGANISATIONS, key, str(variant), str(multi))
            pname = PROVIDER_NAMES.get(provider, b.pname[provider])
            situation = _pick(SITUATIONS, key, group.slug, str(variant)).format(P=pname)
            facts_text = " ".join(r.phrase for r in chosen)
            qualifier = LEAST_OVERHEAD if overhead and not multi else ""
            question = (_pick(QUESTIONS_MULTI, key, str(variant)) if multi
                        else _pick(QUESTIONS, key, str(variant), row.slug)).format(
                            P=pname, q=qualifier)
            stem = " ".join(filter(None, [f"{org} {situation}", need, facts_text, question]))
            if sc.leaks(stem, keys, [*keys, *distractors]):
                continue
            kind = "scenario-multi" if multi else "scenario"
            ident_text = "+".join(ident)
            yield _spec(sc, kind=kind, item=f"{kind}:{group.slug}:{'+'.join(keys)}:{ident_text}",
                        # one card per fact: the key and the requirement the variant leads
                        # with (variants start from a different one); a draw still prefers
                        # a key not yet asked about (the family) before a second fact of it
                        card=f"scenario:{group.slug}:{'+'.join(sorted(keys))}:"
                             f"{chosen[0].facet.key}",
                        keys=keys, distractors=distractors, reqs=all_reqs, group=group.slug,
                        row=row, stem=stem, provider=provider, family=f"fact:{key}")


def build(b: Builder) -> None:
    sc = Scenarios(b)
    for group in b.snap.groups:
        for provider in b.pname:
            for key in sorted(sc.members.get((group.slug, provider), [])):
                for spec in _items_for(sc, group, provider, key):
                    b.add(spec)


# ----------------------------------------------------------------------------- migrations


def build_migrations(b: Builder) -> None:
    """ "A team moves a workload from AWS to Azure … which Azure service replaces X?" """
    sc = Scenarios(b)
    for group in b.snap.groups:
        for provider in b.pname:
            for key in sorted(sc.members.get((group.slug, provider), [])):
                row = sc.row_of(group, key)
                if row is None:
                    continue
                pool = [k for k in sc.members.get((group.slug, provider), []) if k != key]
                reqs = _not_the_need(
                    candidate_requirements(group, b.snap.facts[(group.slug, key)]), row)
                variants = [sc.choose(key, reqs, pool, group.slug, v) for v in (0, 1)]
                variants = [c for i, c in enumerate(variants)
                            if c and c not in variants[:i]] or [[]]
                for source_p in b.pname:
                    if source_p == provider:
                        continue
                    for n, source in enumerate(row.services.get(source_p, ())[:3]):
                        # a second requirement set for the first source of each cloud
                        for chosen in variants[:2 if n == 0 else 1]:
                            spec = _migration(sc, group, provider, key, row, pool, chosen,
                                              source)
                            if spec is not None:
                                b.add(spec)


def _migration(sc: Scenarios, group: DecisionGroupFact, provider: str, key: str,
               row: CapabilityFact, pool: list[str], chosen: list[Requirement],
               source: str) -> _Spec | None:
    b = sc.b
    failing = [d for d in pool if any(r.test(sc.facts(group.slug, d)) is False for r in chosen)]
    if any(all(r.test(sc.facts(group.slug, d)) for r in chosen) for d in pool) and not chosen:
        return None
    distractors = failing[:SINGLE_OPTIONS - 1]
    fill = [o for o in sc.need_failers(key, row, {key, *pool}) if o not in distractors]
    distractors += fill[:SINGLE_OPTIONS - 1 - len(distractors)]
    if len(distractors) < SINGLE_OPTIONS - 1:
        return None
    src = b.svc(source)
    pname = PROVIDER_NAMES.get(provider, b.pname[provider])
    sname = PROVIDER_NAMES.get(src.provider, b.pname[src.provider])
    org = _pick(ORGANISATIONS, key, source)
    need = row.description.strip().rstrip(".")
    stem = " ".join(filter(None, [
        f"{org} is moving a workload from {sname} to {pname}.",
        f"On {sname}, the workload uses {src.name} to {lower_first(need)}." if need
        else f"On {sname}, the workload uses {src.name}.",
        ("The replacement must also meet these requirements. " + " ".join(
            r.phrase for r in chosen)) if chosen else "",
        f"Which {pname} service should take over this role?"]))
    if sc.leaks(stem, [key], [key, *distractors]):
        return None
    ident = "+".join(sorted(r.ident for r in chosen))
    return _spec(sc, kind="migration", item=f"migration:{group.slug}:{source}>{key}:{ident}",
                 card=f"migration:{source}>{key}", keys=[key], distractors=distractors,
                 reqs=chosen, group=group.slug, row=row, stem=stem, provider=provider,
                 family=f"fact:{key}", extra_tags=(("from", src.provider),))


# ----------------------------------------------------------------------------- design


def build_designs(b: Builder) -> None:
    """ "In a three-tier design, the data tier … Which Azure service fills it?" """
    sc = Scenarios(b)
    for arch in b.snap.architectures:
        for node_id, label, text, cap_slug in arch.nodes:
            row = sc.caps.get(cap_slug)
            if row is None:
                continue
            for provider in b.pname:
                keys = [k for k in row.services.get(provider, ()) if b.svc(k).current][:1]
                if not keys:
                    continue
                key = keys[0]
                # the row's other services on this provider are right too: never options
                distractors = sc.pick_failers(key, row, set(row.services.get(provider, ())),
                                              SINGLE_OPTIONS - 1,
                                              f"{arch.slug}|{node_id}|{provider}")
                if len(distractors) < SINGLE_OPTIONS - 1:
                    continue
                pname = PROVIDER_NAMES.get(provider, b.pname[provider])
                org = _pick(ORGANISATIONS, arch.slug, node_id, provider)
                # "Application tier: stateless services…" → "stateless services…"
                role = re.sub(r"^[^:.]{1,40}:\s+", "", text.strip()).rstrip(".")
                pattern = lower_name(arch.title).replace(" architecture", "")
                article = "an" if pattern[:1].lower() in "aeio" else "a"
                stem = (f"{org} is implementing {article} {pattern} "
                        f"architecture on {pname}. One component of the design is the "
                        f"{lower_name(label)}: {lower_first(role)}. "
                        f"Which {pname} service should fill this role?")
                if sc.leaks(stem, [key], [key, *distractors]):
                    continue
                group = next((g.slug for g in b.snap.groups if row.slug in g.capabilities), "")
                b.add(_spec(sc, kind="design", item=f"design:{arch.slug}:{node_id}:{provider}",
                            card=f"design:{arch.slug}:{node_id}:{provider}", keys=[key],
                            distractors=distractors, reqs=[], group=group, row=row, stem=stem,
                            provider=provider, family=f"fact:{key}",
                            extra_tags=(("architecture", arch.slug),)))
