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

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from .. import models as m
from . import references
from .architecture_schema import PILLARS
from .schema import OPTIONAL, SEED_FILES, SPLITTABLE, Record


class SeedError(Exception):
    """A seed directory that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class SeedData:
    files: dict[str, Record]
    version: str
    # where each record of a split collection came from: file key -> [(file name, index)]
    origins: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

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


# libyaml's parser when PyYAML was built with it (about ten times faster on the 1.5 MB seed), the
# pure-Python one otherwise: both are "safe" (plain data only) and report the same marks.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YAML_LOADER(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, refusing a key written twice in one mapping (YAML itself keeps the last
    one silently, so a pasted block would quietly replace a record's field)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = key_node.value
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"found the key '{key}' twice (the second one would silently win)",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _parse_file(path: Path, model: type[Record], name: str | None = None) -> Record:
    name = name or path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
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


def _list_field(model: type[Record]) -> str:
    """The one list a collection file holds (``services`` of ServicesFile)."""
    (name,) = model.model_fields
    return name


def _parse_collection(root: Path, name: str, model: type[Record]
                      ) -> tuple[Record, list[tuple[str, int]] | None]:
    """One collection: ``name`` itself and, for a splittable one, every ``<stem>/*.yaml`` too,
    their lists merged in file-name order (with each record's file and index, for messages)."""
    stem = name.removesuffix(".yaml")
    parts: list[Path] = []
    if (root / name).is_file():
        parts.append(root / name)
    if name in SPLITTABLE and (root / stem).is_dir():
        parts += sorted((root / stem).glob("*.yaml"))
    if not parts:
        if name in OPTIONAL:
            return model.model_validate({name: [] for name in model.model_fields}), None
        if name in SPLITTABLE:
            raise SeedError(f"{name}: file is missing from {root} (and there is no {stem}/ "
                            "directory of files)")
        return _parse_file(root / name, model), None  # raises: the file is missing
    if name not in SPLITTABLE or parts == [root / name]:
        return _parse_file(root / name, model), None
    key = _list_field(model)
    merged: list[Any] = []
    origins: list[tuple[str, int]] = []
    for path in parts:
        label = str(path.relative_to(root))
        records = getattr(_parse_file(path, model, label), key)
        merged.extend(records)
        origins.extend((label, i) for i in range(len(records)))
    return model.model_construct(**{key: merged}), origins


def read_seed(seed_dir: str | Path) -> SeedData:
    """Parse and check every file of ``seed_dir``; raise :class:`SeedError` on the first bad one."""
    root = Path(seed_dir)
    if not root.is_dir():
        raise SeedError(f"{root}: not a directory")
    files: dict[str, Record] = {}
    origins: dict[str, list[tuple[str, int]]] = {}
    for name, model in SEED_FILES.items():
        files[name], where = _parse_collection(root, name, model)
        if where is not None:
            origins[name] = where
    errors = references.check(files, origins)
    if errors:
        raise SeedError(references.summarise(errors))
    canonical = json.dumps(
        {name: parsed.model_dump(mode="json") for name, parsed in files.items()},
        sort_keys=True, ensure_ascii=False,
    )
    return SeedData(files=files, version=hashlib.sha256(canonical.encode()).hexdigest()[:16],
                    origins=origins)


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
        # A service leaving the seed may name another leaving one as its successor.
        for obj in self.stale:
            if isinstance(obj, m.Service) and obj.successor_id is not None:
                obj.successor_id = None
        self.session.flush()
        for obj in reversed(self.stale):
            self.session.delete(obj)
            self.changed += 1
        self.session.flush()


def _plain(value: Any) -> Any:
    """A validated seed value as the database stores it: URLs as text, records and lists as
    JSON-ready values (dates stay dates at the top level, where Date columns take them)."""
    if isinstance(value, Record):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is not None and not isinstance(value, (str, int, float, bool, dt.date)):
        return str(value)  # HttpUrl
    return value


@functools.cache
def _columns(model: type) -> frozenset[str]:
    return frozenset(attr.key for attr in sa.inspect(model).column_attrs)


def _row(record: Record, model: type, **extra: Any) -> dict[str, Any]:
    """The column values of ``model`` that ``record`` has under the same name, plus ``extra``.

    Field maps come from the pydantic model: a seed field that is also a column of the table
    is copied as is, so a new plain field is spelled twice (schema, model), not four times.
    Fields without a column of that name (references by slug, nested records) are mapped by
    the caller in ``extra``."""
    columns = _columns(model)
    row = {name: _plain(getattr(record, name)) for name in type(record).model_fields
           if name in columns and name not in extra}
    row.update(extra)
    return row


def _url(u: Any) -> str:
    return "" if u is None else str(u)


def _diagram(diagram: Any, kinds: dict[str, Any]) -> dict[str, Any]:
    """A diagram as stored: each boundary carries its kind's names and rules (generic and per
    provider), so a page draws and explains it without another table."""
    out = _plain(diagram)
    out["boundaries"] = [
        {**_plain(b), "label": kinds[b.kind].label, "short": kinds[b.kind].short,
         "description": kinds[b.kind].description,
         "verified_on": kinds[b.kind].verified_on.isoformat(),
         "labels": {p: {"label": n.label, "short": n.short, "note": n.note,
                        "source_url": _url(n.source_url)}
                    for p, n in kinds[b.kind].providers.items()}}
        for b in diagram.boundaries]
    return out


def _considerations(cons: Any, sources: dict[str, Any]) -> dict[str, Any]:
    """An architecture's considerations by pillar, each with its source (title, URL, date)."""
    if cons is None:
        return {}
    out: dict[str, Any] = {}
    for pillar in PILLARS:
        out[pillar] = []
        for c in getattr(cons.pillars, pillar):
            src = sources[c.source]
            out[pillar].append({"text": c.text, "source": {
                "title": src.title, "url": _url(src.url), "provider": src.provider,
                "checked": src.checked.isoformat()}})
    return out


def load_seed(session: Session, seed: SeedData) -> dict[str, int]:
    """Write ``seed`` into the database (the caller commits). Returns counts per collection."""
    f = seed.files
    sync = _Sync(session)

    sync.rows(m.SiteText, ("key",), [
        {"key": k, "value": v} for k, v in f["site.yaml"].texts.items()])
    cats = sync.rows(m.Category, ("slug",), [
        _row(c, m.Category, position=i) for i, c in enumerate(f["categories.yaml"].categories)])
    cat_id = {k[0]: o.id for k, o in cats.items()}

    provs = sync.rows(m.Provider, ("slug",), [
        _row(p, m.Provider, position=i) for i, p in enumerate(f["providers.yaml"].providers)])
    prov_id = {k[0]: o.id for k, o in provs.items()}

    services_in = f["services.yaml"].services
    services = sync.rows(m.Service, ("provider_id", "slug"), [
        _row(s, m.Service, provider_id=prov_id[s.provider], category_id=cat_id[s.category],
             card_label=s.card.label if s.card else "",
             card_position=s.card.position if s.card else None,
             card_title=s.card.title if s.card else "",
             card_text=s.card.text if s.card else "",
             featured_position=s.featured.position if s.featured else None,
             featured_title=s.featured.title if s.featured else "",
             featured_label=s.featured.label if s.featured else "",
             status=s.lifecycle.status, status_since=s.lifecycle.since,
             status_ends=s.lifecycle.ends, status_note=s.lifecycle.note,
             status_source_url=_url(s.lifecycle.source_url),
             status_verified_on=s.lifecycle.verified_on)
        for s in services_in])
    svc_id = {(s.provider, s.slug): services[(prov_id[s.provider], s.slug)].id
              for s in services_in}
    for s in services_in:  # successors point at rows that now all exist
        obj = services[(prov_id[s.provider], s.slug)]
        successor = svc_id[(s.provider, s.lifecycle.successor)] if s.lifecycle.successor else None
        if obj.successor_id != successor:
            obj.successor_id = successor
            sync.changed += 1
    sync.rows(m.ServiceAlias, ("service_id", "name"), [
        _row(a, m.ServiceAlias, service_id=svc_id[(s.provider, s.slug)], position=i)
        for s in services_in for i, a in enumerate(s.aliases)])

    # The seed page's core rows first, in its order; then every other row in file order.
    caps_in = sorted(f["capabilities.yaml"].capabilities,
                     key=lambda c: (c.core is None, c.core or 0))
    caps = sync.rows(m.Capability, ("slug",), [
        _row(c, m.Capability, category_id=cat_id[c.category], core=c.core is not None,
             position=i)
        for i, c in enumerate(caps_in)])
    cap_id = {k[0]: o.id for k, o in caps.items()}
    sync.rows(m.CapabilityCell, ("capability_id", "provider_id"), [
        _row(cell, m.CapabilityCell, capability_id=cap_id[c.slug], provider_id=prov_id[p],
             none_note=cell.none)
        for c in caps_in for p, cell in c.cells.items()])
    sync.rows(m.CapabilityService, ("capability_id", "service_id"), [
        {"capability_id": cap_id[c.slug], "service_id": svc_id[(p, sl)], "position": i,
         "legacy": i >= len(cell.services)}
        for c in caps_in for p, cell in c.cells.items()
        for i, sl in enumerate([*cell.services, *cell.legacy])])
    sync.rows(m.CompareFact, ("slug",), [
        _row(x, m.CompareFact, position=i) for i, x in enumerate(f["compare_facts.yaml"].facts)])

    provs_in = f["providers.yaml"].providers
    sections = sync.rows(m.ProviderSection, ("provider_id", "kind"), [
        _row(s, m.ProviderSection, provider_id=prov_id[p.slug], position=i)
        for p in provs_in for i, s in enumerate(p.sections)])
    sync.rows(m.ProviderListItem, ("section_id", "position"), [
        _row(it, m.ProviderListItem, section_id=sections[(prov_id[p.slug], s.kind)].id,
             position=j, service_id=svc_id[(p.slug, it.service)] if it.service else None)
        for p in provs_in for s in p.sections for j, it in enumerate(s.items)])

    sync.rows(m.BestPractice, ("provider_id", "number"), [
        _row(b, m.BestPractice, provider_id=prov_id[b.provider])
        for b in f["best_practices.yaml"].best_practices])
    sync.rows(m.CodeSample, ("provider_id", "slug"), [
        _row(c, m.CodeSample, provider_id=prov_id[c.provider], position=i)
        for i, c in enumerate(f["code_samples.yaml"].code_samples)])

    kinds = {b.slug: b for b in f["diagram_boundaries.yaml"].boundary_kinds}
    cons = f["architecture_considerations.yaml"]
    sources = {s.id: s for s in cons.sources}
    by_arch = {c.architecture: c for c in cons.considerations}
    sync.rows(m.Architecture, ("slug",), [
        _row(a, m.Architecture, position=i, diagram=_diagram(a.diagram, kinds),
             considerations=_considerations(by_arch.get(a.slug), sources))
        for i, a in enumerate(f["architectures.yaml"].architectures)])

    devops = f["devops.yaml"]
    stages = sync.rows(m.PipelineStage, ("slug",), [_row(s, m.PipelineStage)
                                                    for s in devops.stages])
    sync.rows(m.StageTool, ("stage_id", "provider_id"), [
        _row(t, m.StageTool, stage_id=stages[(s.slug,)].id, provider_id=prov_id[p],
             service_id=svc_id[(p, t.service)] if t.service else None)
        for s in devops.stages for p, t in s.tools.items()])
    sync.rows(m.ThirdPartyTool, ("slug",), [
        _row(t, m.ThirdPartyTool, url=_url(t.url), position=i)
        for i, t in enumerate(devops.third_party)])

    sync.rows(m.LearningResource, ("provider_id", "slug"), [
        _row(r, m.LearningResource, provider_id=prov_id[r.provider], exam_slug=r.exam or "",
             position=i)
        for i, r in enumerate(f["learning.yaml"].resources)])

    exams_in = f["exams.yaml"].exams
    exams = sync.rows(m.Exam, ("slug",), [
        _row(e, m.Exam, provider_id=prov_id[e.provider], position=i)
        for i, e in enumerate(exams_in)])
    sync.rows(m.ExamDomain, ("exam_id", "position"), [
        _row(d, m.ExamDomain, exam_id=exams[(e.slug,)].id, position=j,
             weight_min=d.weight_range[0], weight_max=d.weight_range[1],
             tasks_source=_url(d.tasks_source))
        for e in exams_in for j, d in enumerate(e.domains)])

    groups_in = f["decisions.yaml"].groups
    groups = sync.rows(m.DecisionGroup, ("slug",), [
        _row(g, m.DecisionGroup, position=i) for i, g in enumerate(groups_in)])
    group_id = {k[0]: o.id for k, o in groups.items()}
    # Common facets have no group: NULL never matches in a unique key, so sync them apart.
    sync.rows(m.FacetDef, ("group_id", "key"), [
        _row(d, m.FacetDef, group_id=None, position=i)
        for i, d in enumerate(f["facets.yaml"].facets)], where=m.FacetDef.group_id.is_(None))
    sync.rows(m.FacetDef, ("group_id", "key"), [
        _row(d, m.FacetDef, group_id=group_id[g.slug], position=i)
        for g in groups_in for i, d in enumerate(g.facets)],
        where=m.FacetDef.group_id.is_not(None))
    sync.rows(m.ServiceFacet, ("group_id", "service_id", "facet_key"), [
        {"group_id": group_id[g.slug], "service_id": svc_id[(sf.provider, sf.slug)],
         "facet_key": key, "value": _plain(getattr(raw, "value", raw)),
         "note": getattr(raw, "note", ""),
         "source_url": _url(getattr(raw, "source_url", None) or sf.source_url),
         "verified_on": sf.verified_on, "position": j}
        for g in groups_in for sf in g.services for j, (key, raw) in enumerate(sf.facets.items())])

    sync.delete_stale()

    counts = {
        "providers": len(provs), "categories": len(cats), "services": len(services),
        "capabilities": len(caps), "architectures": len(f["architectures.yaml"].architectures),
        "best_practices": len(f["best_practices.yaml"].best_practices),
        "learning_resources": len(f["learning.yaml"].resources), "exams": len(exams),
        "decision_groups": len(groups),
        "decision_facts": sum(len(sf.facets) for g in groups_in for sf in g.services),
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
