"""Validate the ``seed/`` directory, then load it into the database in one transaction.

Two phases, so a bad file never half-loads:

1. :func:`read_seed` parses every file with its pydantic model and checks every cross reference
   (category, provider, service, capability, exam). Any problem raises :class:`SeedError` whose
   message names the file, the record and the field.
2. :func:`load_seed` upserts every record by its natural key (slug, or parent + position), so
   running it twice changes nothing and keeps ids stable; records gone from the seed are
   deleted. Quiz tables are never touched: they hold snapshots, not references.

This module takes a session; it never imports ``request`` or ``g``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from .. import models as m
from . import references
from .schema import SEED_FILES, Record


class SeedError(Exception):
    """A seed directory that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class SeedData:
    files: dict[str, Record]
    version: str

    def __getattr__(self, name: str) -> Any:  # seed.services → ServicesFile.services
        for parsed in self.files.values():
            if name in type(parsed).model_fields:
                return getattr(parsed, name)
        raise AttributeError(name)


# ----------------------------------------------------------------------------- phase 1: read


def _record_label(raw: Any, loc: Sequence[Any]) -> tuple[str, str]:
    """Turn a pydantic error location into ("services[3] (slug 'ec2')", "category")."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        record = f"{loc[0]}[{loc[1]}]"
        try:
            item = raw[loc[0]][loc[1]]
        except (KeyError, IndexError, TypeError):
            item = None
        if isinstance(item, dict) and (item.get("slug") or item.get("name")):
            record += f" (slug '{item.get('slug') or item.get('name')}')"
        rest = loc[2:]
    else:
        record, rest = (str(loc[0]) if loc else "file"), loc[1:]
    field = ".".join(f"[{k}]" if isinstance(k, int) else str(k) for k in rest).replace(".[", "[")
    return record, field or (str(loc[0]) if loc and len(loc) == 1 else "-")


def _parse_file(path: Path, model: type[Record]) -> Record:
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"{name}: file is missing from {path.parent}") from None
    except UnicodeDecodeError as exc:
        raise SeedError(f"{name}: not UTF-8 text ({exc.reason})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SeedError(f"{name}: YAML syntax error{at}: {problem}") from None
    if not isinstance(raw, dict):
        expected = ", ".join(model.model_fields)
        raise SeedError(f"{name}: expected a mapping with key(s) {expected}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:5]:
            where, field = _record_label(raw, err["loc"])
            lines.append(f"{name}: {where}: field '{field}': {err['msg']}")
        more = len(exc.errors()) - 5
        if more > 0:
            lines.append(f"{name}: ... and {more} more error(s)")
        raise SeedError("\n".join(lines)) from None


def read_seed(seed_dir: str | Path) -> SeedData:
    """Parse and check every file of ``seed_dir``; raise :class:`SeedError` on the first bad one."""
    root = Path(seed_dir)
    if not root.is_dir():
        raise SeedError(f"{root}: not a directory")
    files = {name: _parse_file(root / name, model) for name, model in SEED_FILES.items()}
    errors = references.check(files)
    if errors:
        raise SeedError(references.summarise(errors))
    canonical = json.dumps(
        {name: parsed.model_dump(mode="json") for name, parsed in files.items()},
        sort_keys=True, ensure_ascii=False,
    )
    return SeedData(files=files, version=hashlib.sha256(canonical.encode()).hexdigest()[:16])


# ----------------------------------------------------------------------------- phase 2: load


class _Sync:
    """Upsert rows by natural key; remember the stale rows to delete once children are synced."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.stale: list[Any] = []
        self.changed = 0

    def rows(self, model: type, key: tuple[str, ...], rows: list[dict[str, Any]],
             where: Any = None) -> dict[tuple[Any, ...], Any]:
        stmt = sa.select(model)
        if where is not None:
            stmt = stmt.where(where)
        existing = {tuple(getattr(o, k) for k in key): o for o in self.session.scalars(stmt)}
        result: dict[tuple[Any, ...], Any] = {}
        for row in rows:
            k = tuple(row[f] for f in key)
            obj = existing.pop(k, None)
            if obj is None:
                obj = model(**row)
                self.session.add(obj)
                self.changed += 1
            else:
                for field, value in row.items():
                    if getattr(obj, field) != value:
                        setattr(obj, field, value)
                        self.changed += 1
            result[k] = obj
        self.stale.extend(existing.values())
        self.session.flush()
        return result

    def delete_stale(self) -> None:
        for obj in reversed(self.stale):
            self.session.delete(obj)
            self.changed += 1
        self.session.flush()


def _url(u: Any) -> str:
    return "" if u is None else str(u)


def load_seed(session: Session, seed: SeedData) -> dict[str, int]:
    """Write ``seed`` into the database (the caller commits). Returns counts per collection."""
    f = seed.files
    sync = _Sync(session)

    sync.rows(m.SiteText, ("key",), [
        {"key": k, "value": v} for k, v in f["site.yaml"].texts.items()])
    cats = sync.rows(m.Category, ("slug",), [
        {"slug": c.slug, "name": c.name, "icon": c.icon, "description": c.description,
         "position": i} for i, c in enumerate(f["categories.yaml"].categories)])
    cat_id = {k[0]: o.id for k, o in cats.items()}

    provs = sync.rows(m.Provider, ("slug",), [
        {"slug": p.slug, "name": p.name, "short_name": p.short_name, "color": p.color,
         "icon": p.icon, "tagline": p.tagline, "tags": list(p.tags),
         "summary_line": p.summary_line, "stats": [s.model_dump() for s in p.stats],
         "docs_url": _url(p.docs_url), "position": i}
        for i, p in enumerate(f["providers.yaml"].providers)])
    prov_id = {k[0]: o.id for k, o in provs.items()}

    services = sync.rows(m.Service, ("provider_id", "slug"), [
        {"provider_id": prov_id[s.provider], "slug": s.slug, "name": s.name,
         "short_name": s.short_name, "category_id": cat_id[s.category], "summary": s.summary,
         "description": s.description, "docs_url": _url(s.docs_url), "icon": s.icon,
         "card_label": s.card.label if s.card else "",
         "card_position": s.card.position if s.card else None,
         "card_title": s.card.title if s.card else "",
         "card_text": s.card.text if s.card else "",
         "featured_position": s.featured.position if s.featured else None,
         "featured_title": s.featured.title if s.featured else "",
         "featured_label": s.featured.label if s.featured else ""}
        for s in f["services.yaml"].services])
    svc_id = {(s.provider, s.slug): services[(prov_id[s.provider], s.slug)].id
              for s in f["services.yaml"].services}
    sync.rows(m.ServiceAlias, ("service_id", "name"), [
        {"service_id": svc_id[(s.provider, s.slug)], "name": a.name, "note": a.note,
         "position": i}
        for s in f["services.yaml"].services for i, a in enumerate(s.aliases)])

    caps_in = f["capabilities.yaml"].capabilities
    caps = sync.rows(m.Capability, ("slug",), [
        {"slug": c.slug, "name": c.name, "icon": c.icon, "category_id": cat_id[c.category],
         "description": c.description, "core": c.core, "position": i,
         "source_url": _url(c.source_url), "verified_on": c.verified_on}
        for i, c in enumerate(caps_in)])
    cap_id = {k[0]: o.id for k, o in caps.items()}
    sync.rows(m.CapabilityCell, ("capability_id", "provider_id"), [
        {"capability_id": cap_id[c.slug], "provider_id": prov_id[p], "label": cell.label}
        for c in caps_in for p, cell in c.cells.items()])
    sync.rows(m.CapabilityService, ("capability_id", "service_id"), [
        {"capability_id": cap_id[c.slug], "service_id": svc_id[(p, sl)], "position": i}
        for c in caps_in for p, cell in c.cells.items() for i, sl in enumerate(cell.services)])
    sync.rows(m.CompareFact, ("slug",), [
        {"slug": x.slug, "name": x.name, "icon": x.icon, "position": i, "values": dict(x.values),
         "note": x.note, "source_url": _url(x.source_url), "verified_on": x.verified_on}
        for i, x in enumerate(f["compare_facts.yaml"].facts)])

    provs_in = f["providers.yaml"].providers
    sections = sync.rows(m.ProviderSection, ("provider_id", "kind"), [
        {"provider_id": prov_id[p.slug], "kind": s.kind, "title": s.title, "position": i}
        for p in provs_in for i, s in enumerate(p.sections)])
    sync.rows(m.ProviderListItem, ("section_id", "position"), [
        {"section_id": sections[(prov_id[p.slug], s.kind)].id, "position": j, "name": it.name,
         "text": it.text, "service_id": svc_id[(p.slug, it.service)] if it.service else None}
        for p in provs_in for s in p.sections for j, it in enumerate(s.items)])

    sync.rows(m.BestPractice, ("provider_id", "number"), [
        {"provider_id": prov_id[b.provider], "slug": b.slug, "number": b.number, "icon": b.icon,
         "title": b.title, "text": b.text, "pillar": b.pillar}
        for b in f["best_practices.yaml"].best_practices])
    sync.rows(m.CodeSample, ("provider_id", "slug"), [
        {"provider_id": prov_id[c.provider], "slug": c.slug, "title": c.title,
         "language": c.language, "code": c.code, "position": i}
        for i, c in enumerate(f["code_samples.yaml"].code_samples)])

    sync.rows(m.Architecture, ("slug",), [
        {"slug": a.slug, "group": a.group, "kind": a.kind, "title": a.title, "lead": a.lead,
         "heading": a.heading, "tagline": a.tagline, "icon": a.icon, "badges": list(a.badges),
         "summary": a.summary, "components_title": a.components_title,
         "components": [c.model_dump() for c in a.components],
         "advantages": list(a.advantages), "limitations": list(a.limitations),
         "use_cases": list(a.use_cases), "cards_title": a.cards_title,
         "cards": [c.model_dump() for c in a.cards],
         "diagram": a.diagram.model_dump(by_alias=True), "position": i}
        for i, a in enumerate(f["architectures.yaml"].architectures)])

    devops = f["devops.yaml"]
    stages = sync.rows(m.PipelineStage, ("slug",), [
        {"slug": s.slug, "number": s.number, "name": s.name, "text": s.text, "icon": s.icon}
        for s in devops.stages])
    sync.rows(m.StageTool, ("stage_id", "provider_id"), [
        {"stage_id": stages[(s.slug,)].id, "provider_id": prov_id[p], "label": t.label,
         "note": t.note, "service_id": svc_id[(p, t.service)] if t.service else None}
        for s in devops.stages for p, t in s.tools.items()])
    sync.rows(m.ThirdPartyTool, ("slug",), [
        {"slug": t.slug, "name": t.name, "icon": t.icon, "text": t.text,
         "description": t.description, "url": _url(t.url), "position": i}
        for i, t in enumerate(devops.third_party)])

    sync.rows(m.LearningResource, ("provider_id", "slug"), [
        {"provider_id": prov_id[r.provider], "kind": r.kind, "slug": r.slug, "title": r.title,
         "code": r.code, "level": r.level, "text": r.text, "url": _url(r.url),
         "exam_slug": r.exam or "", "position": i}
        for i, r in enumerate(f["learning.yaml"].resources)])

    exams_in = f["exams.yaml"].exams
    exams = sync.rows(m.Exam, ("slug",), [
        {"slug": e.slug, "provider_id": prov_id[e.provider], "code": e.code, "name": e.name,
         "level": e.level, "guide_version": e.guide_version, "guide_date": e.guide_date,
         "question_count": e.question_count, "question_count_note": e.question_count_note,
         "duration_minutes": e.duration_minutes, "item_types": list(e.item_types),
         "pass_mark": e.pass_mark, "readiness_mark": e.readiness_mark,
         "scale_min": e.scale_min, "scale_max": e.scale_max, "pass_note": e.pass_note,
         "scoring": e.scoring, "scoring_note": e.scoring_note,
         "source_url": _url(e.source_url), "position": i}
        for i, e in enumerate(exams_in)])
    sync.rows(m.ExamDomain, ("exam_id", "position"), [
        {"exam_id": exams[(e.slug,)].id, "position": j, "name": d.name,
         "weight_min": d.weight_range[0], "weight_max": d.weight_range[1],
         "topics": list(d.topics)}
        for e in exams_in for j, d in enumerate(e.domains)])

    sync.delete_stale()

    counts = {
        "providers": len(provs), "categories": len(cats), "services": len(services),
        "capabilities": len(caps), "architectures": len(f["architectures.yaml"].architectures),
        "best_practices": len(f["best_practices.yaml"].best_practices),
        "learning_resources": len(f["learning.yaml"].resources), "exams": len(exams),
    }
    meta = session.get(m.ContentMeta, 1)
    if meta is None:
        session.add(m.ContentMeta(id=1, version=seed.version, counts=counts))
    elif meta.version != seed.version or sync.changed:
        meta.version, meta.counts, meta.loaded_at = seed.version, counts, m.utcnow()
    session.flush()
    return counts


def seed_database(session: Session, seed_dir: str | Path) -> dict[str, int]:
    """Read, check and load ``seed_dir`` in one transaction: all or nothing."""
    seed = read_seed(seed_dir)
    try:
        counts = load_seed(session, seed)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return counts


def summary_line(counts: dict[str, int]) -> str:
    return "Seed loaded: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())
