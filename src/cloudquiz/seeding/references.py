"""Cross-reference checks over a parsed seed: every slug one file names must exist in another.

One function per collection, each adding errors to a :class:`Refs` (file, record, field and
what is wrong), so a new collection brings its own check without touching the others. The
checks run after every file parsed (:func:`check`), and all errors are reported together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .schema import QUESTION_KINDS, TOPIC_RE, Record

MAX_SHOWN = 8


@dataclass
class Refs:
    """Collects reference errors, each naming file, record and field."""

    errors: list[str] = field(default_factory=list)

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


def _known(f: dict[str, Record]) -> Known:
    return Known(
        categories=frozenset(c.slug for c in f["categories.yaml"].categories),
        providers=frozenset(p.slug for p in f["providers.yaml"].providers),
        services=frozenset((s.provider, s.slug) for s in f["services.yaml"].services),
        capabilities=frozenset(c.slug for c in f["capabilities.yaml"].capabilities),
        architectures=frozenset(a.slug for a in f["architectures.yaml"].architectures),
        exams=frozenset(e.slug for e in f["exams.yaml"].exams),
    )


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
    refs.unique("services.yaml", "services", [(s.provider, s.slug) for s in services],
                "provider/slug")
    names: dict[tuple[str, str], str] = {}
    for i, s in enumerate(services):
        rec = _rec("services", i, s.slug)
        refs.check(s.provider in k.providers, "services.yaml", rec, "provider",
                   f"unknown provider '{s.provider}'")
        refs.check(s.category in k.categories, "services.yaml", rec, "category",
                   f"unknown category '{s.category}'")
        for n in [s.name, *(a.name for a in s.aliases)]:
            key = (s.provider, n.casefold())
            refs.check(names.get(key, s.slug) == s.slug, "services.yaml", rec, "name",
                       f"name '{n}' is already used by service '{names.get(key)}'")
            names.setdefault(key, s.slug)
    for p in sorted(k.providers):
        for attr, fld in (("card", "card.position"), ("featured", "featured.position")):
            positions = [getattr(s, attr).position for s in services
                         if s.provider == p and getattr(s, attr) is not None]
            dupes = sorted({x for x in positions if positions.count(x) > 1})
            refs.check(not dupes, "services.yaml", f"provider '{p}'", fld,
                       f"duplicate position(s) {dupes}")


def check_capabilities(f: dict[str, Record], k: Known, refs: Refs) -> None:
    caps = f["capabilities.yaml"].capabilities
    refs.unique("capabilities.yaml", "capabilities", [c.slug for c in caps])
    for i, c in enumerate(caps):
        rec = _rec("capabilities", i, c.slug)
        refs.check(c.category in k.categories, "capabilities.yaml", rec, "category",
                   f"unknown category '{c.category}'")
        for p, cell in c.cells.items():
            refs.check(p in k.providers, "capabilities.yaml", rec, f"cells.{p}",
                       f"unknown provider '{p}'")
            for sl in cell.services:
                refs.check((p, sl) in k.services, "capabilities.yaml", rec,
                           f"cells.{p}.services", f"unknown service '{sl}' of provider '{p}'")
            refs.check(len(set(cell.services)) == len(cell.services), "capabilities.yaml", rec,
                       f"cells.{p}.services", "a service is listed twice")
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
    for i, a in enumerate(archs):
        for j, node in enumerate(a.diagram.nodes):
            if node.capability:
                refs.check(node.capability in k.capabilities, "architectures.yaml",
                           _rec("architectures", i, a.slug), f"diagram.nodes[{j}].capability",
                           f"unknown capability '{node.capability}'")


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
    known = {"category": k.categories, "architecture": k.architectures,
             "provider": k.providers, "kind": frozenset(QUESTION_KINDS)}
    for i, e in enumerate(exams):
        rec = _rec("exams", i, e.slug)
        refs.check(e.provider in k.providers, "exams.yaml", rec, "provider",
                   f"unknown provider '{e.provider}'")
        for j, d in enumerate(e.domains):
            for topic in d.topics:
                match = TOPIC_RE.match(topic)
                assert match  # the schema's pattern already holds
                refs.check(match.group(2) in known[match.group(1)], "exams.yaml", rec,
                           f"domains[{j}].topics", f"unknown {match.group(1)} '{match.group(2)}'")


CHECKS: tuple[Callable[[dict[str, Record], Known, Refs], None], ...] = (
    check_categories_and_providers, check_services, check_capabilities,
    check_practices_and_samples, check_architectures, check_devops, check_learning, check_exams,
)


def check(files: dict[str, Record]) -> list[str]:
    """Every reference error of a parsed seed (empty when it is consistent)."""
    refs = Refs()
    known = _known(files)
    for run in CHECKS:
        run(files, known, refs)
    return refs.errors


def summarise(errors: list[str]) -> str:
    shown = errors[:MAX_SHOWN]
    if len(errors) > MAX_SHOWN:
        shown.append(f"... and {len(errors) - MAX_SHOWN} more error(s)")
    return "\n".join(shown)
