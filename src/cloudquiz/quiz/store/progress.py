"""Progress: a learner's attempts and accuracy per provider, category and question kind.

Read-only: two queries for the whole /progress page, whatever the number of attempts. A running
exam's answers count nowhere here (totals, accuracy, weakest areas) until it is submitted or
times out: only how many it has answered is shown, on its own row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from ... import models as m
from ...models import db


@dataclass
class Tally:
    label: str
    key: str
    answered: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def percent(self) -> int:
        return round(self.accuracy * 100)


@dataclass
class Progress:
    attempts: list[m.Attempt] = field(default_factory=list)
    answered: dict[int, int] = field(default_factory=dict)  # attempt id -> answered count
    by_provider: list[Tally] = field(default_factory=list)
    by_category: list[Tally] = field(default_factory=list)
    by_kind: list[Tally] = field(default_factory=list)
    total_answered: int = 0
    total_correct: int = 0


def summary(lid: str | None, provider_names: dict[str, str],
            category_names: dict[str, str], kind_names: dict[str, str]) -> Progress:
    """Everything /progress shows, in two queries: the attempts, then the answered questions."""
    result = Progress()
    if lid is None:
        return result
    result.attempts = list(db.session.scalars(
        sa.select(m.Attempt).where(m.Attempt.learner_id == lid)
        .order_by(m.Attempt.created_at, m.Attempt.id)))
    rows = db.session.execute(
        sa.select(m.AttemptQuestion.attempt_id, m.AttemptQuestion.kind, m.AttemptQuestion.tags,
                  m.AttemptQuestion.is_correct)
        .join(m.Attempt, m.Attempt.id == m.AttemptQuestion.attempt_id)
        .where(m.Attempt.learner_id == lid, m.AttemptQuestion.chosen.is_not(None))
    ).all()
    tallies: dict[str, dict[str, Tally]] = defaultdict(dict)
    names = {"provider": provider_names, "category": category_names, "kind": kind_names}
    answered: dict[int, int] = defaultdict(int)
    running = {a.id for a in result.attempts if a.mode == "exam" and a.finished_at is None}
    for attempt_id, kind, tags, is_correct in rows:
        answered[attempt_id] += 1
        if attempt_id in running:
            continue
        result.total_answered += 1
        result.total_correct += bool(is_correct)
        tags = tags or {}
        for dim, value in (("provider", tags.get("provider")), ("category", tags.get("category")),
                           ("kind", kind)):
            if not value:
                continue
            tally = tallies[dim].get(value)
            if tally is None:
                tally = tallies[dim][value] = Tally(names[dim].get(value, value), value)
            tally.answered += 1
            tally.correct += bool(is_correct)
    result.answered = dict(answered)

    def ordered(dim: str) -> list[Tally]:
        order = list(names[dim])
        return sorted(tallies[dim].values(),
                      key=lambda t: (order.index(t.key) if t.key in order else len(order), t.label))

    result.by_provider = ordered("provider")
    result.by_category = ordered("category")
    result.by_kind = ordered("kind")
    return result


def weakest(prog: Progress, limit: int = 3, min_answers: int = 2) -> list[tuple[str, Tally]]:
    """The areas with the lowest accuracy (and at least ``min_answers``), below 100 %."""
    areas = [(dim, t) for dim, tallies in (("provider", prog.by_provider),
                                           ("category", prog.by_category),
                                           ("kind", prog.by_kind))
             for t in tallies if t.answered >= min_answers and t.correct < t.answered]
    areas.sort(key=lambda a: (a[1].accuracy, -a[1].answered, a[0], a[1].label))
    return areas[:limit]
