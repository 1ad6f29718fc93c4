"""The question engine: content snapshot + seeded ``random.Random`` in, questions out.

Pure on purpose — no Flask, no database — so every rule below is unit-testable and an exam is
built in about a millisecond. Nothing is hand-written per question: every question comes from a
fact of the snapshot (a capability row, a service, a best practice, a provider list, an
architecture), so new content yields new questions without touching this module.

Two stages:

1. :func:`prepare` turns the content into *specs* once per snapshot (memoised): the prompt, the
   candidate correct options, the distractor candidates ranked by plausibility, the explanation,
   the hub URL and the tags. Every exclusion rule (a service listed for the same capability on
   that provider is never a distractor; former names are never options) is applied here.
2. ``_materialize(spec, rng)`` draws the distractors and shuffles the options. Only this stage
   uses the random generator, so a seed always gives the same quiz.

Invariants (tested over all questions in ``tests/test_quiz_engine.py``): distinct options; four
options for a single answer (three when the answer is one of the three providers), five for
multiple response; exactly one correct option, or N (2 or 3) for "Choose N"; no distractor is
also a correct answer; distractors come from the same provider as the answer and the same or a
neighbouring category (neighbouring = close in the order of ``seed/categories.yaml``); every
question explains the cross-cloud picture and links to the hub page its fact comes from.
"""

from __future__ import annotations

import math
import random
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .types import (
    KINDS,
    ArchitectureFact,
    CapabilityFact,
    ContentSnapshot,
    ExamFact,
    ListFact,
    PracticeFact,
    Question,
    ServiceFact,
)

__all__ = [
    "KIND_LABELS", "SCORING_RULES", "all_questions", "exam_questions", "practice_questions",
    "prepare", "scaled_score", "score",
]

SINGLE_OPTIONS = 4
MULTI_OPTIONS = 5
# How far (in the order of seed/categories.yaml) a distractor's category may be from the answer's.
SERVICE_DISTANCE = 2
CATEGORY_DISTANCE = 3
NUMBER_WORDS = {2: "two", 3: "three"}

KIND_LABELS = {
    "equivalence": "Equivalent services",
    "provider": "Which provider",
    "category": "Service categories",
    "practice": "Best practices",
    "pillar": "Well-Architected pillars",
    "architecture": "Architectures",
}
SCORING_RULES = ("no_partial", "per_component", "unpublished", "practice")


# ----------------------------------------------------------------------------- specs


@dataclass(frozen=True, slots=True)
class _Spec:
    kind: str
    card_key: str
    prompt: str
    answers: tuple[str, ...]  # candidate correct options: `choose` of them are shown
    choose: int
    distractors: tuple[tuple[str, ...], ...]  # tiers, most plausible first
    size: int  # number of options
    explanation: str
    hub_url: str
    tags: tuple[tuple[str, str], ...]
    family: str  # near-duplicate group: a quiz avoids two questions of one family
    providers: frozenset[str]  # providers the question involves (filters, exam bias)
    # what to say about an answer when it is the one drawn (answers chosen at random)
    notes: tuple[tuple[str, str], ...] = ()

    def tag(self, name: str) -> str:
        for key, value in self.tags:
            if key == name:
                return value
        return ""


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


# Words too common to tell two names or texts apart.
_GENERIC = frozenset({"archi", "platf", "and", "the", "for", "servi", "with", "from", "into"})


class _Builder:
    """Derives lookups from the snapshot once, then builds the specs of every question kind."""

    def __init__(self, snap: ContentSnapshot) -> None:
        self.snap = snap
        self.pname = snap.providers
        self.cat_pos = {slug: i for i, slug in enumerate(snap.categories)}
        self.by_provider: dict[str, list[str]] = {p: [] for p in snap.providers}
        self.by_provider_cat: dict[str, dict[str, list[str]]] = {}
        for key, svc in snap.services.items():
            self.by_provider.setdefault(svc.provider, []).append(key)
            self.by_provider_cat.setdefault(svc.provider, {}).setdefault(
                svc.category, []).append(key)
        self.caps_of: dict[str, list[CapabilityFact]] = {}
        for cap in snap.capabilities:
            for keys in cap.services.values():
                for key in keys:
                    self.caps_of.setdefault(key, []).append(cap)
        self.brands: dict[str, set[str]] = {}
        for p, short in snap.providers.items():
            words = {short.casefold()}
            full = snap.provider_names.get(p, "")
            if full:
                words.add(full.split()[0].casefold())
            self.brands[p] = words
        self.all_brands: set[str] = set().union(*self.brands.values()) if self.brands else set()
        self.brand_re = re.compile(
            r"\b(" + "|".join(re.escape(b) for b in sorted(self.all_brands)) + r")\b",
            re.IGNORECASE) if self.all_brands else None
        self.name_stems: dict[str, list[frozenset[str]]] = {}
        self.stems_by_provider: dict[str, set[frozenset[str]]] = {}
        for key, svc in snap.services.items():
            stems = [self.stems(n) for n in (svc.name, svc.short_name) if n]
            self.name_stems[key] = [s for s in stems if s]
            self.stems_by_provider.setdefault(svc.provider, set()).update(
                self.stems(n) for n in (svc.name, svc.short_name, *svc.aliases) if n)
        self.generic_stems = {
            *(self.stems(c.name) for c in snap.capabilities),
            *(self.stems(n) for n in snap.categories.values())}
        self.specs: list[_Spec] = []
        self.keys: set[str] = set()
        self._related: dict[tuple[str, str], bool] = {}

    # ------------------------------------------------------------------ helpers

    def svc(self, key: str) -> ServiceFact:
        return self.snap.services[key]

    def name(self, key: str) -> str:
        return self.snap.services[key].name

    def stems(self, text: str) -> frozenset[str]:
        """Rough word stems without brand words: "AWS Secrets Manager" ~ "Secret Manager"."""
        return frozenset(w[:5] for w in re.findall(r"[a-z0-9]+", text.casefold())
                         if w not in self.all_brands)

    def branded(self, text: str, providers: Iterable[str] | None = None) -> bool:
        brands = self.all_brands if providers is None else set().union(
            *(self.brands.get(p, set()) for p in providers))
        return bool(set(re.findall(r"[a-z0-9]+", text.casefold())) & brands)

    def subject(self, key: str) -> str:
        """A service named so the learner knows whose it is: "AWS Lambda", "Spanner (GCP)"."""
        svc = self.svc(key)
        if self.branded(svc.name, [svc.provider]):
            return svc.name
        return f"{svc.name} ({self.pname[svc.provider]})"

    def category_name(self, slug: str) -> str:
        return self.snap.categories.get(slug, slug)

    def former(self, keys: Iterable[str]) -> str:
        """ "Microsoft Entra ID: formerly Azure Active Directory or Azure AD." """
        notes = []
        for key in dict.fromkeys(keys):
            svc = self.svc(key)
            if svc.aliases:
                notes.append(f"{svc.name}: formerly {_join(svc.aliases, 'or')}.")
        return " ".join(notes)

    def distance(self, category: str, anchors: Iterable[str]) -> int:
        pos = self.cat_pos.get(category)
        anchor_pos = [self.cat_pos[a] for a in anchors if a in self.cat_pos]
        if pos is None or not anchor_pos:
            return 99
        return min(abs(pos - a) for a in anchor_pos)

    def related(self, a: str, b: str) -> bool:
        """Two services one could mistake for each other's right answer.

        One's name contains the other's ("GKE" and "GKE Enterprise", "Cloud Run" and "Cloud Run
        functions"), or one's summary names the other (Azure DevOps: "Boards, Repos,
        Pipelines..."): offering one as a distractor when the other is right would be a trap.
        """
        pair = (a, b) if a <= b else (b, a)
        known = self._related.get(pair)
        if known is not None:
            return known
        found = any(x <= y or y <= x for x in self.name_stems[a] for y in self.name_stems[b])
        sa, sb = self.svc(a), self.svc(b)
        for one, other in ((sa, sb), (sb, sa)):
            for n in {other.name, other.short_name}:
                if found:
                    break
                if n and n in one.summary and re.search(
                        rf"(?<![\w-]){re.escape(n)}(?![\w-])", one.summary):
                    found = True
        self._related[pair] = found
        return found

    def service_tiers(self, provider: str, anchors: Iterable[str], answers: Sequence[str],
                      exclude: set[str]) -> tuple[tuple[str, ...], ...]:
        """The provider's other services by category distance from the answers (0, 1, 2)."""
        anchors = [*anchors, *(self.svc(k).category for k in answers)]
        tiers: list[list[str]] = [[] for _ in range(SERVICE_DISTANCE + 1)]
        for category, keys in self.by_provider_cat.get(provider, {}).items():
            d = self.distance(category, anchors)
            if d <= SERVICE_DISTANCE:
                tiers[d].extend(self.name(k) for k in keys if k not in exclude
                                and not any(self.related(k, a) for a in answers))
        return tuple(tuple(t) for t in tiers)

    def what_is(self, key: str) -> str:
        """ "Azure Container Apps is Azure's service for Serverless Containers." """
        svc = self.svc(key)
        caps = self.caps_of.get(key, [])
        if caps:
            text = (f"{svc.name} is {self.pname[svc.provider]}'s service for "
                    f"{_join([c.name for c in caps])}.")
        else:
            text = (f"{svc.name} is {_a(self.pname[svc.provider])} service in the "
                    f"{self.category_name(svc.category)} category.")
        return _sentence(text, self.former([key]))

    def outsider_notes(self, names: Iterable[str],
                       providers: Iterable[str]) -> tuple[tuple[str, str], ...]:
        wanted = {_fold(n) for n in names}
        return tuple((self.name(k), self.what_is(k)) for p in providers
                     for k in self.by_provider.get(p, []) if _fold(self.name(k)) in wanted)

    def equivalents(self, key: str, provider: str) -> set[str]:
        """Every service of `provider` sharing a capability with `key`: all its right answers."""
        out: set[str] = set()
        for cap in self.caps_of.get(key, []):
            out.update(cap.services.get(provider, ()))
        return out

    def offer(self, cap: CapabilityFact, p: str) -> str:
        return _join([self.name(k) for k in cap.services.get(p, ())], "or")

    def picture(self, cap: CapabilityFact, first: str | None = None) -> str:
        """ "Message Queue — on GCP this is Pub/Sub; on AWS, Amazon SQS; on Azure, ..." """
        order = list(self.pname)
        if first in order:
            order.remove(first)
            order.insert(0, first)
        parts, missing = [], []
        for p in order:
            if cap.services.get(p):
                parts.append(f"on {self.pname[p]} this is {self.offer(cap, p)}" if not parts
                             else f"on {self.pname[p]}, {self.offer(cap, p)}")
            else:
                missing.append(self.pname[p])
        text = f"{cap.name} — " + "; ".join(parts) + "." if parts else ""
        if missing:
            text += (f" {_join(missing)} {'has' if len(missing) == 1 else 'have'} no service "
                     f"listed for it on the hub.")
        return text.strip()

    def service_picture(self, key: str) -> str:
        caps = self.caps_of.get(key, [])
        if not caps:
            others = [self.pname[p] for p in self.pname if p != self.svc(key).provider]
            return (f"The hub lists no direct equivalent of {self.name(key)} on "
                    f"{_join(others, 'or')}.")
        return " ".join(self.picture(c, self.svc(key).provider) for c in caps[:2])

    def mask(self, text: str, phrases: Iterable[str] = ()) -> str:
        """Hide the answer in a text: the phrases given and every provider's brand words."""
        for phrase in phrases:
            text = re.sub(re.escape(phrase), "…", text, flags=re.IGNORECASE)
        if self.brand_re is not None:
            text = self.brand_re.sub("[provider]", text)
        return text

    def add(self, spec: _Spec) -> None:
        """Keep a spec only if the content supports it honestly (enough distinct options)."""
        if spec.card_key in self.keys or not spec.answers or len(spec.answers) < spec.choose:
            return
        seen = {_fold(a) for a in spec.answers}
        if len(seen) != len(spec.answers):
            return
        tiers = []
        for tier in spec.distractors:
            kept = []
            for d in tier:
                if _fold(d) not in seen:
                    seen.add(_fold(d))
                    kept.append(d)
            tiers.append(tuple(kept))
        if sum(map(len, tiers)) < spec.size - spec.choose:
            return
        self.keys.add(spec.card_key)
        self.specs.append(replace(spec, distractors=tuple(t for t in tiers if t)))

    # ------------------------------------------------------------------ 1. equivalence

    def equivalence(self) -> None:
        for cap in self.snap.capabilities:
            for src_p in self.pname:
                for src in cap.services.get(src_p, ()):
                    for dst_p in self.pname:
                        if dst_p != src_p and cap.services.get(dst_p):
                            self.equivalent_of(cap, src, dst_p)
                    self.not_equivalent(cap, src)
            for p in self.pname:
                self.capability_members(cap, p)
                self.capability_not(cap, p)

    def about(self, cap: CapabilityFact, src: str) -> str:
        """Name the capability when the service has several (Pub/Sub: queue, topics, streams)."""
        return f" for {cap.name}" if len(self.caps_of.get(src, [])) > 1 else ""

    def equivalent_of(self, cap: CapabilityFact, src: str, dst_p: str) -> None:
        """ "Which Azure service is the equivalent of AWS Lambda?" (one per source service)."""
        targets = cap.services[dst_p]
        src_p, dst = self.svc(src).provider, self.pname[dst_p]
        about = self.about(cap, src)
        multi = 2 <= len(targets) <= max(NUMBER_WORDS)
        names = tuple(self.name(k) for k in targets)
        if multi:
            n = len(targets)
            prompt = (f"Which {NUMBER_WORDS[n].upper()} {dst} services are equivalents of "
                      f"{self.subject(src)}{about}? (Choose {NUMBER_WORDS[n]})")
            lead = f"{dst} lists both {_join(names)} for {cap.name}."
        elif len(targets) == 1:
            prompt = f"Which {dst} service is the equivalent of {self.subject(src)}{about}?"
            lead = ""
        else:
            prompt = f"Which {dst} service is an equivalent of {self.subject(src)}{about}?"
            lead = f"{dst} lists {_join(names)} for {cap.name}."
        self.add(_Spec(
            kind="equivalence", card_key=f"equivalence:{cap.slug}:{src}>{dst_p}",
            prompt=prompt, answers=names, choose=len(targets) if multi else 1,
            distractors=self.service_tiers(dst_p, [cap.category], targets,
                                           self.equivalents(src, dst_p) | set(targets)),
            size=MULTI_OPTIONS if multi else SINGLE_OPTIONS,
            explanation=_sentence(lead, self.picture(cap, dst_p), self.former([src, *targets])),
            hub_url=cap.url,
            tags=(("provider", dst_p), ("category", cap.category), ("topic", cap.slug),
                  ("capability", cap.slug), ("service", src), ("from", src_p),
                  ("form", "multi" if multi else "single")),
            family=f"equivalence:{cap.slug}:{dst_p}", providers=frozenset((src_p, dst_p)),
        ))

    def not_equivalent(self, cap: CapabilityFact, src: str) -> None:
        """ "Which of these is NOT an equivalent of AWS Lambda on Azure or GCP?"

        The three shown equivalents come from the capability row; the odd one out is a service
        of one of those providers, in the same or a neighbouring category, that shares no
        capability with the source service (so it is no equivalent by another row either).
        """
        src_p = self.svc(src).provider
        targets = [p for p in self.pname if p != src_p and cap.services.get(p)]
        members = [k for p in targets for k in cap.services[p]]
        if len(members) < SINGLE_OPTIONS - 1:
            return
        tiers: list[list[str]] = [[] for _ in range(SERVICE_DISTANCE + 1)]
        for p in targets:
            found = self.service_tiers(p, [cap.category], cap.services[p],
                                       self.equivalents(src, p))
            for d, tier in enumerate(found):
                tiers[d].extend(tier)
        # Options from two clouds carry their provider: "Identity and Access Management (GCP)".
        label = {self.name(k): self.subject(k) for p in targets for k in self.by_provider[p]}
        outsiders = tuple(label[n] for n in next((t for t in tiers if t), ()))
        where = _join([self.pname[p] for p in targets], "or")
        self.add(_Spec(
            kind="equivalence", card_key=f"equivalence-not:{cap.slug}:{src}",
            prompt=(f"Which of these is NOT an equivalent of {self.subject(src)}"
                    f"{self.about(cap, src)} on {where}?"),
            answers=outsiders, choose=1, distractors=(tuple(self.subject(k) for k in members),),
            size=SINGLE_OPTIONS,
            explanation=_sentence(self.picture(cap, src_p), self.former([src, *members])),
            hub_url=cap.url,
            tags=(("provider", src_p), ("category", cap.category), ("topic", cap.slug),
                  ("capability", cap.slug), ("service", src), ("form", "not")),
            family=f"equivalence-not:{cap.slug}", providers=frozenset((src_p, *targets)),
            notes=tuple((label[name], note) for name, note in
                        self.outsider_notes([n for n, lab in label.items() if lab in outsiders],
                                            targets)),
        ))

    def capability_members(self, cap: CapabilityFact, p: str) -> None:
        """ "Which TWO GCP services does the hub list for NoSQL Database? (Choose two)"."""
        targets = cap.services.get(p, ())
        if not 2 <= len(targets) <= max(NUMBER_WORDS):
            return
        n, prov = len(targets), self.pname[p]
        names = tuple(self.name(k) for k in targets)
        self.add(_Spec(
            kind="equivalence", card_key=f"capability:{cap.slug}:{p}",
            prompt=(f"Which {NUMBER_WORDS[n].upper()} {prov} services does the hub list for "
                    f"{cap.name}? (Choose {NUMBER_WORDS[n]})"),
            answers=names, choose=n,
            distractors=self.service_tiers(p, [cap.category], targets, set(targets)),
            size=MULTI_OPTIONS,
            explanation=_sentence(f"{prov} offers both {_join(names)} for {cap.name}.",
                                  self.picture(cap, p), self.former(targets)),
            hub_url=cap.url,
            tags=(("provider", p), ("category", cap.category), ("topic", cap.slug),
                  ("capability", cap.slug), ("form", "multi")),
            family=f"equivalence:{cap.slug}:{p}", providers=frozenset((p,)),
        ))

    def capability_not(self, cap: CapabilityFact, p: str) -> None:
        """ "Which of these is NOT a GCP service for X?" — needs three real members to show."""
        targets = cap.services.get(p, ())
        if len(targets) < SINGLE_OPTIONS - 1:
            return
        tiers = self.service_tiers(p, [cap.category], targets, set(targets))
        outsiders = next((t for t in tiers if t), ())
        prov = self.pname[p]
        names = tuple(self.name(k) for k in targets)
        self.add(_Spec(
            kind="equivalence", card_key=f"capability-not:{cap.slug}:{p}",
            prompt=f"Which of these is NOT a {prov} service for {cap.name}?",
            answers=outsiders, choose=1, distractors=(names,), size=SINGLE_OPTIONS,
            explanation=_sentence(
                f"The hub lists {_join(names)} as {prov}'s services for {cap.name}.",
                self.picture(cap, p), self.former(targets)),
            hub_url=cap.url,
            tags=(("provider", p), ("category", cap.category), ("topic", cap.slug),
                  ("capability", cap.slug), ("form", "not")),
            family=f"equivalence:{cap.slug}:{p}", providers=frozenset((p,)),
            notes=self.outsider_notes(outsiders, [p]),
        ))

    # ------------------------------------------------------------------ 2 and 3. services

    def provider_display(self, key: str) -> str | None:
        """How to name a service without giving its provider away (None: it cannot be done).

        Not when any of its names matches another provider's service ("VPC"; "Secret Manager"
        ~ "Secrets Manager"); and the name shown must not carry a brand ("Azure Functions") nor
        be a generic phrase contained in another provider's service name, a capability or a
        category ("Functions" ⊂ "Cloud Run functions", "Virtual Machines").
        """
        svc = self.svc(key)
        other = set().union(*(v for p, v in self.stems_by_provider.items() if p != svc.provider))
        if any(self.stems(n) in other for n in (svc.name, svc.short_name, *svc.aliases) if n):
            return None
        generic = other | self.generic_stems
        for candidate in (svc.name, svc.short_name):
            if not candidate or self.branded(candidate):
                continue
            stems = self.stems(candidate)
            if stems and not any(stems <= g for g in generic):
                return candidate
        return None

    def services(self) -> None:
        for key, svc in self.snap.services.items():
            prov, cat_name = self.pname[svc.provider], self.category_name(svc.category)
            explanation = _sentence(
                f"{svc.name} is {_a(prov)} service in the {cat_name} category: "
                f"{svc.summary.rstrip('.')}.", self.service_picture(key), self.former([key]))
            tags = (("provider", svc.provider), ("category", svc.category), ("topic", key),
                    ("service", key))
            display = self.provider_display(key)
            if display is not None:
                self.add(_Spec(
                    kind="provider", card_key=f"provider:{key}",
                    prompt=f"{display} is offered by which provider?",
                    answers=(prov,), choose=1,
                    distractors=(tuple(n for p, n in self.pname.items() if p != svc.provider),),
                    size=min(SINGLE_OPTIONS, len(self.pname)), explanation=explanation,
                    hub_url=svc.url, tags=tags, family=f"service:{key}",
                    providers=frozenset((svc.provider,)),
                ))
            self.category_question(key, svc, explanation, tags)

    def category_question(self, key: str, svc: ServiceFact, explanation: str,
                          tags: tuple[tuple[str, str], ...]) -> None:
        """ "In the hub's catalogue, what kind of service is Amazon DynamoDB?"

        Skipped when the name gives the category away ("Cloud Storage" → Storage). Categories of
        the service's capabilities are never distractors (Cloud Run is serverless *and* runs
        containers).
        """
        name_stems = set().union(*self.name_stems[key]) if self.name_stems[key] else set()
        if name_stems & (self.stems(self.category_name(svc.category)) - _GENERIC):
            return
        own = {svc.category, *(c.category for c in self.caps_of.get(key, []))}
        tiers: list[list[str]] = [[] for _ in range(CATEGORY_DISTANCE + 1)]
        for slug, name in self.snap.categories.items():
            d = self.distance(slug, [svc.category])
            if slug not in own and d <= CATEGORY_DISTANCE:
                tiers[d].append(name)
        self.add(_Spec(
            kind="category", card_key=f"category:{key}",
            prompt=f"In the hub's catalogue, what kind of service is {self.subject(key)}?",
            answers=(self.category_name(svc.category),), choose=1,
            distractors=tuple(tuple(t) for t in tiers), size=SINGLE_OPTIONS,
            explanation=explanation, hub_url=svc.url, tags=tags, family=f"service:{key}",
            providers=frozenset((svc.provider,)),
        ))

    # ------------------------------------------------------------------ 4. practices, pillars

    def practice_picture(self, practice: PracticeFact) -> str:
        """The other providers' practices for the same pillar."""
        if not practice.pillar:
            return ""
        others = []
        for p in self.pname:
            titles = [_quote(x.title) for x in self.snap.practices
                      if x.provider == p and p != practice.provider
                      and _fold(x.pillar) == _fold(practice.pillar)]
            if titles:
                others.append(f"{self.pname[p]}'s {_join(titles)}")
        head = f"It serves the {practice.pillar} pillar"
        return head + (", like " + _join(others) if others else "") + "."

    def practices(self) -> None:
        by_provider: dict[str, list[PracticeFact]] = {}
        for practice in self.snap.practices:
            by_provider.setdefault(practice.provider, []).append(practice)
        vocab = self.pillar_vocabulary()
        for practice in self.snap.practices:
            p, prov = practice.provider, self.pname[practice.provider]
            key = f"{p}/{practice.slug}"
            explanation = _sentence(
                f"{_quote(practice.title)} is {prov} best practice {practice.number:02d}: "
                f"{practice.text}", self.practice_picture(practice))
            tags = (("provider", p), ("topic", practice.slug), ("practice", key))
            self.add(_Spec(
                kind="practice", card_key=f"practice:{key}:title",
                prompt=(f"Which {prov} best practice does this describe? "
                        f"{_quote(self.mask(practice.text, [practice.title]))}"),
                answers=(practice.title,), choose=1,
                distractors=(tuple(x.title for x in by_provider[p] if x is not practice),),
                size=SINGLE_OPTIONS, explanation=explanation, hub_url=practice.url, tags=tags,
                family=f"practice:{key}", providers=frozenset((p,)),
            ))
            self.add(_Spec(
                kind="practice", card_key=f"practice:{key}:provider",
                prompt=(f"Whose Well-Architected best practices include "
                        f"{_quote(self.mask(practice.title))}: "
                        f"{_quote(self.mask(practice.text))}?"),
                answers=(prov,), choose=1,
                distractors=(tuple(n for q, n in self.pname.items() if q != p),),
                size=min(SINGLE_OPTIONS, len(self.pname)), explanation=explanation,
                hub_url=practice.url, tags=tags, family=f"practice:{key}",
                providers=frozenset((p,)),
            ))
            # Which pillar it serves — unless its title already says so ("Cost Optimization").
            if practice.pillar and not (self.stems(practice.title) & self.stems(practice.pillar)):
                self.add(_Spec(
                    kind="pillar", card_key=f"pillar:practice:{key}",
                    prompt=(f"According to the hub, which Well-Architected pillar does the "
                            f"{prov} best practice {_quote(practice.title)} mainly serve?"),
                    answers=(practice.pillar,), choose=1,
                    distractors=(tuple(v for v in vocab if _fold(v) != _fold(practice.pillar)),),
                    size=SINGLE_OPTIONS,
                    explanation=_sentence(f"{_quote(practice.title)}: {practice.text}",
                                          self.practice_picture(practice)),
                    hub_url=practice.url,
                    tags=(("provider", p), ("topic", _slug(practice.pillar)), ("practice", key)),
                    family=f"practice:{key}", providers=frozenset((p,)),
                ))

    def pillar_vocabulary(self) -> list[str]:
        """Pillar names: the practices' pillars plus the items of lists that use those names."""
        vocab = list(dict.fromkeys(x.pillar for x in self.snap.practices if x.pillar))
        folded = {_fold(v) for v in vocab}
        for lst in self.snap.lists:
            if lst.kind == "pillars" and any(_fold(i) in folded for i in lst.items):
                for i in lst.items:
                    if _fold(i) not in folded:
                        folded.add(_fold(i))
                        vocab.append(i)
        return vocab

    def list_picture(self, lst: ListFact, item: str | None = None) -> str:
        parts = []
        for other in self.snap.lists:
            if other.kind != lst.kind or other.provider == lst.provider:
                continue
            prov = self.pname[other.provider]
            if item is not None and _fold(item) in {_fold(i) for i in other.items}:
                parts.append(f"{prov}'s {_quote(other.title)} list it too")
            else:
                parts.append(f"{prov}'s {_quote(other.title)}: "
                             f"{_join([_quote(i) for i in other.items])}")
        return ("Across the clouds — " + "; ".join(parts) + ".") if parts else ""

    def pillars(self) -> None:
        for lst in self.snap.lists:
            if lst.kind == "pillars" and len(lst.items) >= 3:
                self.pillar_list(lst)

    def pillar_list(self, lst: ListFact) -> None:
        p, prov = lst.provider, self.pname[lst.provider]
        members = {_fold(i) for i in lst.items}
        # Outsiders in the list's own style: pillar names for AWS and Azure ("Reliability"),
        # short sentences for Google's principles (its own architecture patterns).
        width = sum(len(i.split()) for i in lst.items) / len(lst.items)
        whose: dict[str, list[str]] = {}
        for other in self.snap.lists:
            same_kind = other.kind == lst.kind and other.provider != p
            own_patterns = other.kind == "patterns" and other.provider == p
            if same_kind or own_patterns:
                for i in other.items:
                    whose.setdefault(i, []).append(
                        f"{self.pname[other.provider]}'s {_quote(other.title)}")
        for x in self.snap.practices:
            whose.setdefault(x.title, []).append(f"the {self.pname[x.provider]} best practices")
        close, far = [], []
        for text in whose:
            if _fold(text) in members:
                continue
            gap = abs(len(text.split()) - width)
            if gap <= 1.5:
                close.append(text)
            elif gap <= 3:
                far.append(text)
        lead = (f"The hub's {prov} page lists {_quote(lst.title)}: "
                f"{_join([_quote(i) for i in lst.items])}.")
        explanation = _sentence(lead, self.list_picture(lst))
        tags = (("provider", p), ("topic", lst.kind))
        self.add(_Spec(
            kind="pillar", card_key=f"pillar:{p}:member",
            prompt=f"Which of these is listed under {prov}'s {_quote(lst.title)} on the hub?",
            answers=lst.items, choose=1, distractors=(tuple(close), tuple(far)),
            size=SINGLE_OPTIONS, explanation=explanation, hub_url=lst.url, tags=tags,
            family=f"pillar:{p}", providers=frozenset((p,)),
        ))
        answers = tuple(close) or tuple(far)
        self.add(_Spec(
            kind="pillar", card_key=f"pillar:{p}:not",
            prompt=f"Which of these is NOT listed under {prov}'s {_quote(lst.title)} on the hub?",
            answers=answers, choose=1, distractors=(lst.items,), size=SINGLE_OPTIONS,
            explanation=explanation, hub_url=lst.url, tags=(*tags, ("form", "not")),
            family=f"pillar:{p}", providers=frozenset((p,)),
            notes=tuple((a, f"{_quote(a)} comes from {_join(list(dict.fromkeys(whose[a])))}.")
                        for a in answers),
        ))
        texts = lst.texts if len(lst.texts) == len(lst.items) else ()
        for item, text in zip(lst.items, texts, strict=False):
            if text:
                self.add(_Spec(
                    kind="pillar", card_key=f"pillar:{p}:{_slug(item)}",
                    prompt=(f"Which of {prov}'s {_quote(lst.title)} is summed up as "
                            f"{_quote(text)}?"),
                    answers=(item,), choose=1,
                    distractors=(tuple(i for i in lst.items if i != item),),
                    size=SINGLE_OPTIONS,
                    explanation=_sentence(f"{_quote(item)}: {text}.", lead,
                                          self.list_picture(lst, item)),
                    hub_url=lst.url, tags=(("provider", p), ("topic", _slug(item))),
                    family=f"pillar:{p}:{_slug(item)}", providers=frozenset((p,)),
                ))

    # ------------------------------------------------------------------ 5. architectures

    def architecture_picture(self, arch: ArchitectureFact) -> str:
        """ "Across the clouds, its diagram's API Gateway / Management is Amazon API Gateway,
        Azure API Management or Apigee API Management (GCP)." (two diagram nodes at most)"""
        caps = {c.slug: c for c in self.snap.capabilities}
        parts = []
        for slug in arch.capabilities:
            cap = caps.get(slug)
            if cap is None:
                continue
            names = []
            for p, keys in cap.services.items():
                if keys:
                    label = " / ".join(self.name(k) for k in keys)
                    if not self.branded(label, [p]):
                        label += f" ({self.pname[p]})"
                    names.append(label)
            if len(names) >= 2:
                parts.append(f"{cap.name} is {_join(names, 'or')}")
            if len(parts) == 2:
                break
        return ("Across the clouds, its diagram's " + "; its ".join(parts) + ".") if parts else ""

    def architectures(self) -> None:
        archs = self.snap.architectures
        for arch in archs:
            picture = self.architecture_picture(arch)
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
                        prompt = (f"Which architecture lists {_quote(text)} among its use cases "
                                  f"on the hub?")
                        said = f"{_quote(text)} is one of the {arch.title}'s use cases."
                    else:
                        prompt = f"Which architecture lists this {label}: {_quote(text)}?"
                        said = f"The {arch.title} lists this among its {field}."
                    self.add(_Spec(
                        kind="architecture",
                        card_key=f"architecture:{arch.slug}:{_slug(label)}:{_slug(text)}",
                        prompt=prompt, answers=(arch.title,), choose=1,
                        distractors=self.architecture_tiers(arch, field, text),
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
                    self.add(_Spec(
                        kind="architecture",
                        card_key=f"architecture:{arch.slug}:{label}:{_slug(title)}",
                        prompt=(f"In the hub's {arch.title}, which {label} is this? "
                                f"{_quote(self.mask(text, [title]))}"),
                        answers=(title,), choose=1,
                        distractors=self.part_tiers(arch, field, title),
                        size=SINGLE_OPTIONS,
                        explanation=_sentence(f"{title}: {text}", summary, picture),
                        hub_url=arch.url, tags=tags,
                        family=f"architecture:{arch.slug}:{label}:{_slug(title)}",
                        providers=frozenset(),
                    ))

    def architecture_tiers(self, arch: ArchitectureFact, field: str,
                           text: str) -> tuple[tuple[str, ...], ...]:
        """Other architectures that list the same kind of fact, same group or kind first.

        For a use case, an architecture whose title, summary or use cases share a word with it
        is never a distractor ("Order Processing" would fit the e-commerce platform too).
        """
        words = self.stems(text) - _GENERIC if field == "use_cases" else frozenset()
        same, other = [], []
        for a in self.snap.architectures:
            if a is arch or not getattr(a, field):
                continue
            if words and words & self.stems(" ".join((a.title, a.summary, *a.use_cases))):
                continue
            (same if a.group == arch.group or a.kind == arch.kind else other).append(a.title)
        return (tuple(same), tuple(other))

    def part_tiers(self, arch: ArchitectureFact, field: str,
                   title: str) -> tuple[tuple[str, ...], ...]:
        """The architecture's other components first, then those of its group or kind."""
        own = tuple(t for t, _ in getattr(arch, field) if t != title)
        own_folded = {_fold(t) for t, _ in getattr(arch, field)}
        group = tuple(dict.fromkeys(
            t for a in self.snap.architectures
            if a is not arch and (a.group == arch.group or a.kind == arch.kind)
            for t, _ in getattr(a, field) if _fold(t) not in own_folded))
        return (own, group)

    def build(self) -> tuple[_Spec, ...]:
        self.equivalence()
        self.services()
        self.practices()
        self.pillars()
        self.architectures()
        return tuple(self.specs)


# ----------------------------------------------------------------------------- index (memoised)


@dataclass(frozen=True)
class _Index:
    specs: tuple[_Spec, ...]
    by_topic: dict[str, tuple[int, ...]]
    # (topic, exam provider, multi allowed) -> spec ids by rank (see ``_rank``); filled lazily
    ranked: dict[tuple[str, str, bool], tuple[tuple[int, ...], ...]]


_memo: dict[int, tuple[ContentSnapshot, _Index]] = {}
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
    hit = _memo.get(id(snap))
    if hit is not None and hit[0] is snap:
        return hit[1]
    with _memo_lock:
        hit = _memo.get(id(snap))
        if hit is not None and hit[0] is snap:
            return hit[1]
        specs = _Builder(snap).build()
        by_topic: dict[str, list[int]] = {}
        for i, spec in enumerate(specs):
            for topic in _topics(spec):
                by_topic.setdefault(topic, []).append(i)
        index = _Index(specs, {t: tuple(ids) for t, ids in by_topic.items()}, {})
        while len(_memo) >= 4:
            _memo.pop(next(iter(_memo)))
        _memo[id(snap)] = (snap, index)
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
    return Question(
        kind=spec.kind, card_key=spec.card_key, prompt=spec.prompt, options=tuple(options),
        correct=tuple(i for i, o in enumerate(options) if _fold(o) in right),
        explanation=explanation, hub_url=spec.hub_url, domain=domain,
        tags=dict(spec.tags),
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
                       kinds: frozenset[str] | None = None, count: int = 10) -> list[Question]:
    """A balanced sample of at most ``count`` questions matching the filters (None = all).

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
    used: set[str] = set()
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


_MULTI_ITEM = re.compile(r"\bmulti(?:ple)?[- ]?(?:response|select)", re.IGNORECASE)


def _allows_multi(exam: ExamFact) -> bool:
    """Multiple response ("Multiple response", "Multi-select", "Multiple select") allowed?"""
    return not exam.item_types or any(_MULTI_ITEM.search(t) for t in exam.item_types)


def _rank(spec: _Spec, provider: str) -> int:
    """0: about the exam's provider; 1: neutral, or an equivalence from it; 2: other clouds."""
    if spec.tag("provider") == provider:
        return 0
    if not spec.providers or provider in spec.providers:
        return 1
    return 2


def _ranked(index: _Index, topic: str, provider: str, multi: bool) -> tuple[tuple[int, ...], ...]:
    key = (topic, provider, multi)
    hit = index.ranked.get(key)
    if hit is None:
        if topic:
            ids: Iterable[int] = index.by_topic.get(topic, ())
        else:  # the exam's provider at large (a domain whose topics match no content)
            ids = (i for i, s in enumerate(index.specs) if provider in s.providers)
        tiers: tuple[list[int], ...] = ([], [], [])
        for i in ids:
            spec = index.specs[i]
            if multi or spec.choose == 1:
                tiers[_rank(spec, provider)].append(i)
        hit = tuple(tuple(t) for t in tiers)
        index.ranked[key] = hit
    return hit


def exam_questions(snapshot: ContentSnapshot, rng: random.Random,
                   exam_slug: str) -> list[Question]:
    """Exactly ``question_count`` questions spread over the exam's domains by weight.

    Each domain gets its share of the count (weight midpoints, largest-remainder rounding) and
    draws from its topics in turn, so they share the domain's questions. Within a topic,
    questions about the exam's provider come first, then provider-neutral ones and equivalences
    from that provider; questions about the other clouds only when nothing else is left. No card
    repeats while the pool allows; a domain whose pool runs dry asks its questions again with a
    new option draw. Multiple-response questions only when the exam's item types allow them.
    ``Question.domain`` is the domain's name. Raises ``KeyError`` for an unknown exam slug.
    """
    exam = snapshot.exams[exam_slug]
    index = _index(snapshot)
    specs = index.specs
    multi = _allows_multi(exam)
    counts = _apportion(exam.question_count, [d.weight for d in exam.domains])
    used: set[str] = set()
    families: set[str] = set()
    result: list[Question] = []
    for domain, n in zip(exam.domains, counts, strict=True):
        if n <= 0:
            continue
        ranked = [_ranked(index, t, exam.provider, multi) for t in domain.topics]
        if not any(any(r) for r in ranked):
            ranked = [_ranked(index, "", exam.provider, multi)]
        draws = [_Draw(r) for r in ranked]
        order = list(range(len(draws)))
        rng.shuffle(order)
        picked: list[int] = []
        for max_tier in (1, 2):
            while len(picked) < n:
                progressed = False
                for t in order:
                    if len(picked) >= n:
                        break
                    i = draws[t].take(rng, specs, used, families, max_tier)
                    if i is not None:
                        picked.append(i)
                        used.add(specs[i].card_key)
                        families.add(specs[i].family)
                        progressed = True
                if not progressed:
                    break
        questions = [_materialize(specs[i], rng, domain.name) for i in picked]
        if len(questions) < n:
            # The pool is smaller than the domain's share: ask again with a fresh option draw,
            # the questions with the most distractor choice first.
            pool = list(dict.fromkeys(i for r in ranked for tier in r for i in tier))
            pool.sort(key=lambda i: (_rank(specs[i], exam.provider),
                                     -sum(map(len, specs[i].distractors))))
            j = 0
            while len(questions) < n and pool:
                spec = specs[pool[j % len(pool)]]
                j += 1
                asked = {q.options for q in (*result, *questions) if q.card_key == spec.card_key}
                q = _materialize(spec, rng, domain.name)
                for _ in range(5):
                    if q.options not in asked:
                        break
                    q = _materialize(spec, rng, domain.name)
                questions.append(q)
        result.extend(questions)
    k = 0
    while len(result) < exam.question_count and specs:  # no content at all for the exam
        result.append(_materialize(specs[k % len(specs)], rng, exam.domains[0].name))
        k += 1
    rng.shuffle(result)
    return result


# ----------------------------------------------------------------------------- scoring


def score(correct: Sequence[int], chosen: Sequence[int], scoring: str) -> tuple[float, float]:
    """(points, max points) of one answer under an exam's scoring rule.

    ``no_partial`` (AWS), ``unpublished`` (Google) and ``practice``: 1 when the chosen set is
    exactly the correct set, else 0, out of 1. ``per_component`` (Microsoft): one point per
    correct option chosen, out of the number of correct options; every pick beyond that number
    cancels one point, so choosing everything never pays (the form already enforces the number).
    """
    right, picked = set(correct), set(chosen)
    if scoring in ("no_partial", "unpublished", "practice"):
        return (1.0 if picked == right and right else 0.0), 1.0
    if scoring == "per_component":
        most = len(right)
        hits = len(right & picked) - max(0, len(picked) - most)
        return float(min(most, max(0, hits))), float(most)
    raise ValueError(f"unknown scoring rule {scoring!r}; expected one of {SCORING_RULES}")


def scaled_score(points: float, max_points: float, scale_min: int, scale_max: int) -> int:
    """Map points linearly onto the exam's scale (700 on 100–1000...), rounded half up."""
    if max_points <= 0:
        return scale_min
    share = min(1.0, max(0.0, points / max_points))
    return int(math.floor(scale_min + (scale_max - scale_min) * share + 0.5))
