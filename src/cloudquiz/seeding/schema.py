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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    field_validator,
    model_validator,
)

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG_RE, min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1)]
Url = HttpUrl
ProviderSlug = Slug
QUESTION_KINDS = ("equivalence", "provider", "category", "practice", "pillar", "architecture")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


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
    name: Text
    short_name: Text
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


class ServicesFile(Record):
    services: list[ServiceIn]


# ----------------------------------------------------------------------------- capabilities


class Cell(Record):
    label: Text
    services: list[Slug] = Field(min_length=1)


class CapabilityIn(Record):
    slug: Slug
    name: Text
    icon: str = ""
    category: Slug
    description: str = ""
    core: bool = False
    cells: dict[ProviderSlug, Cell]
    source_url: Url
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


class CodeSamplesFile(Record):
    code_samples: list[CodeSampleIn]


# ----------------------------------------------------------------------------- architectures


class Component(Record):
    icon: str = ""
    title: Text
    text: Text


class CapabilityCard(Record):
    icon: str = ""
    title: Text
    text: Text
    tags: list[Text] = []


class DiagramNode(Record):
    id: Slug
    label: Text
    x: Annotated[int, Field(ge=0, le=2000)]
    y: Annotated[int, Field(ge=0, le=2000)]
    text: Text
    icon: str = ""
    capability: Slug | None = None


class DiagramFlow(Record):
    source: Slug = Field(alias="from")
    target: Slug = Field(alias="to")
    label: str = ""


class Diagram(Record):
    width: Annotated[int, Field(ge=100, le=2000)] = 800
    height: Annotated[int, Field(ge=100, le=2000)] = 400
    nodes: list[DiagramNode] = Field(min_length=1)
    flows: list[DiagramFlow] = []

    @model_validator(mode="after")
    def _flows_join_nodes(self) -> Diagram:
        ids = [n.id for n in self.nodes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate node id {dupes}")
        for flow in self.flows:
            for end in (flow.source, flow.target):
                if end not in ids:
                    raise ValueError(f"flow refers to unknown node '{end}'")
        return self


class ArchitectureIn(Record):
    slug: Slug
    group: Text
    kind: Literal["audience", "tier", "security", "industry", "pattern"]
    title: Text
    lead: Text
    heading: Text
    tagline: Text
    icon: str = ""
    badges: list[Text] = []
    summary: Text
    components_title: str = ""
    components: list[Component] = []
    advantages: list[Text] = []
    limitations: list[Text] = []
    use_cases: list[Text] = []
    cards_title: str = ""
    cards: list[CapabilityCard] = []
    diagram: Diagram


class ArchitecturesFile(Record):
    architectures: list[ArchitectureIn]


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


TOPIC_RE = re.compile(r"^(category|architecture|kind|provider):([a-z0-9-]+)$")


class DomainIn(Record):
    name: Text
    weight: Annotated[float, Field(gt=0, le=100)] | tuple[
        Annotated[float, Field(gt=0, le=100)], Annotated[float, Field(gt=0, le=100)]
    ]
    topics: list[Annotated[str, Field(pattern=TOPIC_RE.pattern)]] = Field(min_length=1)

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
    "devops.yaml": DevopsFile,
    "learning.yaml": LearningFile,
    "exams.yaml": ExamsFile,
}
