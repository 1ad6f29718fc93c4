"""What every question family builds on: the spec of a question, and the snapshot's lookups.

A :class:`_Spec` is a question before the random draw: its prompt, the candidate correct options,
the distractor candidates ranked by plausibility, the explanation, the hub URL and the tags.
A :class:`Builder` derives the lookups every family needs from a snapshot once (services by
provider and category, capabilities of a service, brand words, name stems) and keeps the specs
the families add — only those the content supports honestly (:meth:`Builder.add`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..types import CapabilityFact, ContentSnapshot, ServiceFact
from .text import _a, _fold, _join, _mask, _sentence

DISPLAY_NAMES = {"gcp": "Google Cloud"}
SINGLE_OPTIONS = 4
MULTI_OPTIONS = 5
# How far (in the order of seed/categories.yaml) a distractor's category may be from the answer's.
SERVICE_DISTANCE = 2
CATEGORY_DISTANCE = 3
NUMBER_WORDS = {2: "two", 3: "three"}

KIND_LABELS = {
    "scenario": "Scenarios",
    "scenario-multi": "Scenarios (choose two)",
    "migration": "Migrations between clouds",
    "design": "Architecture design",
    "equivalence": "Equivalent services",
    "provider": "Which provider",
    "category": "Service categories",
    "practice": "Best practices",
    "pillar": "Well-Architected pillars",
    "architecture": "Architectures",
}


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
    # why each option is right or wrong, by option text (scenario items: every option)
    rationale: tuple[tuple[str, str], ...] = ()
    sources: tuple[str, ...] = ()  # provider pages the item's facts come from
    item: str = ""  # identity of this item when several items test one fact (card_key)

    def tag(self, name: str) -> str:
        for key, value in self.tags:
            if key == name:
                return value
        return ""


class Builder:
    """Derives lookups from the snapshot once; the families (``equivalence.build(builder)``...)
    call its helpers and :meth:`add` their specs."""

    def __init__(self, snap: ContentSnapshot) -> None:
        self.snap = snap
        # How stems name a provider: "Google Cloud", as Google does ("GCP" is a short label).
        self.pname = {p: DISPLAY_NAMES.get(p, short) for p, short in snap.providers.items()}
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
        self._subjects: dict[str, str] = {}

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
        hit = self._subjects.get(key)
        if hit is None:
            svc = self.svc(key)
            hit = (svc.name if self.branded(svc.name, [svc.provider])
                   else f"{svc.name} ({self.pname[svc.provider]})")
            self._subjects[key] = hit
        return hit

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
            text += (f" {_join(missing)} {'has' if len(missing) == 1 else 'have'} no "
                     f"direct equivalent.")
        return text.strip()

    def service_picture(self, key: str) -> str:
        caps = self.caps_of.get(key, [])
        if not caps:
            others = [self.pname[p] for p in self.pname if p != self.svc(key).provider]
            return (f"{self.name(key)} has no direct equivalent on "
                    f"{_join(others, 'or')}.")
        return " ".join(self.picture(c, self.svc(key).provider) for c in caps[:2])

    def mask(self, text: str, phrases: Iterable[str] = ()) -> str:
        """Hide the answer in a text: the phrases given and every provider's brand words."""
        return _mask(text, phrases, self.brand_re)

    def add(self, spec: _Spec) -> None:
        """Keep a spec only if the content supports it honestly (enough distinct options)."""
        ident = spec.item or spec.card_key
        if ident in self.keys or not spec.answers or len(spec.answers) < spec.choose:
            return
        if "“”" in spec.prompt:  # a masked text that came out empty: nothing left to ask
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
        self.keys.add(ident)
        self.specs.append(replace(spec, distractors=tuple(t for t in tiers if t)))
