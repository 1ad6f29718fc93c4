"""Search (``/search?q=``) across services (with former names and abbreviations), comparison
rows, best practices and architectures.

The index is built once per content version (:func:`index`) from the equivalence spine and a
few queries; a search is then pure Python over a few hundred records. Ranking, best first:

1. the query is a record's name, short name, abbreviation or former name ("Azure AD", "EKS");
2. the name starts with the query;
3. every word of the query starts a word of the name (words, not letters: "ad" never matches
   inside "Load");
4. every word starts a word of the record's other fields (keywords, description, labels);
5. every word is *nearly* a word of the record (one or two typos: "kubernets", "postgress"),
   measured with rapidfuzz.

Provider words in the query ("aws", "azure", "gcp", "google") narrow the results to that
provider instead of being searched for. A comparison row that matches also lists its services
as links, and brings those services into the services group (just below direct matches), so
"message queue", "kafka" or "object storage" lead to the services themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, request, url_for
from markupsafe import Markup, escape
from rapidfuzz import fuzz, process

from .. import models as m
from ..content import per_version
from ..models import db
from ..web.htmx import render_page
from ..web.params import clean_param
from .capabilities import Cloud, ServiceInfo, spine

bp = Blueprint("search", __name__)

MAX_TERMS = 8
LIMIT = 40  # results shown per group
FUZZY_CUTOFF = 84  # rapidfuzz ratio for a word to count as a typo of another
MIN_FUZZY_LEN = 4  # shorter words must match exactly (word starts)
PROVIDER_WORDS = {
    "aws": "aws", "amazon": "aws", "azure": "azure", "microsoft": "azure", "gcp": "gcp",
    "google": "gcp",
}
# Score bands (higher is better). A service that a matching comparison row lists scores just
# below the names that match themselves; a typo costs TYPO; a service that is closed, deprecated
# or retired ranks below the current ones of its band.
EXACT, PREFIX, NAME_WORDS, KEYWORD, VIA_ROW, FIELD_WORDS, CATEGORY_WORDS = (
    100, 90, 80, 75, 70, 60, 45)
BOTH_BONUS = 5  # a service a matching row lists that also matches by its own text
TYPO, NOT_CURRENT_PENALTY = 30, 12
EXACT_ONLY_LEN = 3  # words this short match whole words only ("ad", "nat", "s3")

_WORD = re.compile(r"[a-z0-9]+(?:[.+#][a-z0-9]+)*")


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


@dataclass(frozen=True)
class Entry:
    """One searchable record: its names (ranked first) and its other text."""

    key: str
    kind: str  # service | capability | practice | architecture
    title: str
    url: str
    text: str
    names: tuple[str, ...]  # name, short name, former names, abbreviations (folded)
    name_words: frozenset[str]
    other_words: frozenset[str]  # summary, description, labels
    category_words: frozenset[str]
    keywords: tuple[str, ...] = ()  # what else people call a row (folded)
    keyword_words: frozenset[str] = frozenset()
    extra_words: int = 0  # words of the title: "Cloud Storage" beats "Storage Transfer Service"
    provider: str | None = None
    badges: tuple[str, ...] = ()
    extra: Any = None
    order: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Index:
    entries: tuple[Entry, ...]
    vocabulary: tuple[str, ...]  # every word of every record, for typo matching
    row_services: dict[str, tuple[str, ...]]  # capability slug -> service keys
    services: dict[str, Entry] = field(default_factory=dict)  # service key -> its entry
    rows: tuple[Entry, ...] = ()  # the capability entries


def _entry(key: str, kind: str, title: str, url: str, text: str, names: Iterable[str],
           others: Iterable[str], category: str = "", keywords: Iterable[str] = (),
           **kw: Any) -> Entry:
    names = tuple(dict.fromkeys(fold(n) for n in names if n))
    name_words = frozenset(w for n in names for w in words(n))
    keywords = tuple(dict.fromkeys(fold(k) for k in keywords if k))
    keyword_words = frozenset(w for k in keywords for w in words(k)) - name_words
    other_words = frozenset(w for o in others if o for w in words(o)) - name_words
    category_words = frozenset(words(category)) - name_words - other_words
    return Entry(key, kind, title, url, text, names, name_words, other_words, category_words,
                 extra_words=len(words(title)), keywords=keywords, keyword_words=keyword_words,
                 **kw)


def _expanded_name(short: str, *texts: str) -> str:
    """The long name a text spells out before the short one: "Amazon Simple Queue Service
    (SQS)" gives "Amazon Simple Queue Service" for "SQS"."""
    if not short:
        return ""
    pattern = re.compile(r"((?:[A-Z][\w-]*\s){1,6})\(" + re.escape(short) + r"\)")
    for text in texts:
        match = pattern.search(text or "")
        if match:
            return match.group(1).strip()
    return ""


def _acronym(name: str) -> str:
    """ "Amazon Elastic Kubernetes Service" -> "" (has a short name); "Cloud Run" -> "". Only
    names whose capitals spell a 2-5 letter word give one ("Google Kubernetes Engine" -> GKE)."""
    caps = [w[0] for w in name.split() if w[:1].isupper()]
    return "".join(caps) if 2 <= len(caps) <= 5 else ""


@dataclass(frozen=True)
class CellView:
    provider: Cloud
    label: str
    services: tuple[ServiceInfo, ...]
    none: str


def _build_index() -> Index:
    sp = spine()
    entries: list[Entry] = []
    row_services: dict[str, tuple[str, ...]] = {}
    descriptions = {f"{p}/{slug}": d for slug, p, d in db.session.execute(
        sa.select(m.Service.slug, m.Provider.slug, m.Service.description)
        .join(m.Service.provider))}
    for svc in sp.services.values():
        brandless = re.sub(r"^(Amazon|AWS|Azure|Microsoft|Google Cloud|Google)\s+", "",
                           svc.name)
        long_name = _expanded_name(svc.short_name, descriptions.get(svc.key, ""), svc.summary)
        entries.append(_entry(
            svc.key, "service", svc.name, svc.url, svc.summary,
            [svc.name, svc.short_name, brandless, *svc.aliases, _acronym(brandless), long_name],
            [svc.summary, descriptions.get(svc.key, "")], category=svc.category.name,
            provider=svc.provider.slug, badges=(svc.category.name,),
            extra={"aliases": svc.aliases, "service": svc},
            order=(svc.provider.position, svc.name.casefold())))
    for row in sp.rows:
        cells = [CellView(c.provider, c.title, c.services, c.none) for c in row.cells.values()]
        row_services[row.slug] = tuple(s.key for c in row.cells.values() for s in c.services)
        entries.append(_entry(
            row.slug, "capability", row.name, url_for("compare.index", q=row.name,
                                                      _anchor=row.dom_id),
            row.description, [row.name], [row.description, *(c.title for c in row.cells.values())],
            keywords=row.keywords,
            category=row.category.name, badges=(row.category.name,), extra=cells,
            order=(not row.core, row.position)))
    providers = {p.id: p for p in db.session.scalars(sa.select(m.Provider))}
    for b in db.session.scalars(sa.select(m.BestPractice)):
        p = providers[b.provider_id]
        entries.append(_entry(
            f"{p.slug}/{b.slug}", "practice", b.title,
            url_for("providers.detail", slug=p.slug, _anchor=f"practice-{b.slug}"), b.text,
            [b.title], [b.text], category=b.pillar, provider=p.slug,
            badges=(b.pillar,) if b.pillar else (), order=(p.position, b.number)))
    for a in db.session.scalars(sa.select(m.Architecture)):
        entries.append(_entry(
            a.slug, "architecture", a.title, a.url, a.lead, [a.title, a.heading],
            [a.tagline, a.summary, a.lead], category=a.group, badges=(a.group,), extra=a.icon,
            order=(a.position,)))
    vocabulary = sorted({w for e in entries
                         for w in (*e.name_words, *e.keyword_words, *e.other_words)
                         if len(w) >= MIN_FUZZY_LEN})
    return Index(tuple(entries), tuple(vocabulary), row_services,
                 {e.key: e for e in entries if e.kind == "service"},
                 tuple(e for e in entries if e.kind == "capability"))


def search_index() -> Index:
    return per_version("hub.search", _build_index)


# ----------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class Query:
    text: str  # what was typed, cleaned
    terms: tuple[str, ...]  # searched words (provider words removed)
    providers: frozenset[str]  # providers named in the query
    typos: dict[str, str] = field(default_factory=dict)  # typed word -> nearest known word


def parse(q: str, idx: Index) -> Query:
    raw = words(q)[:MAX_TERMS]
    providers = frozenset(PROVIDER_WORDS[w] for w in raw if w in PROVIDER_WORDS)
    terms = tuple(w for w in raw if w not in PROVIDER_WORDS) or (
        tuple(raw) if not providers else ())
    if providers and not terms:
        providers = frozenset()  # "azure" alone: search for the word
        terms = tuple(raw)
    known = set(idx.vocabulary)
    typos = {}
    for t in terms:
        if len(t) < MIN_FUZZY_LEN or t in known or any(v.startswith(t) for v in known):
            continue
        best = process.extractOne(t, idx.vocabulary, scorer=fuzz.ratio,
                                  score_cutoff=FUZZY_CUTOFF)
        if best:
            typos[t] = best[0]
    return Query(" ".join(q.split()), terms, providers, typos)


def _starts(term: str, vocab: frozenset[str]) -> bool:
    if term in vocab or f"{term}s" in vocab or f"{term}es" in vocab:  # "sdk" finds "SDKs"
        return True
    return len(term) > EXACT_ONLY_LEN and any(w.startswith(term) for w in vocab)


def _score_terms(e: Entry, terms: Sequence[str], typed: str) -> int:
    phrase = " ".join(terms)
    joined = "".join(terms)  # "dynamo db" is DynamoDB
    if phrase in e.names or fold(typed) in e.names or (len(terms) > 1 and joined in e.names):
        return EXACT
    if len(phrase) > EXACT_ONLY_LEN and any(
            n.startswith(phrase) and n[len(phrase):len(phrase) + 1] not in ("", " ")
            for n in e.names):  # a name being typed ("lamb"), not a whole word of it
        return PREFIX
    if all(_starts(t, e.name_words) for t in terms) or (
            len(terms) > 1 and _starts(joined, e.name_words)):
        return NAME_WORDS
    if phrase in e.keywords:
        return KEYWORD + 3
    if all(_starts(t, e.name_words | e.keyword_words) for t in terms):
        return KEYWORD
    if all(_starts(t, e.name_words | e.keyword_words | e.other_words) for t in terms):
        return FIELD_WORDS
    if all(_starts(t, e.name_words | e.keyword_words | e.other_words | e.category_words)
           for t in terms):
        return CATEGORY_WORDS
    return 0


def score(e: Entry, q: Query) -> int:
    if not q.terms:
        return 0
    best = _score_terms(e, q.terms, q.text)
    if not best and q.typos:
        fixed = [q.typos.get(t, t) for t in q.terms]
        best = max(0, _score_terms(e, fixed, " ".join(fixed)) - TYPO)
    return best


@dataclass(frozen=True)
class Hit:
    title: str
    url: str | None
    text: str = ""
    provider: Cloud | None = None
    badges: tuple[str, ...] = ()
    extra: Any = None
    score: int = 0
    via: str = ""  # the comparison row that brought a service in


@dataclass
class Group:
    key: str
    title: str
    icon: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


GROUPS = (("services", "service", "Services", "🧩"),
          ("capabilities", "capability", "Comparison rows", "⚖️"),
          ("practices", "practice", "Best practices", "✅"),
          ("architectures", "architecture", "Architectures", "🏛️"))


def search(q: Query) -> list[Group]:
    """Every group's hits for ``q``, best first (empty groups included)."""
    idx = search_index()
    sp = spine()
    scored: dict[str, list[tuple[int, Entry, str]]] = {kind: [] for _, kind, _, _ in GROUPS}
    for e in idx.entries:
        if q.providers and e.provider and e.provider not in q.providers:
            continue
        s = score(e, q)
        if s:
            scored[e.kind].append((s, e, ""))
    # A row listing a service the query names exactly ("Azure AD", "Lambda") comes first.
    named = {e.key for s, e, _ in scored["service"] if s == EXACT}
    if named:
        for i, (s, row, why) in enumerate(scored["capability"]):
            if named & set(idx.row_services.get(row.key, ())):
                scored["capability"][i] = (PREFIX + s // 10, row, why)
        for row in idx.rows:
            if named & set(idx.row_services.get(row.key, ())) and not any(
                    r.key == row.key for _, r, _ in scored["capability"]):
                scored["capability"].append((PREFIX, row, ""))
    # Services of the best-matching rows come in just below direct name matches.
    direct = {e.key for s, e, _ in scored["service"] if s >= NAME_WORDS}
    via: dict[str, tuple[int, str]] = {}
    rows = sorted(scored["capability"], key=lambda x: (-x[0], x[1].order[0], x[1].extra_words,
                                                       x[1].order))
    for rank, (s, row, _) in enumerate(rows):
        if s < NAME_WORDS - TYPO:
            continue
        for key in idx.row_services.get(row.key, ()):
            svc = sp.services[key]
            if key in direct or key in via or (q.providers and
                                               svc.provider.slug not in q.providers):
                continue
            # the best row's services first, then the next row's (never below a field match)
            via[key] = (max(FIELD_WORDS + 1, VIA_ROW + (s - NAME_WORDS) // 5 - rank), row.title)
    own = {e.key: s for s, e, _ in scored["service"]}
    scored["service"] = [x for x in scored["service"] if x[1].key not in via]
    scored["service"] += [(s + (BOTH_BONUS if own.get(key) else 0), idx.services[key], title)
                          for key, (s, title) in via.items()]
    for i, (s, e, why) in enumerate(scored["service"]):
        life = sp.services[e.key].lifecycle
        if not life.current:
            scored["service"][i] = (s - NOT_CURRENT_PENALTY, e, why)
    groups = []
    for key, kind, title, icon in GROUPS:
        if kind == "capability":  # the seed page's core rows first, then the closest names
            ranked = sorted(scored[kind], key=lambda x: (-x[0], x[1].order[0],
                                                         x[1].extra_words, x[1].order))
        else:
            ranked = sorted(scored[kind], key=lambda x: (-x[0], x[1].extra_words, x[1].order))
        hits = [Hit(e.title, e.url, e.text, sp.provider(e.provider) if e.provider else None,
                    e.badges, _shown_extra(kind, e, q), s, via) for s, e, via in ranked]
        groups.append(Group(key, title, icon, hits[:LIMIT], len(hits)))
    return groups


def _shown_extra(kind: str, e: Entry, q: Query) -> Any:
    if kind == "capability" and q.providers:
        return [c for c in e.extra if c.provider.slug in q.providers]
    return e.extra


# ----------------------------------------------------------------------------- page


@dataclass(frozen=True)
class Suggestions:
    former_names: list[tuple[str, str]]  # (former name, current name)
    rows: list[tuple[str, str]]  # (row name, icon)


def suggestions() -> Suggestions:
    sp = spine()
    former = sorted(((s.aliases[0], s.name) for s in sp.services.values() if s.aliases),
                    key=lambda a: a[0].casefold())
    rows = [(r.name, r.icon) for r in sp.rows if r.core][:12]
    return Suggestions(former[:8], rows)


@bp.app_template_filter("mark_terms")
def mark_terms(text: str, terms: Sequence[str]) -> Markup:
    """``text`` escaped, with every word that starts with a query word wrapped in ``<mark>``
    (whole words: "ad" marks "AD" in "Azure AD", never the "ad" of "Load")."""
    wanted = sorted({t.casefold() for t in terms if t}, key=len, reverse=True)
    if not text or not wanted:
        return Markup(escape(text or ""))
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in wanted) + r")\w*",
                         re.IGNORECASE)
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos:match.start()]))
        out.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        pos = match.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


@bp.get("/search")
def index() -> Response:
    text = " ".join(clean_param(request.args.get("q"), 100).split())
    query = parse(text, search_index()) if text else None
    groups = search(query) if query and query.terms else []
    total = sum(g.total for g in groups)
    marks = [*query.terms, *query.typos.values()] if query else []
    return render_page(
        "search/index.html", "search_results",
        q=text, terms=marks, query=query, groups=[g for g in groups if g.total], total=total,
        suggest=suggestions() if not total else None,
        form_url=url_for("search.index"),
    )

