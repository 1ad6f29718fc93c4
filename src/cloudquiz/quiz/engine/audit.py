"""The item-writing rules as checks an examiner would make, run over every item the engine
produces (tests) and printed by ``flask quiz-report``.

Rules (after Haladyna, Downing & Rodriguez; ``facts/item-writing.md``):

- the stem is self-contained: never "the hub", "on the hub", "the hub's …";
- no template residue: no "[provider]", no braces, no empty quotes, no "None";
- options are distinct, and exactly ``choose`` of them are keyed;
- scenario items: every option is a service of the item's provider (homogeneous); the key is a
  current service (never closed, deprecated or retired); no distinctive word of the key is in
  the stem unless every option shares it; the proof holds — the key meets every stated
  requirement by the content's facts, every distractor fails one (a recorded fact, or the row's
  need: the content lists it in none of the key's rows), and no distractor is also right;
  every option has its reason;
- an attempt never asks one fact (card) twice, and an exam simulation asks no recall item.

Pure: a snapshot and questions in, a list of violations (sentences) out.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from ..types import RECALL_KINDS, SCENARIO_KINDS, ContentSnapshot, Question
from .text import _fold

HUB_RE = re.compile(r"\b(?:the|on the|in the|our) hub\b|\bhub's\b", re.IGNORECASE)
RESIDUE_RE = re.compile(r"\[provider\]|[{}]|“”|\bNone\b|\s{2,}")
COMMON = frozenset({
    "amazon", "aws", "azure", "microsoft", "google", "cloud", "service", "services", "for",
    "the", "and", "of", "on", "in", "to", "a", "an", "managed", "manager", "platform", "engine",
    "studio", "hub", "center", "centre", "api", "apis", "ai", "app", "apps", "web", "data",
})


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.casefold()))


class Auditor:
    def __init__(self, snap: ContentSnapshot) -> None:
        self.snap = snap
        self.by_name: dict[tuple[str, str], str] = {}
        for key, svc in snap.services.items():
            self.by_name[(svc.provider, _fold(svc.name))] = key
        self.caps = {c.slug: c for c in snap.capabilities}
        self.rows_of: dict[str, set[str]] = {}
        for cap in snap.capabilities:
            for keys in cap.services.values():
                for key in keys:
                    self.rows_of.setdefault(key, set()).add(cap.slug)
        self.groups = {g.slug: g for g in snap.groups}

    def key_of(self, provider: str, option: str) -> str | None:
        return self.by_name.get((provider, _fold(option)))

    def _holds(self, group: str, key: str, facet: str, op: str, value: object) -> bool | None:
        found = self.snap.facts.get((group, key))
        if found is None or facet not in found.values:
            return None
        v = found.values[facet]
        if op == "eq":
            return v == value
        if op == "has":
            return isinstance(v, list) and value in v
        if op == "ge":
            return isinstance(v, (int, float)) and v >= value  # type: ignore[operator]
        if op == "le":
            return isinstance(v, (int, float)) and v <= value  # type: ignore[operator]
        if op == "overhead":
            rank = {"serverless": 0, "managed": 1, "self-managed": 2}
            return v in rank and rank[v] <= rank[str(value)]
        return None

    def violations(self, q: Question) -> list[str]:
        out = []
        where = f"{q.card_key}: "
        if HUB_RE.search(q.prompt):
            out.append(where + "the stem refers to this site")
        if RESIDUE_RE.search(q.prompt) or any(RESIDUE_RE.search(o) for o in q.options):
            out.append(where + "template residue in the stem or an option")
        if len({_fold(o) for o in q.options}) != len(q.options):
            out.append(where + "two options are the same")
        if not q.correct or len(set(q.correct)) != len(q.correct):
            out.append(where + "no key, or a key twice")
        if q.kind in SCENARIO_KINDS:
            out += [where + v for v in self._scenario(q)]
        return out

    def _scenario(self, q: Question) -> list[str]:
        out = []
        provider = q.tags.get("provider", "")
        keys = [self.key_of(provider, o) for o in q.options]
        if any(k is None for k in keys):
            out.append("an option is not a service of the item's provider (not homogeneous)")
            return out
        right = [keys[i] for i in q.correct]
        wrong = [k for i, k in enumerate(keys) if i not in q.correct]
        for k in right:
            if not self.snap.services[k].current:
                out.append(f"the key {k} is not current ({self.snap.services[k].status})")
        if sorted(right) != sorted(q.tags.get("keys", "").split()):
            out.append("the keyed options are not the item's keys")
        # no distinctive word of a key in the stem unless every option shares it
        shared = set.intersection(*(_words(o) for o in q.options))
        stem = _words(q.prompt)
        for k in right:
            svc = self.snap.services[k]
            own = {w for w in (_words(svc.name) | _words(svc.short_name)) - COMMON - shared
                   if len(w) > 2}
            if own & stem:
                out.append(f"the stem gives the key away ({sorted(own & stem)})")
        # the proof, re-checked from the content's facts
        group = q.tags.get("group", "")
        row = q.tags.get("capability", "")
        reqs = []
        for part in filter(None, q.tags.get("requirements", "").split(";")):
            facet, op, raw = part.split("|", 2)
            reqs.append((facet, op, json.loads(raw)))
        for k in right:
            for facet, op, value in reqs:
                if self._holds(group, k, facet, op, value) is not True:
                    out.append(f"the key {k} does not meet {facet} {op} {value}")
        for d in wrong:
            fails = any(self._holds(group, d, f, o, v) is False for f, o, v in reqs)
            outside = row not in self.rows_of.get(d, set())
            if not (fails or outside):
                out.append(f"distractor {d} fails no stated requirement")
            if not outside and not fails:
                out.append(f"distractor {d} is also right")
        if len(q.rationale) != len(q.options) or not all(q.rationale):
            out.append("an option has no reason")
        else:
            for i, why in enumerate(q.rationale):
                if why.startswith("Right:") != (i in q.correct):
                    out.append(f"option {i}'s reason contradicts the key")
        return out


def violations(snap: ContentSnapshot, questions: Iterable[Question]) -> list[str]:
    auditor = Auditor(snap)
    return [v for q in questions for v in auditor.violations(q)]


def attempt_violations(questions: Sequence[Question], exam: bool) -> list[str]:
    """One attempt's rules: no fact twice; no recall item in an exam simulation."""
    out = []
    repeats = [k for k, n in Counter(q.card_key for q in questions).items() if n > 1]
    if repeats:
        out.append(f"facts asked twice: {repeats[:5]}")
    if exam:
        recall = [q.card_key for q in questions if q.kind in RECALL_KINDS]
        if recall:
            out.append(f"recall items in an exam simulation: {recall[:5]}")
    return out
