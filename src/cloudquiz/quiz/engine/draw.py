"""Drawing quizzes from the specs: the memoised index, the random draw, practice and exam samples.

:func:`_index` builds a snapshot's specs once (every family in a fixed order, so card keys and
spec order never depend on anything but the content) and indexes them by exam topic.
:func:`_materialize` is the only place that turns a spec into a :class:`Question`: it draws the
distractors and shuffles the options, so a seed always gives the same quiz.
"""

from __future__ import annotations

import math
import random
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..types import KINDS, SCENARIO_KINDS, ContentSnapshot, ExamFact, Question
from . import architectures, equivalence, pillars, practices, scenarios, services
from .specs import KIND_LABELS, Builder, _Spec
from .text import _fold

# The question families, in the order their specs are built (it fixes the order of
# ``all_questions`` and the spec ids every draw works on).
FAMILIES: tuple[Callable[[Builder], None], ...] = (
    scenarios.build, scenarios.build_migrations, scenarios.build_designs,
    equivalence.build, services.build, practices.build, pillars.build, architectures.build)


def _build(snap: ContentSnapshot) -> tuple[_Spec, ...]:
    builder = Builder(snap)
    for family in FAMILIES:
        family(builder)
    return tuple(builder.specs)


@dataclass(frozen=True)
class _Index:
    specs: tuple[_Spec, ...]
    by_topic: dict[str, tuple[int, ...]]
    # (topic, exam provider, multi allowed) -> spec ids by rank (see ``_rank``); filled lazily
    ranked: dict[tuple[str, str, bool], tuple[tuple[int, ...], ...]]
    # (exam, multi allowed) -> per domain, its tasks with the ids that serve them; filled lazily
    pools: dict[tuple[ExamFact, bool], tuple[tuple[tuple[str, tuple[int, ...]], ...], ...]] = \
        field(default_factory=dict)


# Keyed by the content version: two snapshots of one version hold the same content (the version
# is a hash of the seed), so apps of one process share the specs; equality is checked on a hit.
_memo: dict[str, tuple[ContentSnapshot, _Index]] = {}
_memo_lock = threading.Lock()


def _topics(spec: _Spec) -> list[str]:
    """The exam-domain topics a spec answers to: kind, category, architecture, provider."""
    topics = [f"kind:{spec.kind}"]
    for tag in ("category", "architecture", "provider"):
        value = spec.tag(tag)
        if value:
            topics.append(f"{tag}:{value}")
    return topics


def prepare(snapshot: ContentSnapshot) -> None:
    """Build the snapshot's question specs now (they are memoised per snapshot object)."""
    _index(snapshot)


def _index(snap: ContentSnapshot) -> _Index:
    """The specs of a snapshot, built once: snapshots are immutable and cached upstream."""
    hit = _memo.get(snap.version)
    if hit is not None and hit[0] is snap:
        return hit[1]
    with _memo_lock:
        hit = _memo.get(snap.version)
        if hit is not None and (hit[0] is snap or hit[0] == snap):
            _memo[snap.version] = (snap, hit[1])  # the next lookup is an identity check
            return hit[1]
        specs = _build(snap)
        by_topic: dict[str, list[int]] = {}
        for i, spec in enumerate(specs):
            for topic in _topics(spec):
                by_topic.setdefault(topic, []).append(i)
        index = _Index(specs, {t: tuple(ids) for t, ids in by_topic.items()}, {})
        while len(_memo) >= 4:
            _memo.pop(next(iter(_memo)))
        _memo[snap.version] = (snap, index)
    return index


def _materialize(spec: _Spec, rng: random.Random, domain: str = "") -> Question:
    answers = list(spec.answers)
    correct = rng.sample(answers, spec.choose) if len(answers) > spec.choose else answers
    need = spec.size - spec.choose
    picked: list[str] = []
    for tier in spec.distractors:
        take = min(need - len(picked), len(tier))
        if take <= 0:
            break
        picked.extend(rng.sample(tier, take))
    options = correct + picked
    rng.shuffle(options)
    right = {_fold(c) for c in correct}
    explanation = spec.explanation
    if spec.notes:
        said = [note for option, note in spec.notes if _fold(option) in right]
        explanation = " ".join([*said, explanation])
    reasons = {_fold(o): why for o, why in spec.rationale}
    return Question(
        kind=spec.kind, card_key=spec.card_key, prompt=spec.prompt, options=tuple(options),
        correct=tuple(i for i, o in enumerate(options) if _fold(o) in right),
        explanation=explanation, hub_url=spec.hub_url, domain=domain,
        tags=dict(spec.tags),
        rationale=tuple(reasons.get(_fold(o), "") for o in options) if reasons else (),
        sources=spec.sources,
    )


class _Draw:
    """Random draws without replacement from tiers of spec ids (best tier first).

    A draw skips cards already used and prefers a family not yet used; each draw costs about
    O(1) (a random start, then the first fitting id), so an exam never sorts whole pools.
    """

    def __init__(self, tiers: Iterable[Sequence[int]]) -> None:
        self.tiers = [list(t) for t in tiers]

    def take(self, rng: random.Random, specs: Sequence[_Spec], used: set[str],
             families: set[str], max_tier: int = 99) -> int | None:
        for level, tier in enumerate(self.tiers):
            if level > max_tier:
                break
            fallback = -1
            start = rng.randrange(len(tier)) if tier else 0
            pos = 0
            while pos < len(tier):
                j = (start + pos) % len(tier)
                spec = specs[tier[j]]
                if spec.card_key in used:
                    tier[j] = tier[-1]
                    tier.pop()
                    if fallback == len(tier):
                        fallback = j
                    continue
                if spec.family not in families:
                    i = tier[j]
                    tier[j] = tier[-1]
                    tier.pop()
                    return i
                if fallback < 0:
                    fallback = j
                pos += 1
            if 0 <= fallback < len(tier):
                i = tier[fallback]
                tier[fallback] = tier[-1]
                tier.pop()
                return i
        return None


# ----------------------------------------------------------------------------- public API


def all_questions(snapshot: ContentSnapshot, rng: random.Random) -> list[Question]:
    """Every question the content supports, in a fixed order, options shuffled by ``rng``."""
    return [_materialize(spec, rng, KIND_LABELS.get(spec.kind, spec.kind))
            for spec in _index(snapshot).specs]


def _matches(spec: _Spec, providers: frozenset[str] | None, categories: frozenset[str] | None,
             kinds: frozenset[str] | None) -> bool:
    if kinds is not None and spec.kind not in kinds:
        return False
    if providers is not None and not (spec.providers & providers):
        return False
    return categories is None or spec.tag("category") in categories


def practice_questions(snapshot: ContentSnapshot, rng: random.Random, *,
                       providers: frozenset[str] | None = None,
                       categories: frozenset[str] | None = None,
                       kinds: frozenset[str] | None = None, count: int = 10,
                       avoid: frozenset[str] = frozenset()) -> list[Question]:
    """A balanced sample of at most ``count`` questions matching the filters (None = all),
    none of whose cards is in ``avoid`` (the cards of an exam in progress: practice must not
    show their right answers before that exam is submitted).

    A question matches ``providers`` when it involves one of them (an equivalence question
    involves both clouds it connects; architecture questions involve none). It matches
    ``categories`` through its tag "category" (questions about practices, pillars and
    architectures have none). The sample goes round the kinds and, within a kind, round the
    providers; it never repeats a card, avoids two questions on the same fact family while it
    can, and is shorter than ``count`` only when fewer questions match.
    """
    if count <= 0:
        return []
    specs = _index(snapshot).specs
    buckets: dict[str, dict[str, list[int]]] = {}
    for i, spec in enumerate(specs):
        if _matches(spec, providers, categories, kinds):
            buckets.setdefault(spec.kind, {}).setdefault(spec.tag("provider"), []).append(i)
    kind_order = [k for k in KINDS if k in buckets] + sorted(set(buckets) - set(KINDS))
    rng.shuffle(kind_order)
    draws: dict[str, list[_Draw]] = {}
    for kind in kind_order:
        order = sorted(buckets[kind])
        rng.shuffle(order)
        draws[kind] = [_Draw([buckets[kind][p]]) for p in order]
    turn = dict.fromkeys(kind_order, 0)
    used: set[str] = set(avoid)
    families: set[str] = set()
    chosen: list[int] = []
    while len(chosen) < count:
        progressed = False
        for kind in kind_order:
            if len(chosen) >= count:
                break
            per_provider = draws[kind]
            for _ in range(len(per_provider)):
                draw = per_provider[turn[kind] % len(per_provider)]
                turn[kind] += 1
                i = draw.take(rng, specs, used, families)
                if i is not None:
                    chosen.append(i)
                    used.add(specs[i].card_key)
                    families.add(specs[i].family)
                    progressed = True
                    break
        if not progressed:
            break
    rng.shuffle(chosen)
    return [_materialize(specs[i], rng, KIND_LABELS.get(specs[i].kind, specs[i].kind))
            for i in chosen]


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder rounding of ``total`` over ``weights`` (ties: earlier domain first)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights, weight_sum = [1.0] * len(weights), float(len(weights))
    quotas = [total * w / weight_sum for w in weights]
    counts = [math.floor(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


# Real exams that allow multiple-response items carry about one in ten (SAA-C03-style items:
# 12 % "choose two/three", /work/shared/facts/item-writing.md); an exam draws that many when
# its pools hold them.
MULTI_SHARE = 0.1
_MULTI_ITEM = re.compile(r"\bmulti(?:ple)?[- ]?(?:response|select)", re.IGNORECASE)


def _allows_multi(exam: ExamFact) -> bool:
    """Multiple response ("Multiple response", "Multi-select", "Multiple select") allowed?"""
    return not exam.item_types or any(_MULTI_ITEM.search(t) for t in exam.item_types)


def _serves(spec: _Spec, topics: Sequence[str]) -> bool:
    """Does the item test one of ``topics`` ("group:x", "capability:y", "category:z",
    "kind:k", "architecture:a", "provider:p")?"""
    for topic in topics:
        what, _, value = topic.partition(":")
        if what == "kind":
            if spec.kind == value:
                return True
        elif spec.tag(what) == value:
            return True
    return False


@dataclass(frozen=True)
class DomainPlan:
    """How well the bank covers one exam domain."""

    name: str
    share: int  # questions the official weight gives it
    tasks: tuple[tuple[str, str, int], ...]  # (task id, text, items that serve it)
    pool: int  # distinct facts (cards) available to the domain

    @property
    def covered(self) -> int:
        return sum(1 for _, _, n in self.tasks if n)

    @property
    def fillable(self) -> int:
        return min(self.share, self.pool)


def _eligible(spec: _Spec, exam: ExamFact, multi: bool) -> bool:
    """Exam simulations ask scenario items about the exam's provider only."""
    return (spec.kind in SCENARIO_KINDS and spec.tag("provider") == exam.provider
            and (multi or spec.choose == 1))


def _domain_pools(index: _Index, exam: ExamFact, multi: bool
                  ) -> tuple[tuple[tuple[str, tuple[int, ...]], ...], ...]:
    """For each domain, its tasks with the ids of the items that serve them (worked out once
    per exam and snapshot: every draw of that exam reads the same pools)."""
    hit = index.pools.get((exam, multi))
    if hit is not None:
        return hit
    eligible = [(i, s) for i, s in enumerate(index.specs) if _eligible(s, exam, multi)]
    out = []
    for domain in exam.domains:
        tasks = [(t.id, list(t.topics)) for t in domain.tasks] or [("", list(domain.topics))]
        out.append(tuple((tid, tuple(i for i, s in eligible if topics and _serves(s, topics)))
                         for tid, topics in tasks))
    pools = index.pools[(exam, multi)] = tuple(out)
    return pools


def exam_plan(snapshot: ContentSnapshot, exam_slug: str) -> tuple[DomainPlan, ...]:
    """What an exam simulation can honestly draw: per domain, its share of the official count,
    the task statements the bank covers and the distinct facts it holds."""
    exam = snapshot.exams[exam_slug]
    index = _index(snapshot)
    multi = _allows_multi(exam)
    counts = _apportion(exam.question_count, [d.weight for d in exam.domains])
    plans = []
    for domain, n, tasks in zip(exam.domains, counts, _domain_pools(index, exam, multi),
                                strict=True):
        texts = {t.id: t.text for t in domain.tasks}
        cards = {index.specs[i].card_key for _, ids in tasks for i in ids}
        plans.append(DomainPlan(domain.name, n, tuple(
            (tid, texts.get(tid, ""), len(ids)) for tid, ids in tasks if tid), len(cards)))
    return tuple(plans)


def _fill(rng: random.Random, specs: Sequence[_Spec],
          tasks: Sequence[tuple[str, Sequence[int]]],
          n: int, used: set[str], families: set[str]) -> list[tuple[int, str]]:
    """Up to ``n`` items of one domain, in turn over its task statements, skipping ``used``
    cards (and adding the picked ones to ``used`` and ``families``)."""
    draws = [(tid, _Draw([ids])) for tid, ids in tasks if ids]
    rng.shuffle(draws)
    picked: list[tuple[int, str]] = []
    while len(picked) < n and draws:
        progressed = False
        for tid, draw in draws:
            if len(picked) >= n:
                break
            i = draw.take(rng, specs, used, families)
            if i is not None:
                picked.append((i, tid))
                used.add(specs[i].card_key)
                families.add(specs[i].family)
                progressed = True
        if not progressed:
            break
    return picked


def exam_questions(snapshot: ContentSnapshot, rng: random.Random, exam_slug: str, *,
                   avoid: frozenset[str] = frozenset()) -> list[Question]:
    """Scenario items spread over the exam's domains by their official weights.

    Each domain gets its share of ``question_count`` (weight midpoints, largest-remainder
    rounding) and draws, in turn over its task statements, items that serve them — scenario,
    migration and design items about the exam's provider only (recall items are practice
    warm-ups, never exam items). No fact (card) is asked twice in one attempt. A domain whose
    pool cannot fill its share asks fewer questions (the exam page says so, from
    :func:`exam_plan`) rather than padding with items of other domains. Multiple-response items
    only when the exam's item types allow them. ``Question.domain`` is the domain's name and the
    tag ``task`` the task statement the item serves. Raises ``KeyError`` for an unknown exam.

    Cards in ``avoid`` (those of the learner's other exams in progress) are drawn only when a
    domain cannot fill its share without them: the official count wins over the preference.
    """
    exam = snapshot.exams[exam_slug]
    index = _index(snapshot)
    specs = index.specs
    multi = _allows_multi(exam)
    counts = _apportion(exam.question_count, [d.weight for d in exam.domains])
    used: set[str] = set()
    families: set[str] = set()
    drawn: list[tuple[str, list[tuple[int, str]], Sequence[tuple[str, Sequence[int]]]]] = []
    for domain, n, tasks in zip(exam.domains, counts, _domain_pools(index, exam, multi),
                                strict=True):
        if avoid:
            preferred = used | avoid
            picked = _fill(rng, specs, tasks, n, preferred, families)
            used.update(specs[i].card_key for i, _ in picked)
            if len(picked) < n:
                picked += _fill(rng, specs, tasks, n - len(picked), used, families)
        else:
            picked = _fill(rng, specs, tasks, n, used, families)
        drawn.append((domain.name, picked, tasks))
    if multi:  # the swap never brings in a card of another exam in progress
        taken = used | avoid
        _mix_in_multiple_response(drawn, specs, taken, rng)
    result: list[Question] = []
    for name, picked, _ in drawn:
        for i, tid in picked:
            q = _materialize(specs[i], rng, name)
            if tid:
                q.tags["task"] = tid
            result.append(q)
    rng.shuffle(result)
    return result


def _mix_in_multiple_response(drawn: list[tuple[str, list[tuple[int, str]],
                                                Sequence[tuple[str, Sequence[int]]]]],
                              specs: Sequence[_Spec], used: set[str],
                              rng: random.Random) -> None:
    """Swap single-answer items for unused multiple-response items of the same domain (the
    same task statement where possible) until :data:`MULTI_SHARE` of the exam is of that type,
    or half of what the pools offer (attempts should differ): the domain counts and the
    no-repeat rule stay as they were."""
    total = sum(len(picked) for _, picked, _ in drawn)
    offers = [(d, i, tid) for d, (_, _, tasks) in enumerate(drawn) for tid, ids in tasks
              for i in ids if specs[i].choose > 1]
    # at most half the multiple-response facts on offer, so attempts differ, and at least one
    available = len({specs[i].card_key for _, i, _ in offers})
    want = min(math.ceil(MULTI_SHARE * total), max(1, available // 2))
    have = sum(specs[i].choose > 1 for _, picked, _ in drawn for i, _ in picked)
    rng.shuffle(offers)
    for d, i, tid in offers:
        if have >= want:
            break
        if specs[i].card_key in used:
            continue
        picked = drawn[d][1]
        singles = [k for k, (j, _) in enumerate(picked) if specs[j].choose == 1]
        if not singles:
            continue
        same_task = [k for k in singles if picked[k][1] == tid]
        k = rng.choice(same_task or singles)
        used.discard(specs[picked[k][0]].card_key)
        picked[k] = (i, tid)
        used.add(specs[i].card_key)
        have += 1


