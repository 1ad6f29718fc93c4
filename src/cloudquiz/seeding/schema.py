"""The shape of the files in ``seed/``: pydantic models that validate every file before any write.

Each file holds one collection under one top-level key (``services.yaml`` → ``services: [...]``).
Records are keyed by stable slugs; cross references (a service's category, a capability's
services, a diagram node's capability) are checked after all files parse, so an error message can
name the file, the record and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .architecture_schema import ArchitecturesFile, BoundariesFile, ConsiderationsFile
from .records import SLUG_RE, ProviderSlug, Record, Slug, Text, Url

QUESTION_KINDS = ("scenario", "scenario-multi", "migration", "design",
                  "equivalence", "provider", "category", "practice", "pillar", "architecture")



# ----------------------------------------------------------------------------- site.yaml


class SiteFile(Record):
    """Headings and lead texts of the site's sections, keyed by name (``hero_title``...)."""

    texts: dict[Annotated[str, Field(pattern=r"^[a-z0-9_]+$")], Text]


# ----------------------------------------------------------------------------- categories


class CategoryIn(Record):
    slug: Slug
    name: Text
    icon: str = ""
    description: str = ""


class CategoriesFile(Record):
    categories: list[CategoryIn]


# ----------------------------------------------------------------------------- providers


class Stat(Record):
    value: Text
    label: Text
    source_url: Url | None = None  # where the figure comes from (one source per figure)
    note: str = ""  # what the figure is, how old, where the seed page contradicts itself


class ListItem(Record):
    name: Text
    text: str = ""
    service: Slug | None = None


class Section(Record):
    kind: Literal["pillars", "patterns", "cicd", "monitoring"]
    title: Text
    items: list[ListItem] = Field(min_length=1)


class ProviderIn(Record):
    slug: Slug
    name: Text  # the official name today ("Google Cloud")
    short_name: Text  # a tight label: nav, table columns, badges ("GCP")
    common_name: Text  # what running text calls it ("Google Cloud"; "AWS"; "Azure")
    former_name: str = ""  # an official name no longer used ("Google Cloud Platform")
    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
    icon: str = ""
    tagline: Text
    tags: list[Text] = []
    summary_line: Text
    stats: list[Stat] = []
    docs_url: Url
    sections: list[Section] = []

    @field_validator("sections")
    @classmethod
    def _one_section_per_kind(cls, v: list[Section]) -> list[Section]:
        kinds = [s.kind for s in v]
        dupes = {k for k in kinds if kinds.count(k) > 1}
        if dupes:
            raise ValueError(f"duplicate section kind {sorted(dupes)}")
        return v


class ProvidersFile(Record):
    providers: list[ProviderIn]


# ----------------------------------------------------------------------------- services


class Alias(Record):
    name: Text
    note: str = ""


class Card(Record):
    """Place of the service among the provider page's service cards (the seed's twelve)."""

    label: Text
    position: Annotated[int, Field(ge=1)]
    title: str = ""  # the card's heading when it differs from the service name ("SNS / SQS")
    text: str = ""  # the card's text when it differs from the service summary


class Featured(Record):
    """Place of the service on the provider's home-page card (the seed's six)."""

    position: Annotated[int, Field(ge=1)]
    title: Text
    label: Text


LIFECYCLE_STATUSES = ("ga", "preview", "closed", "deprecated", "retired")
# A service in one of these states is not offered to someone starting today: it may be shown
# (annotated) but never as the current equivalent of anything.
NOT_CURRENT = frozenset({"closed", "deprecated", "retired"})  # as models.NOT_CURRENT


class Lifecycle(Record):
    """Where a service stands: generally available, preview, closed to new customers,
    deprecated (support ends on a known date) or retired (gone). Anything but ``ga`` needs the
    date, a sentence for users and the provider's own page saying so."""

    status: Literal["ga", "preview", "closed", "deprecated", "retired"] = "ga"
    since: dt.date | None = None  # when the status took effect (or was announced)
    ends: dt.date | None = None  # a scheduled end of support / shutdown, when one is announced
    successor: Slug | None = None  # the provider's own replacement (a service of the same provider)
    note: str = ""  # one sentence in our words: "Closed to new customers since 17 June 2024; …"
    source_url: Url | None = None
    verified_on: dt.date | None = None

    @model_validator(mode="after")
    def _documented(self) -> Lifecycle:
        if self.status != "ga":
            missing = [name for name in ("since", "source_url", "verified_on")
                       if getattr(self, name) is None]
            if not self.note:
                missing.append("note")
            if missing:
                raise ValueError(f"status '{self.status}' needs {', '.join(missing)}")
        return self


class ServiceIn(Record):
    provider: Slug
    slug: Slug
    name: Text
    short_name: str = ""
    category: Slug
    summary: Text
    description: str = ""
    docs_url: Url
    icon: str = ""
    card: Card | None = None
    featured: Featured | None = None
    aliases: list[Alias] = []
    lifecycle: Lifecycle = Lifecycle()


class ServicesFile(Record):
    services: list[ServiceIn]


# ----------------------------------------------------------------------------- capabilities


class Cell(Record):
    """One provider's offer for a need: the services that meet it today, or a note saying why
    there is no equivalent. Closed, deprecated or retired products go in ``legacy`` (shown,
    annotated, never offered as current)."""

    label: str = ""  # how the table names the offer when it is not the services' short names
    services: list[Slug] = []
    legacy: list[Slug] = []
    none: str = ""  # "No equivalent": what to use instead, or why the provider has none
    note: str = ""  # how this offer differs from the others, in one short sentence

    @model_validator(mode="after")
    def _offer_or_none(self) -> Cell:
        if self.services and self.none:
            raise ValueError("give services or 'none', not both")
        if not self.services and not self.none:
            raise ValueError("give the services that meet the need, or 'none' with a note")
        return self


class CapabilityIn(Record):
    slug: Slug
    name: Text
    icon: str = ""
    category: Slug
    description: str = ""
    # rank in the seed page's own comparison table (1-12): those rows come first, in that order
    core: Annotated[int, Field(ge=1, le=99)] | None = None
    cells: dict[ProviderSlug, Cell]
    keywords: list[Text] = []  # other words people search for ("spot", "preemptible", "kafka")
    source_url: Url
    see_also: list[Url] = []  # the other official comparison tables listing the row
    verified_on: dt.date


class CapabilitiesFile(Record):
    capabilities: list[CapabilityIn]


class CompareFactIn(Record):
    slug: Slug
    name: Text
    icon: str = ""
    values: dict[ProviderSlug, Text]
    note: str = ""
    source_url: Url
    # Where each provider's figure comes from (one source per figure); a provider without
    # one here is covered by ``source_url``.
    sources: dict[ProviderSlug, Url] = {}
    verified_on: dt.date


class CompareFactsFile(Record):
    facts: list[CompareFactIn]


# ----------------------------------------------------------------------------- practices, code


class BestPracticeIn(Record):
    provider: Slug
    slug: Slug
    number: Annotated[int, Field(ge=1, le=99)]
    icon: str = ""
    title: Text
    text: Text
    pillar: str = ""


class BestPracticesFile(Record):
    best_practices: list[BestPracticeIn]


class CodeSampleIn(Record):
    provider: Slug
    slug: Slug
    title: Text
    language: Text
    code: Text
    note: str = ""  # what changed from the original page's sample, and why


class CodeSamplesFile(Record):
    code_samples: list[CodeSampleIn]


# ----------------------------------------------------------------------------- devops


class StageToolIn(Record):
    label: Text
    service: Slug | None = None
    note: str = ""


class StageIn(Record):
    slug: Slug
    number: Annotated[int, Field(ge=1)]
    name: Text
    text: Text
    icon: str = ""
    tools: dict[ProviderSlug, StageToolIn]


class ThirdPartyIn(Record):
    slug: Slug
    name: Text
    icon: str = ""
    text: Text
    description: str = ""
    url: Url | None = None


class DevopsFile(Record):
    stages: list[StageIn]
    third_party: list[ThirdPartyIn]


# ----------------------------------------------------------------------------- learning, exams


class LearningIn(Record):
    provider: Slug
    kind: Literal["certification", "docs", "lab"]
    slug: Slug
    title: Text
    code: str = ""
    level: str = ""
    text: str = ""
    url: Url
    exam: Slug | None = None


class LearningFile(Record):
    resources: list[LearningIn]


TOPIC_RE = re.compile(
    r"^(category|architecture|kind|provider|group|capability):([a-z0-9-]+)$")
Topic = Annotated[str, Field(pattern=TOPIC_RE.pattern)]


class TaskIn(Record):
    """An official task statement ("1.1 Design secure access to AWS resources") and what of
    the hub's content tests it: decision groups, rows, categories, question kinds."""

    id: Annotated[str, Field(pattern=r"^[0-9A-Za-z.]{1,10}$")]
    text: Text
    topics: list[Topic] = []  # empty: the hub has no content that tests this task


class DomainIn(Record):
    name: Text
    weight: Annotated[float, Field(gt=0, le=100)] | tuple[
        Annotated[float, Field(gt=0, le=100)], Annotated[float, Field(gt=0, le=100)]
    ]
    topics: list[Topic] = Field(min_length=1)  # practice warm-ups (recall kinds) by domain
    tasks: list[TaskIn] = []
    tasks_source: Url | None = None  # the page the task statements come from

    @property
    def weight_range(self) -> tuple[float, float]:
        if isinstance(self.weight, tuple):
            return self.weight
        return (self.weight, self.weight)


class ExamIn(Record):
    slug: Slug
    provider: Slug
    code: Text
    name: Text
    level: str = ""
    guide_version: Text
    guide_date: dt.date
    question_count: Annotated[int, Field(ge=1, le=200)]
    question_count_note: str = ""
    duration_minutes: Annotated[int, Field(ge=1, le=600)]
    item_types: list[Text] = Field(min_length=1)
    pass_mark: int | None = None
    readiness_mark: int | None = None
    scale_min: int = 100
    scale_max: int = 1000
    pass_note: str = ""
    scoring: Literal["no_partial", "per_component", "unpublished"]
    scoring_note: str = ""
    source_url: Url
    domains: list[DomainIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _marks_in_scale(self) -> ExamIn:
        for mark in (self.pass_mark, self.readiness_mark):
            if mark is not None and not self.scale_min <= mark <= self.scale_max:
                raise ValueError(f"mark {mark} is outside the scale {self.scale_min}–{self.scale_max}")
        if self.pass_mark is None and self.readiness_mark is None:
            raise ValueError("give a pass_mark, or a readiness_mark when the pass mark is unpublished")
        return self


class ExamsFile(Record):
    exams: list[ExamIn]


# ----------------------------------------------------------------------------- decision facts


FACET_TYPES = ("enum", "set", "bool", "number", "text")
FacetKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
ValueKey = Annotated[str, Field(pattern=SLUG_RE, max_length=60)]


class FacetDef(Record):
    """One decision facet of the vocabulary: what it means, its type and allowed values.

    ``enum`` takes one of ``values``, ``set`` a list of them, ``bool`` true/false, ``number`` a
    number in ``unit`` (``better`` says which way is more capable), ``text`` a list of short
    phrases (what a service is for, not for, its gotchas). ``phrases`` are the ways a scenario
    states the facet as a requirement: keyed by value (enum, set), ``"true"``/``"false"`` (bool)
    or ``at_least``/``at_most`` (number, with ``{value}`` and ``{unit}`` in the text)."""

    key: FacetKey
    label: Text
    type: Literal["enum", "set", "bool", "number", "text"]
    description: str = ""
    unit: str = ""
    better: Literal["higher", "lower"] | None = None
    values: dict[ValueKey, Text] = {}
    phrases: dict[str, list[Text]] = {}

    @model_validator(mode="after")
    def _shape(self) -> FacetDef:
        if self.type in ("enum", "set") and not self.values:
            raise ValueError(f"a {self.type} facet needs its values")
        if self.type not in ("enum", "set") and self.values:
            raise ValueError(f"a {self.type} facet takes no values")
        if self.type == "number" and (not self.unit or self.better is None):
            raise ValueError("a number facet needs a unit and 'better' (higher or lower)")
        allowed: set[str] = set()
        if self.type in ("enum", "set"):
            allowed = set(self.values)
        elif self.type == "bool":
            allowed = {"true", "false"}
        elif self.type == "number":
            allowed = {"at_least", "at_most"}
        unknown = sorted(set(self.phrases) - allowed)
        if unknown:
            raise ValueError(f"phrases for unknown value(s) {unknown}")
        return self


class FacetsFile(Record):
    """The facets every group may use (management model, pricing model, scope, for/not for)."""

    facets: list[FacetDef]


FacetScalar = bool | int | float | str
FacetValue = FacetScalar | list[str]


class FacetFact(Record):
    """A value with its own source, where it differs from the record's."""

    value: FacetValue
    note: str = ""
    source_url: Url | None = None


class ServiceFacts(Record):
    """The decision facts of one service within a group, each from the provider's docs."""

    service: Annotated[str, Field(pattern=r"^[a-z0-9-]+/[a-z0-9]+(?:-[a-z0-9]+)*$")]
    source_url: Url
    verified_on: dt.date
    facets: dict[FacetKey, FacetValue | FacetFact] = Field(min_length=1)

    @property
    def provider(self) -> str:
        return self.service.split("/", 1)[0]

    @property
    def slug(self) -> str:
        return self.service.split("/", 1)[1]


class DecisionGroup(Record):
    """A group of capability rows that share a facet vocabulary, and its services' facts."""

    slug: Slug
    name: Text
    description: str = ""
    capabilities: list[Slug] = Field(min_length=1)
    facets: list[FacetDef] = []
    services: list[ServiceFacts] = []


class DecisionsFile(Record):
    groups: list[DecisionGroup]


# The files of a seed directory, in load order, with the model of each.
SEED_FILES: dict[str, type[Record]] = {
    "site.yaml": SiteFile,
    "categories.yaml": CategoriesFile,
    "providers.yaml": ProvidersFile,
    "services.yaml": ServicesFile,
    "capabilities.yaml": CapabilitiesFile,
    "compare_facts.yaml": CompareFactsFile,
    "best_practices.yaml": BestPracticesFile,
    "code_samples.yaml": CodeSamplesFile,
    "architectures.yaml": ArchitecturesFile,
    "diagram_boundaries.yaml": BoundariesFile,
    "architecture_considerations.yaml": ConsiderationsFile,
    "devops.yaml": DevopsFile,
    "learning.yaml": LearningFile,
    "exams.yaml": ExamsFile,
    "facets.yaml": FacetsFile,
    "decisions.yaml": DecisionsFile,
}
# Collections that may also (or instead) be split into a directory of files of the same shape,
# merged in file-name order: ``services.yaml`` and/or ``services/*.yaml``.
SPLITTABLE = frozenset({"services.yaml", "capabilities.yaml", "decisions.yaml"})
# Collections that may be absent (an empty list).
OPTIONAL = frozenset({"facets.yaml", "decisions.yaml", "diagram_boundaries.yaml",
                      "architecture_considerations.yaml"})
