"""The quiz engine's vocabulary: plain, immutable values shared by the engine, store and views.

The engine (the ``engine`` package) is pure: it takes a :class:`ContentSnapshot` (built once per
content version by ``snapshot.py``) and a seeded ``random.Random`` and returns :class:`Question`
values.
The store persists what was asked as a snapshot of these values, never as references to content.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Question kinds (also the exam-domain topic "kind:<name>" of seed/exams.yaml). The first four
# are exam-grade scenario items built from decision facts; the others are recall items kept for
# practice warm-ups and never drawn into an exam simulation.
SCENARIO_KINDS = ("scenario", "scenario-multi", "migration", "design")
RECALL_KINDS = ("equivalence", "provider", "category", "practice", "pillar", "architecture")
KINDS = (*SCENARIO_KINDS, *RECALL_KINDS)


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
    status: str = "ga"  # lifecycle: ga | preview | closed | deprecated | retired
    status_note: str = ""
    successor: str = ""  # key of the provider's successor, when it names one

    @property
    def current(self) -> bool:
        return self.status not in ("closed", "deprecated", "retired")


@dataclass(frozen=True)
class CapabilityFact:
    slug: str
    name: str
    category: str
    # provider slug -> service keys "provider/slug" offering this capability (0, 1 or several)
    services: dict[str, tuple[str, ...]]
    url: str  # hub URL where the equivalence is shown (comparison row)
    description: str = ""  # the need, in the imperative ("Run short pieces of code …")
    row_url: str = ""  # the row's key differences page
    # provider slug -> closed, deprecated or retired products kept in the row for reference
    legacy: dict[str, tuple[str, ...]] = field(default_factory=dict)
    none: dict[str, str] = field(default_factory=dict)  # provider -> "no equivalent" note


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
    nodes: tuple[tuple[str, str, str, str], ...] = ()  # (id, label, text, capability)


@dataclass(frozen=True)
class DomainFact:
    name: str
    weight: float  # midpoint percentage
    topics: tuple[str, ...]  # "category:x", "architecture:y", "kind:z", "provider:p"
    tasks: tuple[TaskFact, ...] = ()  # the official task statements, with what tests each


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
class FacetFact:
    """One facet of a decision vocabulary (common or a group's own)."""

    key: str
    label: str
    type: str  # enum | set | bool | number | text
    unit: str = ""
    better: str | None = None  # number: "higher" or "lower" is more capable
    values: dict[str, str] = field(default_factory=dict)  # enum/set value -> label
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class DecisionGroupFact:
    slug: str
    name: str
    description: str
    capabilities: tuple[str, ...]
    facets: dict[str, FacetFact]  # the group's vocabulary: common + own


@dataclass(frozen=True)
class ServiceFactsFact:
    """A service's decision facts within one group, each with the page it comes from."""

    group: str
    service: str  # key "provider/slug"
    values: dict[str, object]
    sources: dict[str, str]  # facet key -> source URL


@dataclass(frozen=True)
class TaskFact:
    """An official task statement of an exam domain, and the content that tests it."""

    id: str
    text: str
    topics: tuple[str, ...]  # "group:x", "capability:y", "category:z", "kind:k", "architecture:a"


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
    groups: tuple[DecisionGroupFact, ...] = ()
    facts: dict[tuple[str, str], ServiceFactsFact] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    kind: str  # one of KINDS
    card_key: str  # stable identity of the fact asked (for FSRS review across attempts)
    prompt: str
    options: tuple[str, ...]
    correct: tuple[int, ...]  # indexes into options; len > 1 only for multiple response
    explanation: str
    hub_url: str
    domain: str = ""  # exam domain name (or topic label in practice)
    tags: dict[str, str] = field(default_factory=dict)  # provider, category, topic, ...
    # why each option is right or wrong, parallel to ``options`` (scenario items)
    rationale: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # the provider pages the facts of the item come from

    @property
    def multi(self) -> bool:
        return len(self.correct) > 1
