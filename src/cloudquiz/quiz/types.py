"""The quiz engine's vocabulary: plain, immutable values shared by the engine, store and views.

The engine (the ``engine`` package) is pure: it takes a :class:`ContentSnapshot` (built once per
content version by ``snapshot.py``) and a seeded ``random.Random`` and returns :class:`Question`
values.
The store persists what was asked as a snapshot of these values, never as references to content.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Question kinds (also the exam-domain topic "kind:<name>" of seed/exams.yaml).
KINDS = ("equivalence", "provider", "category", "practice", "pillar", "architecture")


@dataclass(frozen=True)
class ServiceFact:
    provider: str  # provider slug
    slug: str
    name: str
    short_name: str
    category: str  # category slug
    summary: str
    aliases: tuple[str, ...]
    url: str  # hub URL of the service page


@dataclass(frozen=True)
class CapabilityFact:
    slug: str
    name: str
    category: str
    # provider slug -> service keys "provider/slug" offering this capability (0, 1 or several)
    services: dict[str, tuple[str, ...]]
    url: str  # hub URL where the equivalence is shown (comparison row)


@dataclass(frozen=True)
class PracticeFact:
    provider: str
    slug: str
    number: int
    title: str
    text: str
    pillar: str
    url: str


@dataclass(frozen=True)
class ListFact:
    """One provider list (pillars, patterns, cicd, monitoring) with its items' names."""

    provider: str
    kind: str
    title: str
    items: tuple[str, ...]
    url: str
    # the items' texts, parallel to ``items`` ("" where an item has none): "automate and iterate"
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArchitectureFact:
    slug: str
    kind: str  # audience, tier, security, industry, pattern
    title: str
    summary: str
    components: tuple[tuple[str, str], ...]  # (title, text)
    advantages: tuple[str, ...]
    limitations: tuple[str, ...]
    use_cases: tuple[str, ...]
    cards: tuple[tuple[str, str], ...]  # (title, text)
    url: str
    group: str = ""  # "Application Tiers", "Industry Platforms"...
    # capability slugs of the diagram's nodes, in order, once each (the cross-cloud picture)
    capabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class DomainFact:
    name: str
    weight: float  # midpoint percentage
    topics: tuple[str, ...]  # "category:x", "architecture:y", "kind:z", "provider:p"


@dataclass(frozen=True)
class ExamFact:
    slug: str
    provider: str
    code: str
    name: str
    question_count: int
    duration_minutes: int
    scoring: str  # no_partial | per_component | unpublished
    pass_mark: int | None
    readiness_mark: int | None
    scale_min: int
    scale_max: int
    domains: tuple[DomainFact, ...]
    # the official item types ("Multiple response (two or more ...)", "Multi-select"); the engine
    # draws multiple-response questions only when one of them names multiple response/select
    # (or when none are given)
    item_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContentSnapshot:
    version: str
    providers: dict[str, str]  # slug -> display name ("AWS", "Azure", "GCP" short names)
    categories: dict[str, str]  # slug -> name
    services: dict[str, ServiceFact]  # key "provider/slug"
    capabilities: tuple[CapabilityFact, ...]
    practices: tuple[PracticeFact, ...]
    lists: tuple[ListFact, ...]
    architectures: tuple[ArchitectureFact, ...]
    exams: dict[str, ExamFact]
    # slug -> full name ("Amazon Web Services"); the engine reads brand words from it so it never
    # asks "which provider offers Amazon S3?"
    provider_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    kind: str  # one of KINDS
    card_key: str  # stable identity of the fact asked (for Leitner review across attempts)
    prompt: str
    options: tuple[str, ...]
    correct: tuple[int, ...]  # indexes into options; len > 1 only for multiple response
    explanation: str
    hub_url: str
    domain: str = ""  # exam domain name (or topic label in practice)
    tags: dict[str, str] = field(default_factory=dict)  # provider, category, topic, ...

    @property
    def multi(self) -> bool:
        return len(self.correct) > 1
