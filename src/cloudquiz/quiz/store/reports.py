"""Reports of a problem with a question, for the maintainers who fix the bank.

A learner reports an item whose answer they have seen (its feedback, the results, a review):
the right answer is wrong, two answers are right, the question is unclear, or a fact is
outdated, with an optional comment. The report keeps everything a maintainer needs to judge it
without asking the learner — the item as it was asked, the content version it was generated
from and the one current at the time of the report, and the source record of its facts (the
documentation URLs, the hub page, and the equivalence row with its source and the date it was
last verified). One report per learner and item (``card_key``): reporting again changes
nothing, and the item shows "Reported — under review" to its reporter wherever it comes back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ... import models as m
from ...models import db
from . import clock

REASONS = {
    "wrong_key": "The marked answer is wrong",
    "two_right": "More than one answer is right",
    "unclear": "The question is unclear",
    "outdated": "A fact is outdated",
}
STATUSES = {"open": "Reported — under review", "resolved": "Reported — reviewed"}
MAX_COMMENT = 1000
CSV_COLUMNS = ("id", "created_at", "status", "reason", "comment", "kind", "card_key",
               "exam_or_mode", "position", "content_version", "reported_version", "prompt",
               "options", "marked_correct", "chosen", "explanation", "sources", "hub_url",
               "capability", "capability_source", "capability_verified_on", "resolution",
               "resolved_at")


def _item_snapshot(q: m.AttemptQuestion) -> dict[str, Any]:
    return {"prompt": q.prompt, "options": list(q.options), "correct": list(q.correct),
            "multi": q.multi, "chosen": list(q.chosen) if q.chosen is not None else None,
            "explanation": q.explanation, "rationale": list(q.rationale or []),
            "domain": q.domain, "tags": dict(q.tags or {})}


def _source_record(q: m.AttemptQuestion) -> dict[str, Any]:
    record: dict[str, Any] = {"urls": list(q.sources or []), "hub_url": q.hub_url}
    topic = (q.tags or {}).get("topic")
    cap = db.session.scalar(sa.select(m.Capability).where(m.Capability.slug == topic)) \
        if isinstance(topic, str) else None
    if cap is not None:
        record["capability"] = {"slug": cap.slug, "name": cap.name,
                                "source_url": cap.source_url,
                                "verified_on": cap.verified_on.isoformat()}
    return record


def create(lid: str, attempt: m.Attempt, q: m.AttemptQuestion, reason: str, comment: str,
           current_version: str) -> tuple[m.ItemReport, bool]:
    """Store a report; returns it and whether it is new. A second report of the same item by
    the same learner (another tab, a replayed form, the item again in a later attempt) keeps
    the first one and changes nothing."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    report = m.ItemReport(
        learner_id=lid, attempt_id=attempt.id, position=q.position, card_key=q.card_key,
        kind=q.kind, reason=reason, comment=comment.strip()[:MAX_COMMENT],
        item=_item_snapshot(q), source=_source_record(q),
        content_version=attempt.content_version, reported_version=current_version,
        status="open", resolution="", created_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError:
        existing = of(lid, q.card_key)
        assert existing is not None
        return existing, False
    db.session.commit()
    return report, True


def of(lid: str | None, card_key: str) -> m.ItemReport | None:
    if lid is None:
        return None
    return db.session.scalar(sa.select(m.ItemReport).where(
        m.ItemReport.learner_id == lid, m.ItemReport.card_key == card_key))


def reported(lid: str | None, card_keys: Iterable[str]) -> dict[str, m.ItemReport]:
    """This learner's reports of these items, by card key (one query)."""
    keys = list(set(card_keys))
    if lid is None or not keys:
        return {}
    rows = db.session.scalars(sa.select(m.ItemReport).where(
        m.ItemReport.learner_id == lid, m.ItemReport.card_key.in_(keys)))
    return {r.card_key: r for r in rows}


def listing(status: str | None = None) -> list[m.ItemReport]:
    """Every report (or those with ``status``), oldest first."""
    stmt = sa.select(m.ItemReport).order_by(m.ItemReport.created_at, m.ItemReport.id)
    if status is not None:
        stmt = stmt.where(m.ItemReport.status == status)
    return list(db.session.scalars(stmt))


def resolve(report_id: int, note: str) -> m.ItemReport | None:
    """Mark a report reviewed, with what was done; None when there is no such report."""
    report = db.session.get(m.ItemReport, report_id)
    if report is None:
        return None
    report.status, report.resolution, report.resolved_at = "resolved", note, clock.now()
    db.session.commit()
    return report


def _where(attempts: Mapping[int, m.Attempt], report: m.ItemReport) -> str:
    attempt = attempts.get(report.attempt_id)
    if attempt is None:
        return ""
    return attempt.exam_slug or attempt.mode


def csv_text(reports: list[m.ItemReport]) -> str:
    """The reports as CSV (UTF-8, one row each, lists as JSON) for a spreadsheet or a script."""
    ids = {r.attempt_id for r in reports}
    attempts = {a.id: a for a in db.session.scalars(
        sa.select(m.Attempt).where(m.Attempt.id.in_(ids)))} if ids else {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in reports:
        item, source = r.item or {}, r.source or {}
        options = item.get("options", [])
        cap = source.get("capability") or {}
        writer.writerow([
            r.id, _iso(r.created_at), r.status, r.reason, r.comment, r.kind, r.card_key,
            _where(attempts, r), r.position, r.content_version, r.reported_version,
            item.get("prompt", ""), json.dumps(options, ensure_ascii=False),
            json.dumps([options[i] for i in item.get("correct", []) if i < len(options)],
                       ensure_ascii=False),
            json.dumps([options[i] for i in (item.get("chosen") or []) if i < len(options)],
                       ensure_ascii=False),
            item.get("explanation", ""), json.dumps(source.get("urls", [])),
            source.get("hub_url", ""), cap.get("slug", ""), cap.get("source_url", ""),
            cap.get("verified_on", ""), r.resolution, _iso(r.resolved_at)])
    return out.getvalue()


def _iso(value: dt.datetime | None) -> str:
    return value.replace(microsecond=0).isoformat() if value is not None else ""
