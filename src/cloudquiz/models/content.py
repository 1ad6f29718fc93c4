"""The hub's content, rewritten by the seed loader (never the quiz tables)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Lifecycle, db, utcnow

__all__ = [
    "ContentMeta",
    "SiteText",
    "Category",
    "Provider",
    "Service",
    "ServiceAlias",
    "Capability",
    "CapabilityCell",
    "CapabilityService",
    "CompareFact",
    "ProviderSection",
    "ProviderListItem",
    "BestPractice",
    "CodeSample",
    "Architecture",
    "PipelineStage",
    "StageTool",
    "ThirdPartyTool",
    "LearningResource",
    "Exam",
    "ExamDomain",
    "DecisionGroup",
    "FacetDef",
    "ServiceFacet",
    "CONTENT_MODELS",
]


# --------------------------------------------------------------------------- content


class ContentMeta(db.Model):
    """One row: the version (hash) of the loaded seed, so caches and quiz snapshots can key on it."""

    __tablename__ = "content_meta"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class SiteText(db.Model):
    """Headings and lead texts of the site's sections (templates hold no content facts)."""

    __tablename__ = "site_text"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    value: Mapped[str] = mapped_column(sa.Text)


class Category(db.Model):
    __tablename__ = "category"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    icon: Mapped[str] = mapped_column(sa.String(16), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class Provider(db.Model):
    __tablename__ = "provider"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    short_name: Mapped[str] = mapped_column(sa.String(20))
    common_name: Mapped[str] = mapped_column(sa.String(40), default="")
    former_name: Mapped[str] = mapped_column(sa.String(80), default="")
    color: Mapped[str] = mapped_column(sa.String(16))
    icon: Mapped[str] = mapped_column(sa.String(16), default="")
    tagline: Mapped[str] = mapped_column(sa.Text)
    tags: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    summary_line: Mapped[str] = mapped_column(sa.Text)
    stats: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    market_share: Mapped[str] = mapped_column(sa.String(40), default="")
    regions: Mapped[str] = mapped_column(sa.String(80), default="")
    docs_url: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(default=0)

    services: Mapped[list[Service]] = relationship(
        back_populates="provider", order_by="Service.name"
    )

    @property
    def url(self) -> str:
        return url_for("providers.detail", slug=self.slug)


class Service(db.Model):
    __tablename__ = "service"
    __table_args__ = (sa.UniqueConstraint("provider_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    name: Mapped[str] = mapped_column(sa.String(120))
    short_name: Mapped[str] = mapped_column(sa.String(60), default="")
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id"), index=True)
    summary: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    docs_url: Mapped[str] = mapped_column(sa.String(300))
    icon: Mapped[str] = mapped_column(sa.String(16), default="")
    card_label: Mapped[str] = mapped_column(sa.String(60), default="")
    card_position: Mapped[int | None] = mapped_column(default=None)
    card_title: Mapped[str] = mapped_column(sa.String(120), default="")
    card_text: Mapped[str] = mapped_column(sa.Text, default="")
    featured_position: Mapped[int | None] = mapped_column(default=None)
    featured_title: Mapped[str] = mapped_column(sa.String(60), default="")
    featured_label: Mapped[str] = mapped_column(sa.String(60), default="")
    # Lifecycle (seed ``lifecycle``): ga, preview, closed, deprecated or retired, with the
    # date, the provider's successor, a sentence for users and the provider's own source.
    status: Mapped[str] = mapped_column(sa.String(20), default="ga")
    status_since: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    status_ends: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    successor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("service.id"), default=None)
    status_note: Mapped[str] = mapped_column(sa.Text, default="")
    status_source_url: Mapped[str] = mapped_column(sa.String(300), default="")
    status_verified_on: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)

    provider: Mapped[Provider] = relationship(back_populates="services")
    successor: Mapped[Service | None] = relationship(remote_side="Service.id")
    category: Mapped[Category] = relationship()
    aliases: Mapped[list[ServiceAlias]] = relationship(
        back_populates="service", order_by="ServiceAlias.position", cascade="all, delete-orphan"
    )
    capability_links: Mapped[list[CapabilityService]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )

    @property
    def url(self) -> str:
        return url_for("services.detail", provider=self.provider.slug, slug=self.slug)

    @property
    def lifecycle(self) -> Lifecycle:
        """The status for badges (the successor's key is the spine's: no query here)."""
        return Lifecycle(self.status, self.status_since, self.status_ends, None,
                         self.status_note, self.status_source_url, self.status_verified_on)

    @property
    def label(self) -> str:
        """What the provider page's card calls the kind of service (falls back to the category)."""
        return self.card_label or self.category.name


class ServiceAlias(db.Model):
    """A former or alternative name (Azure AD is now Microsoft Entra ID)."""

    __tablename__ = "service_alias"
    __table_args__ = (sa.UniqueConstraint("service_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    service: Mapped[Service] = relationship(back_populates="aliases")


class Capability(db.Model):
    """An equivalence row: what each provider offers for one need ("Serverless functions")."""

    __tablename__ = "capability"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    icon: Mapped[str] = mapped_column(sa.String(16), default="")
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    core: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    source_url: Mapped[str] = mapped_column(sa.String(300))
    verified_on: Mapped[dt.date] = mapped_column(sa.Date)
    keywords: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    see_also: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)

    category: Mapped[Category] = relationship()
    cells: Mapped[list[CapabilityCell]] = relationship(
        back_populates="capability", cascade="all, delete-orphan"
    )
    service_links: Mapped[list[CapabilityService]] = relationship(
        back_populates="capability", order_by="CapabilityService.position",
        cascade="all, delete-orphan",
    )


class CapabilityCell(db.Model):
    """How the comparison table labels one provider's offer ("RDS / Aurora")."""

    __tablename__ = "capability_cell"
    __table_args__ = (sa.UniqueConstraint("capability_id", "provider_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    capability_id: Mapped[int] = mapped_column(sa.ForeignKey("capability.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"))
    label: Mapped[str] = mapped_column(sa.String(120))
    none_note: Mapped[str] = mapped_column(sa.Text, default="")  # "no equivalent": why, what else
    note: Mapped[str] = mapped_column(sa.Text, default="")  # how this offer differs

    capability: Mapped[Capability] = relationship(back_populates="cells")
    provider: Mapped[Provider] = relationship()


class CapabilityService(db.Model):
    __tablename__ = "capability_service"
    capability_id: Mapped[int] = mapped_column(sa.ForeignKey("capability.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    # A closed, deprecated or retired product still shown in the row, never as the current offer.
    legacy: Mapped[bool] = mapped_column(default=False)

    capability: Mapped[Capability] = relationship(back_populates="service_links")
    service: Mapped[Service] = relationship(back_populates="capability_links")


class CompareFact(db.Model):
    """A provider overview figure (market share, regions): one value and source per provider,
    shown above the comparison, not as one of its service rows."""

    __tablename__ = "compare_fact"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    icon: Mapped[str] = mapped_column(sa.String(16), default="")
    position: Mapped[int] = mapped_column(default=0)
    values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    source_url: Mapped[str] = mapped_column(sa.String(300))
    sources: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # per provider
    verified_on: Mapped[dt.date] = mapped_column(sa.Date)


class ProviderSection(db.Model):
    """A titled list on a provider page: pillars, patterns, CI/CD, monitoring."""

    __tablename__ = "provider_section"
    __table_args__ = (sa.UniqueConstraint("provider_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0)

    provider: Mapped[Provider] = relationship()
    items: Mapped[list[ProviderListItem]] = relationship(
        back_populates="section", order_by="ProviderListItem.position",
        cascade="all, delete-orphan",
    )


class ProviderListItem(db.Model):
    __tablename__ = "provider_list_item"
    __table_args__ = (sa.UniqueConstraint("section_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_section.id"), index=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(sa.Text)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"), default=None)

    section: Mapped[ProviderSection] = relationship(back_populates="items")
    service: Mapped[Service | None] = relationship()


class BestPractice(db.Model):
    __tablename__ = "best_practice"
    __table_args__ = (sa.UniqueConstraint("provider_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    number: Mapped[int] = mapped_column()
    icon: Mapped[str] = mapped_column(sa.String(16), default="")
    title: Mapped[str] = mapped_column(sa.String(120))
    text: Mapped[str] = mapped_column(sa.Text)
    pillar: Mapped[str] = mapped_column(sa.String(80), default="")

    provider: Mapped[Provider] = relationship()


class CodeSample(db.Model):
    __tablename__ = "code_sample"
    __table_args__ = (sa.UniqueConstraint("provider_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(120))
    language: Mapped[str] = mapped_column(sa.String(40))
    code: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    provider: Mapped[Provider] = relationship()


class Architecture(db.Model):
    """A reference architecture with its interactive diagram (nodes tied to capabilities)."""

    __tablename__ = "architecture"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    group: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(120))
    lead: Mapped[str] = mapped_column(sa.Text)
    heading: Mapped[str] = mapped_column(sa.String(160))
    tagline: Mapped[str] = mapped_column(sa.Text)
    icon: Mapped[str] = mapped_column(sa.String(16), default="")
    badges: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    summary: Mapped[str] = mapped_column(sa.Text)
    components_title: Mapped[str] = mapped_column(sa.String(120), default="")
    components: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    advantages: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    limitations: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    use_cases: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    cards_title: Mapped[str] = mapped_column(sa.String(120), default="")
    cards: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    diagram: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # {pillar: [{text, source: {title, url, provider, checked}}]} (Well-Architected pillars)
    considerations: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def url(self) -> str:
        return url_for("architectures.detail", slug=self.slug)


class PipelineStage(db.Model):
    __tablename__ = "pipeline_stage"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    number: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    text: Mapped[str] = mapped_column(sa.Text)
    icon: Mapped[str] = mapped_column(sa.String(16), default="")

    tools: Mapped[list[StageTool]] = relationship(
        back_populates="stage", cascade="all, delete-orphan"
    )


class StageTool(db.Model):
    """A provider's native tool for one pipeline stage."""

    __tablename__ = "stage_tool"
    __table_args__ = (sa.UniqueConstraint("stage_id", "provider_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("pipeline_stage.id"), index=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"))
    label: Mapped[str] = mapped_column(sa.String(120))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service.id"), default=None)

    stage: Mapped[PipelineStage] = relationship(back_populates="tools")
    provider: Mapped[Provider] = relationship()
    service: Mapped[Service | None] = relationship()


class ThirdPartyTool(db.Model):
    __tablename__ = "third_party_tool"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    icon: Mapped[str] = mapped_column(sa.String(16), default="")
    text: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str] = mapped_column(sa.String(300), default="")
    position: Mapped[int] = mapped_column(default=0)


class LearningResource(db.Model):
    """A certification, documentation hub or hands-on lab of one provider."""

    __tablename__ = "learning_resource"
    __table_args__ = (sa.UniqueConstraint("provider_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(160))
    code: Mapped[str] = mapped_column(sa.String(40), default="")
    level: Mapped[str] = mapped_column(sa.String(40), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str] = mapped_column(sa.String(300))
    exam_slug: Mapped[str] = mapped_column(sa.String(80), default="")
    position: Mapped[int] = mapped_column(default=0)

    provider: Mapped[Provider] = relationship()


class Exam(db.Model):
    """An official exam's format (the blueprint); our questions are generated from the hub."""

    __tablename__ = "exam"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    provider_id: Mapped[int] = mapped_column(sa.ForeignKey("provider.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(160))
    level: Mapped[str] = mapped_column(sa.String(40), default="")
    guide_version: Mapped[str] = mapped_column(sa.String(120))
    guide_date: Mapped[dt.date] = mapped_column(sa.Date)
    question_count: Mapped[int] = mapped_column()
    question_count_note: Mapped[str] = mapped_column(sa.Text, default="")
    duration_minutes: Mapped[int] = mapped_column()
    item_types: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    pass_mark: Mapped[int | None] = mapped_column(default=None)
    readiness_mark: Mapped[int | None] = mapped_column(default=None)
    scale_min: Mapped[int] = mapped_column(default=100)
    scale_max: Mapped[int] = mapped_column(default=1000)
    pass_note: Mapped[str] = mapped_column(sa.Text, default="")
    scoring: Mapped[str] = mapped_column(sa.String(40))
    scoring_note: Mapped[str] = mapped_column(sa.Text, default="")
    source_url: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(default=0)

    provider: Mapped[Provider] = relationship()
    domains: Mapped[list[ExamDomain]] = relationship(
        back_populates="exam", order_by="ExamDomain.position", cascade="all, delete-orphan"
    )


class ExamDomain(db.Model):
    __tablename__ = "exam_domain"
    __table_args__ = (sa.UniqueConstraint("exam_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exam.id"), index=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(sa.String(160))
    weight_min: Mapped[float] = mapped_column()
    weight_max: Mapped[float] = mapped_column()
    topics: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    tasks: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)  # [{id, text, topics}]
    tasks_source: Mapped[str] = mapped_column(sa.String(300), default="")

    exam: Mapped[Exam] = relationship(back_populates="domains")

    @property
    def weight(self) -> float:
        return (self.weight_min + self.weight_max) / 2


class DecisionGroup(db.Model):
    """Capability rows that share a facet vocabulary (seed/decisions/*.yaml)."""

    __tablename__ = "decision_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    capabilities: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)  # capability slugs
    position: Mapped[int] = mapped_column(default=0)


class FacetDef(db.Model):
    """One facet of the vocabulary: common (no group) or a group's own."""

    __tablename__ = "facet_def"
    __table_args__ = (sa.UniqueConstraint("group_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decision_group.id"), default=None,
                                                 index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(120))
    type: Mapped[str] = mapped_column(sa.String(10))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    better: Mapped[str | None] = mapped_column(sa.String(10), default=None)
    values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    phrases: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)


class ServiceFacet(db.Model):
    """One decision fact of one service within a group, with its source."""

    __tablename__ = "service_facet"
    __table_args__ = (sa.UniqueConstraint("group_id", "service_id", "facet_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("decision_group.id"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"), index=True)
    facet_key: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[Any] = mapped_column(sa.JSON)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    source_url: Mapped[str] = mapped_column(sa.String(300))
    verified_on: Mapped[dt.date] = mapped_column(sa.Date)
    position: Mapped[int] = mapped_column(default=0)


CONTENT_MODELS = (
    ContentMeta, SiteText, Category, Provider, Service, ServiceAlias, Capability, CapabilityCell,
    CapabilityService, CompareFact, ProviderSection, ProviderListItem, BestPractice, CodeSample,
    Architecture, PipelineStage, StageTool, ThirdPartyTool, LearningResource, Exam, ExamDomain,
    DecisionGroup, FacetDef, ServiceFacet,
)
