"""The DevOps page: the universal six-stage CI/CD pipeline, each provider's native tool per stage,
and the third-party tools that work on every cloud.

The pipeline is drawn like the architecture diagrams (same macros, same render model): every stage
is a node whose *role* is the stage itself, so the provider switch relabels each stage with that
provider's tool. ``?provider=`` and ``?stage=`` state the view; with htmx the switch swaps the
``diagram`` block and a stage swaps the ``node_panel`` block (from ``/devops/stages/<slug>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, url_for
from sqlalchemy.orm import selectinload

from .. import models as m
from ..diagrams import Role, ServiceRef, Style, build_both
from ..models import db
from ..web.htmx import render_page
from .diagram_views import (
    ViewArgs,
    load_providers,
    read_view_args,
    service_url,
    switch_links,
)

bp = Blueprint("devops", __name__)

PIPELINE_STYLE = Style(box_w=182, box_h=92, title_size=14.5, sub_size=12, title_lines=2,
                       sub_lines=2)
PIPELINE_GAP = 30
PIPELINE_MARGIN = 12


@dataclass(frozen=True)
class NodeLink:
    href: str
    hx: str


def pipeline_diagram(stages: Sequence[m.PipelineStage]) -> dict[str, Any]:
    """The stages in a row, left to right, each flowing into the next (seed diagram format)."""
    w, h = PIPELINE_STYLE.box_w, PIPELINE_STYLE.box_h
    nodes = [{
        "id": s.slug, "label": f"{s.number}. {s.name}",
        "x": int(PIPELINE_MARGIN + w / 2 + i * (w + PIPELINE_GAP)),
        "y": int(PIPELINE_MARGIN + h / 2), "text": s.text, "icon": s.icon, "capability": s.slug,
        "caption": s.text,
    } for i, s in enumerate(stages)]
    flows = [{"from": a.slug, "to": b.slug, "label": ""} for a, b in zip(stages, stages[1:])]
    width = int(2 * PIPELINE_MARGIN + len(stages) * w + max(0, len(stages) - 1) * PIPELINE_GAP)
    return {"width": width, "height": int(2 * PIPELINE_MARGIN + h), "nodes": nodes,
            "flows": flows}


def stage_roles(stages: Sequence[m.PipelineStage]) -> dict[str, Role]:
    roles = {}
    for s in stages:
        services = {}
        for t in s.tools:
            url = service_url(t.provider.slug, t.service.slug) if t.service else None
            life = t.service.lifecycle if t.service else None
            status = life.label if life and life.flagged else ""
            services[t.provider.slug] = (ServiceRef(t.label, url, t.note, status=status),)
        roles[s.slug] = Role(key=s.slug, name=s.name, description=s.text, icon=s.icon,
                             services=services)
    return roles


def _render(block: str, stage_slug: str | None = None) -> Response:
    stages = db.session.scalars(
        sa.select(m.PipelineStage).order_by(m.PipelineStage.number).options(
            selectinload(m.PipelineStage.tools).selectinload(m.StageTool.provider),
            selectinload(m.PipelineStage.tools).selectinload(m.StageTool.service)
            .selectinload(m.Service.provider))
    ).all()
    slugs = [s.slug for s in stages]
    if stage_slug is not None and stage_slug not in slugs:
        abort(404, f"There is no pipeline stage “{stage_slug[:60]}”.")
    providers = load_providers()
    args = read_view_args(providers, slugs, node_param="stage", node_noun="stage")
    if stage_slug is not None:
        args = ViewArgs(args.provider, args.provider_notice, stage_slug, None)
    views = build_both(pipeline_diagram(stages), stage_roles(stages), providers, args.provider,
                       selected=args.node, style=PIPELINE_STYLE)
    tools = db.session.scalars(
        sa.select(m.ThirdPartyTool).order_by(m.ThirdPartyTool.position)).all()
    ctx = {
        "stages": stages,
        "views": views,
        "view": views["wide"],
        "args": args,
        "providers": providers,
        "tools": tools,
        "node_links": {slug: NodeLink(
            href=url_for("devops.index", provider=args.provider, stage=slug),
            hx=url_for("devops.stage", slug=slug, provider=args.provider)) for slug in slugs},
        "switch": switch_links(providers, args.provider, lambda p, with_node: url_for(
            "devops.index", provider=p, stage=args.node if with_node else None)),
        "canonical": url_for("devops.index", provider=args.provider, stage=args.node,
                             _external=True),
    }
    return render_page("devops/index.html", block, **ctx)


@bp.get("/devops")
def index() -> Response:
    """The page; for htmx (the provider switch) the ``diagram`` block."""
    return _render("diagram")


@bp.get("/devops/stages/<slug>")
def stage(slug: str) -> Response:
    """One stage's tools: the ``node_panel`` block for htmx, else the page with it open."""
    return _render("node_panel", slug)
