"""The proof behind every scenario item: requirements read from decision facts, and why each
option is right or wrong.

A :class:`Requirement` is one facet value of the key stated as a need ("each run can take up to
30 minutes"); it holds or fails for any service whose fact the content records (an unknown value
proves nothing). :class:`Scenarios` derives from a snapshot the lookups the families need — the
services of a decision group per provider, the rows of a service — chooses the requirements that
rule out the others, finds plausible services that miss the row's need, refuses stems that give
the key away, and writes each option's reason with its source. Pure.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..types import CapabilityFact, DecisionGroupFact, FacetFact, ServiceFactsFact
from .specs import Builder, _Spec
from .text import _join

# How far past the number it needs an item may reach into the plausibility ranking for variety.
HEAD_SLACK = 2

PROVIDER_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud"}
MANAGEMENT_RANK = {"serverless": 0, "managed": 1, "self-managed": 2}
# Facets a scenario never states as a requirement: the management model becomes the
# "LEAST operational overhead" qualifier instead, and pricing models are too coarse to tell
# services apart honestly ("billed per request" fits most services in some way).
SKIPPED_FACETS = frozenset({"management", "pricing"})
STOPWORDS = frozenset({
    "a", "an", "and", "the", "of", "to", "for", "in", "on", "or", "with", "without", "from",
    "by", "as", "at", "into", "your", "you", "their", "its", "it", "that", "this", "so", "one",
    "many", "any", "each", "every", "across", "through", "such", "them", "they", "be", "is",
    "are", "can", "run", "use", "let", "give", "keep", "get", "make", "managed", "service",
    "services", "provider", "cloud", "data", "other", "own", "more", "than", "who", "what",
})
MAX_FACET_REQUIREMENTS = 3
VARIANTS = 5  # requirement sets tried per key service
ORGANISATIONS = (
    "A retail company", "A healthcare provider", "A logistics company", "A media company",
    "A financial services firm", "A software-as-a-service startup", "A university",
    "A manufacturing company", "An online gaming company", "A travel booking company",
    "A public-sector agency", "An insurance company", "A biotech research lab",
    "An e-commerce marketplace", "A telecommunications provider", "A news publisher",
)
SITUATIONS = (
    "is building a new application on {P}.",
    "is moving an internal system to {P}.",
    "is redesigning a customer-facing platform that runs on {P}.",
    "is preparing a proof of concept on {P}.",
    "is consolidating several legacy workloads on {P}.",
)
QUESTIONS = (
    "Which {P} service meets these requirements{q}?",
    "Which {P} service should the company use{q}?",
    "Which {P} service will meet these requirements{q}?",
)
QUESTIONS_MULTI = (
    "Which TWO {P} services meet these requirements? (Choose two.)",
    "Which TWO {P} services could the company use? (Choose two.)",
)
LEAST_OVERHEAD = " with the LEAST operational overhead"
# Words that a key's name shares with too many other names to be a giveaway.
COMMON_WORDS = frozenset({
    "amazon", "aws", "azure", "microsoft", "google", "cloud", "service", "services", "for",
    "the", "and", "of", "on", "in", "to", "a", "an", "managed", "manager", "platform", "engine",
    "studio", "hub", "center", "centre", "api", "apis", "ai", "app", "apps", "web", "data",
})


def _pick(options: Sequence[str], *salt: str) -> str:
    """A stable choice (``hash()`` is salted per process; crc32 is not)."""
    return options[zlib.crc32("|".join(salt).encode()) % len(options)]


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


# Proper nouns inside row names keep their capital: "Managed Spark and Hadoop Clusters".
PROPER_NOUNS = frozenset({
    "Airflow", "Apache", "Arm", "Exadata", "Git", "Grafana", "Hadoop", "Hive", "Kafka",
    "Kubernetes", "Microsoft", "Oracle", "Prometheus", "Spark", "Windows", "Linux", "Redis",
    "Active", "Directory", "Bicep", "Terraform", "Team", "Foundation",
})


@lru_cache(maxsize=8192)
def lower_name(name: str) -> str:
    """A row name inside a sentence: "Sensitive Data Discovery and DLP" → "sensitive data
    discovery and DLP" (acronyms, names with digits and proper nouns keep their case)."""
    def one(part: str) -> str:
        bare = re.sub(r"[^A-Za-z0-9]", "", part)
        keep = (bare.isupper() and len(bare) > 1 or any(c.isdigit() for c in bare)
                or any(c.isupper() for c in bare[1:])  # NoSQL, GraphQL, DynamoDB
                or bare in PROPER_NOUNS)
        return part if keep else part.lower()

    return " ".join("-".join(one(p) for p in word.split("-")) for word in name.split())


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.casefold()))


@dataclass(frozen=True)
class Requirement:
    """One stated requirement: a facet and what the key's value says about it."""

    facet: FacetFact
    op: str  # eq (enum, bool) | has (set) | ge | le (number) | overhead
    value: object
    phrase: str  # the stem's sentence ("" for the LEAST-overhead qualifier)

    @property
    def ident(self) -> str:
        return f"{self.facet.key}-{self.op}-{self.value}".replace(" ", "_")

    def test(self, values: dict[str, object]) -> bool | None:
        """True / False when the content records the facet, None when it does not."""
        if self.facet.key not in values:
            return None
        v = values[self.facet.key]
        if self.op == "eq":
            return v == self.value
        if self.op == "has":
            return isinstance(v, list) and self.value in v
        if self.op == "ge":
            return isinstance(v, (int, float)) and v >= self.value  # type: ignore[operator]
        if self.op == "le":
            return isinstance(v, (int, float)) and v <= self.value  # type: ignore[operator]
        if self.op == "overhead":
            rank = MANAGEMENT_RANK.get(str(v))
            return rank is not None and rank <= MANAGEMENT_RANK[str(self.value)]
        return None

    def short(self) -> str:
        """The requirement in a few words, for the reasons: "longest run ≥ 30 minutes"."""
        f = self.facet
        if self.op == "overhead":
            return "the least operational overhead"
        if self.op in ("ge", "le"):
            sign = "at least" if self.op == "ge" else "at most"
            return f"{f.label.lower()} of {sign} {_number(self.value)} {f.unit}".strip()
        if self.op == "has":
            return f"{f.label.lower()}: {f.values.get(str(self.value), self.value)}"
        if f.type == "bool":
            return f"{f.label.lower()}: {'yes' if self.value else 'no'}"
        return f"{f.label.lower()}: {f.values.get(str(self.value), self.value)}"


def show(facet: FacetFact, value: object) -> str:
    if facet.type == "bool":
        return "yes" if value else "no"
    if facet.type == "number":
        return f"{_number(value)} {facet.unit}".strip()
    if facet.type == "enum":
        return facet.values.get(str(value), str(value)).split(":", 1)[0]
    if facet.type == "set" and isinstance(value, list):
        return ", ".join(facet.values.get(v, v) for v in value)
    return str(value)


def candidate_requirements(group: DecisionGroupFact, facts: ServiceFactsFact
                           ) -> list[Requirement]:
    """Every requirement the key's facts can state (facets with phrases only)."""
    out: list[Requirement] = []
    salt = facts.service
    for key, value in facts.values.items():
        f = group.facets.get(key)
        if f is None or f.type == "text" or key in SKIPPED_FACETS:
            continue
        if f.type == "enum":
            phrases = f.phrases.get(str(value), ())
            if phrases:
                out.append(Requirement(f, "eq", value, _pick(phrases, salt, key)))
        elif f.type == "bool":
            phrases = f.phrases.get("true" if value else "false", ())
            if phrases:
                out.append(Requirement(f, "eq", bool(value), _pick(phrases, salt, key)))
        elif f.type == "set" and isinstance(value, list):
            for item in value:
                phrases = f.phrases.get(item, ())
                if phrases:
                    out.append(Requirement(f, "has", item, _pick(phrases, salt, key, item)))
        elif f.type == "number" and isinstance(value, (int, float)) and f.better:
            op, which = ("ge", "at_least") if f.better == "higher" else ("le", "at_most")
            phrases = f.phrases.get(which, ())
            if phrases:
                text = _pick(phrases, salt, key).format(value=_number(value), unit=f.unit)
                out.append(Requirement(f, op, value, text))
    return out


@dataclass(frozen=True)
class Proof:
    """Why one option is right or wrong."""

    key: str  # service key
    correct: bool
    reason: str
    sources: tuple[str, ...] = ()


class Scenarios:
    """Lookups the scenario families share, derived from the builder's snapshot once."""

    def __init__(self, b: Builder) -> None:
        self.b = b
        snap = b.snap
        self.caps = {c.slug: c for c in snap.capabilities}
        self.groups = {g.slug: g for g in snap.groups}
        self.members: dict[tuple[str, str], list[str]] = {}  # (group, provider) -> keys
        for (group, key), _facts in snap.facts.items():
            svc = snap.services.get(key)
            if svc is not None and svc.current:
                self.members.setdefault((group, svc.provider), []).append(key)
        self.rows_of: dict[str, list[CapabilityFact]] = {}
        for cap in snap.capabilities:
            for keys in cap.services.values():
                for key in keys:
                    self.rows_of.setdefault(key, []).append(cap)
        self._words_of: dict[str, frozenset[str]] = {}
        self._failers: dict[tuple[str, str], tuple[str, ...]] = {}

    # ------------------------------------------------------------------ helpers

    def facts(self, group: str, key: str) -> dict[str, object]:
        found = self.b.snap.facts.get((group, key))
        return found.values if found else {}

    def source(self, group: str, key: str, facet: str) -> str:
        found = self.b.snap.facts.get((group, key))
        return found.sources.get(facet, "") if found else ""

    def row_of(self, group: DecisionGroupFact, key: str) -> CapabilityFact | None:
        provider = key.split("/", 1)[0]
        for slug in group.capabilities:
            cap = self.caps.get(slug)
            if cap and key in cap.services.get(provider, ()):
                return cap
        return None

    def _row_words(self, key: str, rows: list[CapabilityFact]) -> frozenset[str]:
        """The content words of all of a service's rows, once per service."""
        hit = self._words_of.get(key)
        if hit is None:
            hit = frozenset().union(*(_content_words(f"{c.name} {c.description}")
                                      for c in rows))
            self._words_of[key] = hit
        return hit

    def need_failers(self, key: str, row: CapabilityFact, exclude: set[str]) -> list[str]:
        """Current services of the key's provider that the content lists in none of the key's
        rows (so they do not meet the row's need), nearest first: the more their own rows'
        words share with the key's row (and the closer their category), the more plausible
        a distractor they make — never a counterpart."""
        hit = self._failers.get((key, row.slug))
        if hit is None:
            hit = self._failers[(key, row.slug)] = self._rank_failers(key, row)
        return [k for k in hit if k not in exclude]

    def _rank_failers(self, key: str, row: CapabilityFact) -> tuple[str, ...]:
        b = self.b
        svc = b.svc(key)
        provider = svc.provider
        own_rows = {c.slug for c in self.rows_of.get(key, [])}
        partners = set(row.services.get(provider, ()))
        for c in self.rows_of.get(key, []):
            partners |= set(c.services.get(provider, ()))
        need = _content_words(f"{row.name} {row.description}")
        scored = []
        for category, keys in b.by_provider_cat.get(provider, {}).items():
            distance = b.distance(category, [svc.category, row.category])
            if distance > 2:
                continue
            for k in keys:
                other = b.svc(k)
                if k in partners or not other.current:
                    continue
                rows = self.rows_of.get(k, [])
                if not rows or own_rows & {c.slug for c in rows} or b.related(k, key):
                    continue
                theirs = self._row_words(k, rows)
                overlap = len(need & theirs) / max(1, len(need))
                if distance and overlap < 0.15:
                    continue  # another category and nothing in common: implausible
                # the key's own category first (a monitoring service beside a monitoring
                # service), then the others by how much of the need they share
                scored.append((distance > 0, -overlap, k))
        return tuple(k for *_, k in sorted(scored))

    def pick_failers(self, key: str, row: CapabilityFact, exclude: set[str], want: int,
                     seed: str) -> list[str]:
        """``want`` distractors from the head of :meth:`need_failers`: a seed-chosen rotation
        of its first ``want + HEAD_SLACK`` (so items on one row vary), kept to the key's own
        category when that has enough (rotating the whole ranking offered Cloud Identity
        beside Cloud Monitoring)."""
        ranked = self.need_failers(key, row, exclude)
        own = self.b.svc(key).category
        same = [k for k in ranked if self.b.svc(k).category == own]
        top = (same if len(same) >= want else ranked)[:want + HEAD_SLACK]
        if not top:
            return []
        start = zlib.crc32(seed.encode()) % len(top)
        return (top[start:] + top[:start])[:want]

    def leaks(self, stem: str, keys: Iterable[str], options: Iterable[str]) -> bool:
        """A distinctive word of a key's name in the stem that not every option shares."""
        stem_words = _words(stem)
        option_words = [_words(self.b.name(k)) for k in options]
        shared = set.intersection(*option_words) if option_words else set()
        for key in keys:
            svc = self.b.svc(key)
            distinctive = (_words(svc.name) | _words(svc.short_name)) - COMMON_WORDS - shared
            distinctive = {w for w in distinctive if len(w) > 2}
            if distinctive & stem_words:
                return True
        return False

    def cross_cloud(self, row: CapabilityFact, provider: str) -> str:
        parts = []
        for p, name in PROVIDER_NAMES.items():
            if p == provider or p not in self.b.pname:
                continue
            keys = row.services.get(p, ())
            if keys:
                parts.append(f"on {name} this would be "
                             f"{_join([self.b.name(k) for k in keys], 'or')}")
            elif row.none.get(p):
                parts.append(f"{name} has no direct equivalent: {row.none[p].rstrip('.')}")
        if not parts:
            return ""
        text = "; ".join(parts) + "."
        return text[0].upper() + text[1:]

    # ------------------------------------------------------------------ the proof

    def choose(self, key: str, reqs: list[Requirement], pool: list[str], group: str,
               first: int) -> list[Requirement]:
        """Greedy: requirements that together rule out the most of ``pool``, starting from
        the ``first``-best one (variants start elsewhere)."""
        def ruled_out(r: Requirement) -> set[str]:
            return {d for d in pool if r.test(self.facts(group, d)) is False}

        ranked = sorted(reqs, key=lambda r: (-len(ruled_out(r)), r.ident))
        if first >= len(ranked):
            return []
        chosen = [ranked[first]]
        covered = ruled_out(ranked[first])
        while len(chosen) < MAX_FACET_REQUIREMENTS:
            # one requirement per facet: two values of one set can contradict each other
            used = {c.facet.key for c in chosen}
            gains = [(len(ruled_out(r) - covered), r) for r in ranked
                     if r not in chosen and r.facet.key not in used]
            gains = [(g, r) for g, r in gains if g > 0]
            if not gains:
                break
            gain, best = max(gains, key=lambda x: (x[0], x[1].ident))
            chosen.append(best)
            covered |= ruled_out(best)
        return chosen

    def overhead(self, group: str, key: str, pool: list[str]) -> Requirement | None:
        """"LEAST operational overhead" when the key is the least managed and some other
        service of the pool is more managed (a recorded management model)."""
        g = self.groups[group]
        facet = g.facets.get("management")
        value = self.facts(group, key).get("management")
        if facet is None or value not in MANAGEMENT_RANK:
            return None
        req = Requirement(facet, "overhead", value, "")
        if any(req.test(self.facts(group, d)) is False for d in pool):
            return req
        return None

    def proofs(self, keys: Sequence[str], distractors: Sequence[str],
               reqs: Sequence[Requirement], group: str, row: CapabilityFact) -> list[Proof]:
        out = []
        for k in keys:
            values = self.facts(group, k)
            met = [_meets(r, values) for r in reqs if r.facet.key in values]
            provider = PROVIDER_NAMES.get(self.b.svc(k).provider, "")
            reason = (f"Right: {self.b.name(k)} is {provider}'s service for "
                      f"{lower_name(row.name)}" + (f"; {'; '.join(met)}." if met else "."))
            out.append(Proof(k, True, reason, tuple(
                s for r in reqs if (s := self.source(group, k, r.facet.key)))))
        for d in distractors:
            values = self.facts(group, d)
            failed = [r for r in reqs if r.test(values) is False]
            if failed:
                r = failed[0]
                said = r.phrase.rstrip(".") if r.phrase else "The LEAST operational overhead"
                reason = f"Wrong: {self.b.name(d)} fails “{said}”: {_fails(r, values)}."
                out.append(Proof(d, False, reason, tuple(
                    s for s in [self.source(group, d, r.facet.key)] if s)))
            else:
                rows = _join([lower_name(c.name) for c in self.rows_of.get(d, [])[:2]])
                reason = (f"Wrong: {self.b.name(d)} is for {rows or 'a different need'}, "
                          f"not for {lower_name(row.name)}.")
                out.append(Proof(d, False, reason))
        return out


def lower_first(text: str) -> str:
    """Lower-case a phrase's first letter unless its first word is a name or an acronym:
    "Ways to buy compute" → "ways to…", but "PostgreSQL…", "SQL dialect", "Spark jobs"."""
    first = re.split(r"[\s\-/(),]", text, maxsplit=1)[0]
    bare = re.sub(r"[^A-Za-z0-9]", "", first)
    if not bare or any(c.isupper() for c in bare[1:]) or bare in PROPER_NOUNS:
        return text
    return text[:1].lower() + text[1:]


def _label(f: FacetFact) -> str:
    """A facet's label inside a sentence: "SQL dialect", "ways to buy compute"."""
    return lower_first(f.label)


def _value(f: FacetFact, value: object) -> str:
    """One value as a reader sees it, first letter lower-cased unless it is a name."""
    text = show(f, value) if f.type != "set" else str(f.values.get(str(value), value))
    return lower_first(text.split(": ", 1)[0] if f.type == "set" else text)


def _meets(r: Requirement, values: dict[str, object]) -> str:
    """What a right answer's fact says about a requirement: "longest run: 60 minutes"."""
    f, v = r.facet, values[r.facet.key]
    if r.op == "has":
        return f"{_label(f)}: {_value(f, r.value)}"
    if r.op == "overhead":
        return f"it is {show(f, v).lower()}"
    return f"{_label(f)}: {_value(f, v)}"


def _fails(r: Requirement, values: dict[str, object]) -> str:
    """Why a distractor's fact fails a requirement: "longest run: 15 minutes"."""
    f, v = r.facet, values[r.facet.key]
    if r.op == "has":
        have = [_value(f, x) for x in v] if isinstance(v, list) else []
        return (f"{_label(f)}: {'; '.join(have)} — not {_value(f, r.value)}" if have
                else f"{_label(f)}: not {_value(f, r.value)}")
    if r.op == "overhead":
        return f"it is {show(f, v).lower()}, more to operate"
    return f"{_label(f)}: {_value(f, v)}"


@lru_cache(maxsize=16384)
def _content_words(text: str) -> frozenset[str]:
    """The words that carry meaning (memoised: the same row texts are compared thousands of
    times while the specs are built)."""
    return frozenset(w for w in _words(text) if w not in STOPWORDS and len(w) > 2)


def encode(reqs: Sequence[Requirement]) -> str:
    """The requirements as a tag, so anyone can re-check the proof: "facet|op|json;…"."""
    return ";".join(f"{r.facet.key}|{r.op}|{json.dumps(r.value)}" for r in reqs)


def _not_the_need(reqs: list[Requirement], row: CapabilityFact) -> list[Requirement]:
    """Drop requirements that only restate the row's need in other words."""
    need = _content_words(f"{row.name} {row.description}")
    out = []
    for r in reqs:
        said = _content_words(r.phrase)
        if said and len(said & need) / len(said) >= 0.6:
            continue
        out.append(r)
    return out


def _need(row: CapabilityFact) -> str:
    """The row's need as a sentence: "The company needs to run short pieces of code …"."""
    text = row.description.strip().rstrip(".")
    if not text:
        return ""
    return f"The company needs to {lower_first(text)}."


def _spec(sc: Scenarios, *, kind: str, item: str, card: str, keys: Sequence[str],
          distractors: Sequence[str], reqs: Sequence[Requirement], group: str,
          row: CapabilityFact, stem: str, provider: str, family: str,
          extra_tags: Iterable[tuple[str, str]] = (), sources: Iterable[str] = ()) -> _Spec:
    b = sc.b
    proofs = sc.proofs(keys, distractors, reqs, group, row)
    names = {p.key: b.name(p.key) for p in proofs}
    explanation = " ".join(filter(None, [
        f"The need is {lower_name(row.name)}: only "
        f"{_join([b.name(k) for k in keys])} {'meets' if len(keys) == 1 else 'meet'} it and "
        "every stated requirement; each other option fails one of them.",
        b.former(keys),  # "Microsoft Entra ID: formerly Azure Active Directory or Azure AD."
        sc.cross_cloud(row, provider)]))
    all_sources = list(dict.fromkeys([*sources, *(s for p in proofs for s in p.sources)]))
    return _Spec(
        kind=kind, card_key=card, prompt=stem,
        answers=tuple(b.name(k) for k in keys), choose=len(keys),
        distractors=(tuple(b.name(d) for d in distractors),),
        size=len(keys) + len(distractors), explanation=explanation, hub_url=row.row_url or row.url,
        tags=(("provider", provider), ("category", row.category), ("capability", row.slug),
              ("topic", row.slug), ("group", group), ("service", keys[0]),
              ("keys", " ".join(keys)), ("requirements", encode(reqs)), *extra_tags),
        family=family, providers=frozenset({provider}),
        rationale=tuple((names[p.key], p.reason) for p in proofs),
        sources=tuple(all_sources), item=item,
    )
