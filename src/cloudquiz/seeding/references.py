"""Cross-reference checks over a parsed seed: every slug one file names must exist in another.

One function per collection, each adding errors to a :class:`Refs` (file, record, field and
what is wrong), so a new collection brings its own check without touching the others. The
checks run after every file parsed (:func:`check`), and all errors are reported together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .schema import NOT_CURRENT, QUESTION_KINDS, TOPIC_RE, FacetDef, Record

MAX_SHOWN = 8


@dataclass
class Refs:
    """Collects reference errors, each naming file, record and field."""

    errors: list[str] = field(default_factory=list)
    # split collections: file key -> (file name, index in that file) of each merged record
    origins: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def at(self, file: str, coll: str, i: int, slug: str) -> tuple[str, str]:
        """The file and record label of record ``i`` of a (possibly split) collection."""
        where = self.origins.get(file)
        if where is not None and i < len(where):
            file, i = where[i]
        return file, f"{coll}[{i}] (slug '{slug}')"

    def check(self, ok: bool, file: str, record: str, field: str, msg: str) -> None:
        if not ok:
            self.errors.append(f"{file}: {record}: field '{field}': {msg}")

    def unique(self, file: str, coll: str, keys: Iterable[Any], what: str = "slug") -> None:
        seen: set[Any] = set()
        for i, key in enumerate(keys):
            label = "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
            self.check(key not in seen, file, f"{coll}[{i}] ({what} '{label}')", what,
                       f"duplicate {what} '{label}'")
            seen.add(key)


@dataclass(frozen=True)
class Known:
    """The slugs every check may refer to."""

    categories: frozenset[str]
    providers: frozenset[str]
    services: frozenset[tuple[str, str]]  # (provider, slug)
    capabilities: frozenset[str]
    architectures: frozenset[str]
    exams: frozenset[str]
    status: dict[tuple[str, str], str] = field(default_factory=dict)  # lifecycle status


def _known(f: dict[str, Record]) -> Known:
    return Known(
        categories=frozenset(c.slug for c in f["categories.yaml"].categories),
        providers=frozenset(p.slug for p in f["providers.yaml"].providers),
        services=frozenset((s.provider, s.slug) for s in f["services.yaml"].services),
        capabilities=frozenset(c.slug for c in f["capabilities.yaml"].capabilities),
        architectures=frozenset(a.slug for a in f["architectures.yaml"].architectures),
        exams=frozenset(e.slug for e in f["exams.yaml"].exams),
        status={(s.provider, s.slug): s.lifecycle.status for s in f["services.yaml"].services},
    )


def _unique_split(refs: Refs, file: str, coll: str, keys: list[Any],
                  what: str = "slug") -> None:
    """Like :meth:`Refs.unique`, naming the file of a split collection where the repeat is."""
    seen: set[Any] = set()
    for i, key in enumerate(keys):
        label = "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
        where, rec = refs.at(file, coll, i, label)
        refs.check(key not in seen, where, rec.replace("(slug ", f"({what} "), what,
                   f"duplicate {what} '{label}'")
        seen.add(key)


def _rec(coll: str, i: int, slug: str) -> str:
    return f"{coll}[{i}] (slug '{slug}')"


def check_categories_and_providers(f: dict[str, Record], k: Known, refs: Refs) -> None:
    refs.unique("categories.yaml", "categories", [c.slug for c in f["categories.yaml"].categories])
    refs.unique("providers.yaml", "providers", [p.slug for p in f["providers.yaml"].providers])
    for i, p in enumerate(f["providers.yaml"].providers):
        for sec in p.sections:
            for j, item in enumerate(sec.items):
                if item.service:
                    refs.check((p.slug, item.service) in k.services, "providers.yaml",
                               _rec("providers", i, p.slug),
                               f"sections.{sec.kind}.items[{j}].service",
                               f"unknown service '{item.service}'")


def check_services(f: dict[str, Record], k: Known, refs: Refs) -> None:
    services = f["services.yaml"].services
    _unique_split(refs, "services.yaml", "services", [(s.provider, s.slug) for s in services],
                  "provider/slug")
    names: dict[tuple[str, str], str] = {}
    for i, s in enumerate(services):
        file, rec = refs.at("services.yaml", "services", i, s.slug)
        refs.check(s.provider in k.providers, file, rec, "provider",
                   f"unknown provider '{s.provider}'")
        refs.check(s.category in k.categories, file, rec, "category",
                   f"unknown category '{s.category}'")
        for n in [s.name, *(a.name for a in s.aliases)]:
            key = (s.provider, n.casefold())
            refs.check(names.get(key, s.slug) == s.slug, file, rec, "name",
                       f"name '{n}' is already used by service '{names.get(key)}'")
            names.setdefault(key, s.slug)
        life = s.lifecycle
        if life.successor is not None:
            refs.check((s.provider, life.successor) in k.services, file, rec,
                       "lifecycle.successor",
                       f"unknown service '{life.successor}' of provider '{s.provider}'")
            refs.check(life.successor != s.slug, file, rec, "lifecycle.successor",
                       "a service cannot succeed itself")
    for p in sorted(k.providers):
        for attr, fld in (("card", "card.position"), ("featured", "featured.position")):
            positions = [getattr(s, attr).position for s in services
                         if s.provider == p and getattr(s, attr) is not None]
            dupes = sorted({x for x in positions if positions.count(x) > 1})
            refs.check(not dupes, "services.yaml", f"provider '{p}'", fld,
                       f"duplicate position(s) {dupes}")


def check_capabilities(f: dict[str, Record], k: Known, refs: Refs) -> None:
    caps = f["capabilities.yaml"].capabilities
    _unique_split(refs, "capabilities.yaml", "capabilities", [c.slug for c in caps])
    for i, c in enumerate(caps):
        file, rec = refs.at("capabilities.yaml", "capabilities", i, c.slug)
        refs.check(c.category in k.categories, file, rec, "category",
                   f"unknown category '{c.category}'")
        for p in sorted(k.providers - set(c.cells)):
            refs.check(False, file, rec, f"cells.{p}",
                       "missing: give the services, or 'none' with a note")
        for p, cell in c.cells.items():
            refs.check(p in k.providers, file, rec, f"cells.{p}", f"unknown provider '{p}'")
            listed = [*cell.services, *cell.legacy]
            for part, slugs in (("services", cell.services), ("legacy", cell.legacy)):
                for sl in slugs:
                    refs.check((p, sl) in k.services, file, rec, f"cells.{p}.{part}",
                               f"unknown service '{sl}' of provider '{p}'")
            refs.check(len(set(listed)) == len(listed), file, rec, f"cells.{p}.services",
                       "a service is listed twice")
            for sl in cell.services:
                status = k.status.get((p, sl), "ga")
                refs.check(status not in NOT_CURRENT, file, rec, f"cells.{p}.services",
                           f"service '{sl}' is {status}: it cannot be offered as the current "
                           "equivalent (list it under 'legacy')")
            for sl in cell.legacy:
                status = k.status.get((p, sl), "ga")
                refs.check(status in NOT_CURRENT, file, rec, f"cells.{p}.legacy",
                           f"service '{sl}' is {status}: only closed, deprecated or retired "
                           "services are legacy")
    facts = f["compare_facts.yaml"].facts
    refs.unique("compare_facts.yaml", "facts", [x.slug for x in facts])
    for i, fact in enumerate(facts):
        for p in fact.values:
            refs.check(p in k.providers, "compare_facts.yaml", _rec("facts", i, fact.slug),
                       f"values.{p}", f"unknown provider '{p}'")


def check_practices_and_samples(f: dict[str, Record], k: Known, refs: Refs) -> None:
    practices = f["best_practices.yaml"].best_practices
    refs.unique("best_practices.yaml", "best_practices",
                [(b.provider, b.slug) for b in practices], "provider/slug")
    refs.unique("best_practices.yaml", "best_practices",
                [(b.provider, b.number) for b in practices], "provider/number")
    samples = f["code_samples.yaml"].code_samples
    refs.unique("code_samples.yaml", "code_samples", [(c.provider, c.slug) for c in samples],
                "provider/slug")
    for fname, coll, records in (("best_practices.yaml", "best_practices", practices),
                                 ("code_samples.yaml", "code_samples", samples)):
        for i, r in enumerate(records):
            refs.check(r.provider in k.providers, fname, _rec(coll, i, r.slug), "provider",
                       f"unknown provider '{r.provider}'")


def check_architectures(f: dict[str, Record], k: Known, refs: Refs) -> None:
    archs = f["architectures.yaml"].architectures
    refs.unique("architectures.yaml", "architectures", [a.slug for a in archs])
    kinds = f["diagram_boundaries.yaml"].boundary_kinds
    refs.unique("diagram_boundaries.yaml", "boundary_kinds", [b.slug for b in kinds])
    kind_slugs = {b.slug for b in kinds}
    for i, b in enumerate(kinds):
        for p in b.providers:
            refs.check(p in k.providers, "diagram_boundaries.yaml",
                       _rec("boundary_kinds", i, b.slug), f"providers.{p}",
                       f"unknown provider '{p}'")
    for i, a in enumerate(archs):
        rec = _rec("architectures", i, a.slug)
        for j, node in enumerate(a.diagram.nodes):
            if node.capability:
                refs.check(node.capability in k.capabilities, "architectures.yaml", rec,
                           f"diagram.nodes[{j}].capability",
                           f"unknown capability '{node.capability}'")
        for j, zone in enumerate(a.diagram.boundaries):
            refs.check(zone.kind in kind_slugs, "architectures.yaml", rec,
                       f"diagram.boundaries[{j}].kind",
                       f"unknown boundary kind '{zone.kind}' (diagram_boundaries.yaml)")
        for j, card in enumerate(a.cards):
            for cap in card.capabilities:
                refs.check(cap in k.capabilities, "architectures.yaml", rec,
                           f"cards[{j}].capabilities", f"unknown capability '{cap}'")
    cons = f["architecture_considerations.yaml"]
    refs.unique("architecture_considerations.yaml", "considerations",
                [c.architecture for c in cons.considerations], "architecture")
    slugs = {a.slug for a in archs}
    for i, c in enumerate(cons.considerations):
        refs.check(c.architecture in slugs, "architecture_considerations.yaml",
                   _rec("considerations", i, c.architecture), "architecture",
                   f"unknown architecture '{c.architecture}'")
    for i, src in enumerate(cons.sources):
        refs.check(src.provider in k.providers, "architecture_considerations.yaml",
                   _rec("sources", i, src.id), "provider", f"unknown provider '{src.provider}'")


def check_devops(f: dict[str, Record], k: Known, refs: Refs) -> None:
    devops = f["devops.yaml"]
    refs.unique("devops.yaml", "stages", [s.slug for s in devops.stages])
    refs.unique("devops.yaml", "stages", [s.number for s in devops.stages], "number")
    refs.unique("devops.yaml", "third_party", [t.slug for t in devops.third_party])
    for i, s in enumerate(devops.stages):
        rec = _rec("stages", i, s.slug)
        for p, tool in s.tools.items():
            refs.check(p in k.providers, "devops.yaml", rec, f"tools.{p}",
                       f"unknown provider '{p}'")
            if tool.service:
                refs.check((p, tool.service) in k.services, "devops.yaml", rec,
                           f"tools.{p}.service", f"unknown service '{tool.service}'")


def check_learning(f: dict[str, Record], k: Known, refs: Refs) -> None:
    resources = f["learning.yaml"].resources
    refs.unique("learning.yaml", "resources", [(r.provider, r.slug) for r in resources],
                "provider/slug")
    for i, r in enumerate(resources):
        rec = _rec("resources", i, r.slug)
        refs.check(r.provider in k.providers, "learning.yaml", rec, "provider",
                   f"unknown provider '{r.provider}'")
        if r.exam:
            refs.check(r.exam in k.exams, "learning.yaml", rec, "exam",
                       f"unknown exam '{r.exam}'")


def check_exams(f: dict[str, Record], k: Known, refs: Refs) -> None:
    exams = f["exams.yaml"].exams
    refs.unique("exams.yaml", "exams", [e.slug for e in exams])
    groups = frozenset(g.slug for g in f["decisions.yaml"].groups)
    known = {"category": k.categories, "architecture": k.architectures,
             "provider": k.providers, "kind": frozenset(QUESTION_KINDS), "group": groups,
             "capability": k.capabilities}

    def topic_ok(topic: str, rec: str, field: str) -> None:
        match = TOPIC_RE.match(topic)
        assert match  # the schema's pattern already holds
        refs.check(match.group(2) in known[match.group(1)], "exams.yaml", rec, field,
                   f"unknown {match.group(1)} '{match.group(2)}'")

    for i, e in enumerate(exams):
        rec = _rec("exams", i, e.slug)
        refs.check(e.provider in k.providers, "exams.yaml", rec, "provider",
                   f"unknown provider '{e.provider}'")
        for j, d in enumerate(e.domains):
            for topic in d.topics:
                topic_ok(topic, rec, f"domains[{j}].topics")
            ids = [t.id for t in d.tasks]
            refs.check(len(ids) == len(set(ids)), "exams.yaml", rec, f"domains[{j}].tasks",
                       "a task id is listed twice")
            for t in d.tasks:
                for topic in t.topics:
                    topic_ok(topic, rec, f"domains[{j}].tasks[{t.id}].topics")


def _value_error(defn: FacetDef, value: Any) -> str | None:
    """Why ``value`` does not fit facet ``defn``, or None."""
    kind = defn.type
    if kind == "bool":
        return None if isinstance(value, bool) else "expected true or false"
    if kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else f"expected a number of {defn.unit}"
    if kind == "enum":
        if isinstance(value, str) and value in defn.values:
            return None
        return f"'{value}' is not one of {sorted(defn.values)}"
    if kind == "set":
        if not isinstance(value, list) or not value:
            return f"expected a list of {sorted(defn.values)}"
        bad = [v for v in value if v not in defn.values]
        return f"unknown value(s) {bad}; allowed {sorted(defn.values)}" if bad else None
    if kind == "text":
        ok = isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)
        return None if ok else "expected a list of short phrases"
    return f"unknown facet type '{kind}'"  # pragma: no cover - the schema's Literal holds


def check_decisions(f: dict[str, Record], k: Known, refs: Refs) -> None:
    """Groups name existing rows; every fact names a service of the group's rows, a facet of
    the common or the group's vocabulary, and a value that fits it."""
    common = {d.key: d for d in f["facets.yaml"].facets}
    refs.unique("facets.yaml", "facets", [d.key for d in f["facets.yaml"].facets], "key")
    groups = f["decisions.yaml"].groups
    _unique_split(refs, "decisions.yaml", "groups", [g.slug for g in groups])
    members: dict[str, set[tuple[str, str]]] = {}
    for c in f["capabilities.yaml"].capabilities:
        members[c.slug] = {(p, sl) for p, cell in c.cells.items()
                           for sl in (*cell.services, *cell.legacy)}
    for i, g in enumerate(groups):
        file, rec = refs.at("decisions.yaml", "groups", i, g.slug)
        for cap in g.capabilities:
            refs.check(cap in k.capabilities, file, rec, "capabilities",
                       f"unknown capability '{cap}'")
        own = {d.key: d for d in g.facets}
        for key in own:
            refs.check(key not in common, file, rec, f"facets.{key}",
                       "already defined in facets.yaml (the common vocabulary)")
        vocab = {**common, **own}
        in_rows = set().union(*(members.get(c, set()) for c in g.capabilities))
        seen: set[str] = set()
        for j, sf in enumerate(g.services):
            where = f"services[{j}] ({sf.service})"
            refs.check(sf.service not in seen, file, rec, where, "service listed twice")
            seen.add(sf.service)
            key = (sf.provider, sf.slug)
            if key not in k.services:
                refs.check(False, file, rec, f"{where}.service",
                           f"unknown service '{sf.service}'")
                continue
            refs.check(key in in_rows, file, rec, f"{where}.service",
                       f"'{sf.service}' is in none of the group's capability rows")
            for fk, raw in sf.facets.items():
                defn = vocab.get(fk)
                if defn is None:
                    refs.check(False, file, rec, f"{where}.facets.{fk}",
                               f"unknown facet '{fk}' (not in facets.yaml nor the group's "
                               "facets)")
                    continue
                value = getattr(raw, "value", raw)
                problem = _value_error(defn, value)
                refs.check(problem is None, file, rec, f"{where}.facets.{fk}", problem or "")


CHECKS: tuple[Callable[[dict[str, Record], Known, Refs], None], ...] = (
    check_categories_and_providers, check_services, check_capabilities,
    check_practices_and_samples, check_architectures, check_devops, check_learning, check_exams,
    check_decisions,
)


def check(files: dict[str, Record],
          origins: dict[str, list[tuple[str, int]]] | None = None) -> list[str]:
    """Every reference error of a parsed seed (empty when it is consistent)."""
    refs = Refs(origins=dict(origins or {}))
    known = _known(files)
    for run in CHECKS:
        run(files, known, refs)
    return refs.errors


def summarise(errors: list[str]) -> str:
    shown = errors[:MAX_SHOWN]
    if len(errors) > MAX_SHOWN:
        shown.append(f"... and {len(errors) - MAX_SHOWN} more error(s)")
    return "\n".join(shown)
