"""Quiz pages after the questions: an attempt's results, and a learner's progress.

Both are plain GET pages on the quiz blueprint (``blueprint.bp``). Results are shown only for a
finished attempt (opening them closes an expired one); progress reads everything it shows in a
handful of queries through ``store.progress``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, request, url_for

from .. import models as m
from ..web.htmx import render_page
from . import identity, reporting, timing
from .blueprint import (
    KIND_LABELS,
    MODE_LABELS,
    SCORING_LABELS,
    attempt_or_404,
    bp,
    names,
    percent_of,
    see_other,
)
from .store import attempts, review
from .store import progress as progress_store
from .store import reports as report_store


@dataclass(frozen=True)
class GroupView:
    label: str
    points: float
    max_points: float
    count: int
    answered: int

    @property
    def percent(self) -> int:
        return percent_of(self.points, self.max_points)

    @property
    def scored(self) -> bool:
        """False for a topic whose questions were all skipped (a practice ended early)."""
        return self.max_points > 0


def _groups(att: m.Attempt, questions: list[m.AttemptQuestion]) -> list[GroupView]:
    """Per domain (exam) or topic (practice, review). An exam counts every question; practice
    and review count the answered ones only (skipped questions are not scored)."""
    scoring = attempts.scoring_of(att)
    every = att.mode == "exam"
    order = [d["name"] for d in (att.config or {}).get("domains", [])]
    acc: dict[str, list[float]] = {}
    for q in questions:
        label = q.domain or KIND_LABELS.get(q.kind, q.kind)
        row = acc.setdefault(label, [0.0, 0.0, 0, 0])
        row[0] += q.points
        if every or q.chosen is not None:
            row[1] += attempts.question_max(q, scoring)
        row[2] += 1
        row[3] += q.chosen is not None
    labels = [x for x in order if x in acc] + sorted(x for x in acc if x not in order)
    return [GroupView(x, acc[x][0], acc[x][1], int(acc[x][2]), int(acc[x][3])) for x in labels]


def _mark(att: m.Attempt) -> tuple[int | None, int | None]:
    """An exam's pass mark (else our readiness threshold) and where it sits in percent."""
    cfg = att.config or {}
    mark = cfg.get("pass_mark") or cfg.get("readiness_mark")
    if att.mode != "exam" or mark is None:
        return mark, None
    lo, hi = int(cfg.get("scale_min", 0)), int(cfg.get("scale_max", 1000))
    return mark, (round(100 * (int(mark) - lo) / (hi - lo)) if hi > lo else None)


@dataclass(frozen=True)
class Readiness:
    """One exam on /progress: its last finished simulation against the pass line, per domain,
    and the change since the one before."""

    code: str
    name: str
    attempts: int
    percent: int
    scaled: int | None
    passed: bool | None
    official: bool
    mark: int | None
    mark_percent: int | None
    trend: int | None  # points of percent since the previous simulation of this exam
    domains: list[GroupView]
    url: str


def _readiness(history: list[m.Attempt]) -> list[Readiness]:
    by_exam: dict[str, list[m.Attempt]] = {}
    for a in history:
        if a.mode == "exam" and a.finished_at is not None and a.exam_slug:
            by_exam.setdefault(a.exam_slug, []).append(a)
    out = []
    for runs in by_exam.values():
        last = runs[-1]
        cfg = last.config or {}
        mark, mark_percent = _mark(last)
        percent = percent_of(last.score_points, last.max_points)
        trend = (percent - percent_of(runs[-2].score_points, runs[-2].max_points)
                 if len(runs) > 1 else None)
        out.append(Readiness(
            str(cfg.get("code") or last.title), str(cfg.get("name") or ""), len(runs), percent,
            last.scaled_score, last.passed, cfg.get("pass_mark") is not None, mark,
            mark_percent, trend, _groups(last, attempts.questions_of(last)),
            url_for("quiz.results", public_id=last.public_id)))
    return out


@bp.get("/quiz/attempts/<public_id>/results")
def results(public_id: str) -> Response:
    att = attempt_or_404(public_id)
    attempts.finish_if_expired(att)
    if att.finished_at is None:
        return see_other(url_for("quiz.attempt", public_id=public_id))
    questions = attempts.questions_of(att)
    scoring = attempts.scoring_of(att)
    cfg = att.config or {}
    # Questions another exam of this learner still asks: their right answers wait for it.
    attempts.close_expired(att.learner_id)
    held = attempts.held_cards(att.learner_id, except_attempt=att.id)
    mark, mark_percent = _mark(att)
    items = [{
        "q": q,
        "held": q.card_key in held,
        "chosen_texts": [q.options[i] for i in (q.chosen or []) if 0 <= i < len(q.options)],
        "correct_texts": [q.options[i] for i in q.correct],
        "max": attempts.question_max(q, scoring),
        "url": url_for("quiz.answer", public_id=public_id, n=q.position),
        "reasons": [(q.options[i], i in q.correct, why)
                    for i, why in enumerate(q.rationale or []) if why and i < len(q.options)],
    } for q in questions]
    reported = report_store.reported(att.learner_id, [q.card_key for q in questions])
    for it in items:
        q = it["q"]
        it["report"] = reporting.link_context(public_id, q.position, "results",
                                              reported.get(q.card_key))
    answered = sum(1 for q in questions if q.chosen is not None)
    exam = att.mode == "exam"

    def state(it: dict) -> set[str]:
        q = it["q"]
        out = set()
        if q.chosen is None and not exam:
            out.add("skipped")
        elif not q.is_correct and not it["held"]:
            out.add("incorrect")
        if q.flagged:
            out.add("flagged")
        return out

    for it in items:
        it["states"] = state(it)
    tabs = [("all", "All", len(items))] + [
        (key, label, sum(key in it["states"] for it in items))
        for key, label in (("incorrect", "Incorrect"), ("skipped", "Skipped"),
                           ("flagged", "Flagged"))]
    tabs = [t for t in tabs if t[0] == "all" or t[2]]  # no tab for nothing
    show = request.args.get("show", "all")
    if show not in {t[0] for t in tabs}:
        show = "all"
    shown = items if show == "all" else [it for it in items if show in it["states"]]
    return render_page(
        "quiz/results.html", attempt=att, cfg=cfg, items=shown, groups=_groups(att, questions),
        tabs=[(key, label, n, url_for("quiz.results", public_id=public_id,
                                      **({} if key == "all" else {"show": key})) + "#answers-title")
              for key, label, n in tabs], show=show,
        percent=percent_of(att.score_points, att.max_points),
        answered=answered,
        # Practice and review ended early: the rest is skipped, not wrong (not scored).
        skipped=0 if att.mode == "exam" else len(questions) - answered,
        correct=sum(1 for q in questions if q.is_correct),
        mode_label=MODE_LABELS.get(att.mode, att.mode),
        mark=mark, mark_percent=mark_percent,
        official_mark=cfg.get("pass_mark") is not None,
        # attempts.finish closes an expired attempt at its deadline, never later.
        timed_out=att.deadline is not None and att.finished_at is not None
        and att.finished_at >= att.deadline,
        scoring_label=SCORING_LABELS.get(scoring, ""),
        queue=review.queue_size(att.learner_id),
        timing_text=timing.describe(cfg) if att.mode == "exam" else None,
        time_taken=timing.taken((att.finished_at - att.created_at).total_seconds()),
    )


# ----------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    percent: int
    label: str
    title: str
    mode: str


CHART_W, CHART_H, CHART_PAD_L, CHART_PAD_B, CHART_PAD_T, CHART_PAD_R = 400, 200, 48, 30, 12, 16


def _chart(history: list[m.Attempt]) -> list[ChartPoint]:
    done = [a for a in history if a.finished_at is not None and a.max_points > 0]
    if not done:
        return []
    inner_w = CHART_W - CHART_PAD_L - CHART_PAD_R
    inner_h = CHART_H - CHART_PAD_T - CHART_PAD_B
    step = inner_w / (len(done) - 1) if len(done) > 1 else 0
    points = []
    for i, a in enumerate(done):
        pct = percent_of(a.score_points, a.max_points)
        x = CHART_PAD_L + (i * step if len(done) > 1 else inner_w / 2)
        y = CHART_PAD_T + inner_h * (1 - pct / 100)
        mode = MODE_LABELS.get(a.mode, a.mode)
        points.append(ChartPoint(round(x, 1), round(y, 1), pct, str(i + 1),
                                 f"Attempt {i + 1}, {mode}: {pct}%", mode))
    return points


@bp.get("/progress")
def progress() -> Response:
    providers, categories = names()
    lid = identity.learner_id()
    attempts.close_expired(lid)  # a timed-out exam counts from now on
    prog = progress_store.summary(lid, providers, categories, KIND_LABELS)
    weak = progress_store.weakest(prog)
    chart = _chart(prog.attempts)
    rows = []
    for a in reversed(prog.attempts):
        expired = attempts.is_expired(a)
        answered = prog.answered.get(a.id, 0)
        rows.append({
            "a": a, "answered": answered, "expired": expired,
            # A practice or review ended early: its score is over the answered questions.
            "skipped": (a.question_count - answered
                        if a.finished_at is not None and a.mode != "exam" else 0),
            "percent": percent_of(a.score_points, a.max_points),
            "timing": timing.short(a.config or {}) if a.mode == "exam" else None,
            "url": url_for("quiz.results" if a.finished_at or expired else "quiz.attempt",
                           public_id=a.public_id),
        })
    field = {"provider": "providers", "category": "categories", "kind": "kinds"}
    weak_views = [{"dim": dim, "tally": t, "field": field[dim]} for dim, t in weak]
    return render_page(
        "quiz/progress.html", prog=prog, rows=rows, chart=chart, weak=weak_views,
        readiness=_readiness(prog.attempts),
        queue=review.stats(lid), mode_labels=MODE_LABELS,
        retention_percent=round(100 * review.scheduler().desired_retention),
        chart_w=CHART_W, chart_h=CHART_H, pad_l=CHART_PAD_L, pad_r=CHART_PAD_R,
        pad_t=CHART_PAD_T, pad_b=CHART_PAD_B,
        overall=percent_of(prog.total_correct, prog.total_answered),
        running_exams=sum(1 for a in prog.attempts if a.mode == "exam" and a.finished_at is None),
    )
