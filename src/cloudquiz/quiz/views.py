"""Quiz pages: start a mode, answer questions, review an exam, results and progress.

Every page is a real URL that works without JavaScript: answers and flags are POST forms that
redirect (303) to the question's GET, which then shows the feedback. With htmx the same forms
swap the ``question_panel`` block in place. Answers are checked on the server only; the page of
an unanswered question carries no trace of the correct option.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, request, url_for
from sqlalchemy.orm import selectinload

from .. import models as m
from ..content import content_version
from ..models import db
from ..web.htmx import full_redirect, render_page, wants_fragment
from . import engine, snapshot, store
from .forms import (
    FlagForm,
    InvalidChoice,
    PracticeForm,
    choices,
    choose_label,
    read_choice,
)
from .types import KINDS

bp = Blueprint("quiz", __name__)

KIND_LABELS: dict[str, str] = {k: engine.KIND_LABELS.get(k, k) for k in KINDS}
MODE_LABELS = {"practice": "Practice", "exam": "Exam simulation", "review": "Review mistakes"}
SCORING_LABELS = {
    "no_partial": "No partial credit: a multiple-response question scores only when every "
                  "correct option and nothing else is chosen.",
    "per_component": "One point for each correct component: multi-part items earn partial "
                     "credit.",
    "unpublished": "Not published by the provider; the simulation scores each question right "
                   "or wrong.",
}


# ----------------------------------------------------------------------------- small helpers


def _names() -> tuple[dict[str, str], dict[str, str]]:
    providers = {p.slug: p.short_name for p in db.session.scalars(
        sa.select(m.Provider).order_by(m.Provider.position))}
    categories = {c.slug: c.name for c in db.session.scalars(
        sa.select(m.Category).order_by(m.Category.position))}
    return providers, categories


def _practice_form(providers: dict[str, str], categories: dict[str, str],
                   formdata: Any = None) -> PracticeForm:
    form = PracticeForm(formdata=formdata) if formdata is not None else PracticeForm()
    form.providers.choices = choices(providers.items())
    form.categories.choices = choices(categories.items())
    form.kinds.choices = choices((k, KIND_LABELS.get(k, k)) for k in KINDS)
    return form


def _exams() -> list[m.Exam]:
    return list(db.session.scalars(
        sa.select(m.Exam).order_by(m.Exam.position, m.Exam.id)
        .options(selectinload(m.Exam.provider), selectinload(m.Exam.domains))))


def _exam_or_404(slug: str) -> m.Exam:
    exam = db.session.scalar(
        sa.select(m.Exam).where(m.Exam.slug == slug)
        .options(selectinload(m.Exam.provider), selectinload(m.Exam.domains)))
    if exam is None:
        abort(404, f"There is no exam simulation called “{slug}”.")
    return exam


def _attempt_or_404(public_id: str) -> m.Attempt:
    attempt = store.get_attempt(public_id, store.learner_id())
    if attempt is None:
        abort(404, "There is no quiz attempt at this address for this browser.")
    return attempt


def _found_or_404(public_id: str, n: int, tallies: bool) -> tuple[
        store.AttemptState, store.QuestionState, store.Tallies | None]:
    found = store.question_state(public_id, store.learner_id(), n, tallies=tallies)
    if found is None:
        abort(404, "There is no quiz attempt at this address for this browser.")
    att, q, counts = found
    if q is None:
        abort(404, f"This attempt has no question {n}.")
    return att, q, counts


def _question_or_404(public_id: str, n: int) -> tuple[store.AttemptState, store.QuestionState]:
    """The attempt and its question ``n`` as plain values (one query), or 404."""
    att, q, _ = _found_or_404(public_id, n, tallies=False)
    return att, q


def _page_or_404(public_id: str, n: int) -> tuple[store.AttemptState, store.QuestionState,
                                                  store.Tallies]:
    """The same with the attempt's tallies for the panel (still one query), or 404."""
    att, q, counts = _found_or_404(public_id, n, tallies=True)
    return att, q, counts or store.Tallies(0, 0)


def _see_other(url: str) -> Response:
    response = redirect(url, code=303)
    response.vary.add("HX-Request")  # the same POST gives a fragment to htmx
    return response


def _percent(points: float, max_points: float) -> int:
    return round(100 * points / max_points) if max_points else 0


def _fmt_duration(seconds: int) -> str:
    seconds = max(0, seconds)
    h, rest = divmod(seconds, 3600)
    mnt, s = divmod(rest, 60)
    return f"{h}:{mnt:02d}:{s:02d}" if h else f"{mnt}:{s:02d}"


@dataclass(frozen=True)
class Timer:
    deadline_iso: str
    remaining: str
    remaining_seconds: int
    expired_url: str


def _timer(attempt: m.Attempt | store.AttemptState, results_url: str | None = None
           ) -> Timer | None:
    if attempt.deadline is None or attempt.finished_at is not None:
        return None
    left = int((attempt.deadline - store.now()).total_seconds())
    return Timer(attempt.deadline.replace(tzinfo=dt.timezone.utc).isoformat(),
                 _fmt_duration(left), max(0, left),
                 results_url or url_for("quiz.results", public_id=attempt.public_id))


# ----------------------------------------------------------------------------- start


@bp.get("/quiz")
def index() -> Response:
    providers, categories = _names()
    form = _practice_form(providers, categories, request.args or None)
    return _render_index(form, providers, categories)


def _render_index(form: PracticeForm, providers: dict[str, str], categories: dict[str, str],
                  status: int = 200, error: str | None = None) -> Response:
    lid = store.learner_id()
    unfinished = []
    if lid is not None:
        unfinished = list(db.session.scalars(
            sa.select(m.Attempt).where(m.Attempt.learner_id == lid,
                                       m.Attempt.finished_at.is_(None))
            .order_by(m.Attempt.created_at.desc()).limit(5)))
        unfinished = [a for a in unfinished if not store.is_expired(a)]
    return render_page(
        "quiz/index.html", status=status, form=form, exams=_exams(),
        queue=store.review_stats(lid), unfinished=unfinished, error=error,
        mode_labels=MODE_LABELS, scoring_labels=SCORING_LABELS,
    )


@bp.post("/quiz/practice")
def practice_submit() -> Response:
    providers, categories = _names()
    form = _practice_form(providers, categories)
    if not form.validate():
        return _render_index(form, providers, categories, status=422,
                             error="Some of the choices are not valid; check the form below.")
    seed = store.new_seed()
    snap = snapshot.get_snapshot()
    chosen_providers = list(form.providers.data or [])
    chosen_categories = list(form.categories.data or [])
    chosen_kinds = list(form.kinds.data or [])
    try:
        questions = engine.practice_questions(
            snap, random.Random(seed), providers=frozenset(chosen_providers) or None,
            categories=frozenset(chosen_categories) or None, kinds=frozenset(chosen_kinds) or None,
            count=form.count.data)
    except (KeyError, ValueError):
        questions = []
    if not questions:
        return _render_index(form, providers, categories, status=422,
                             error="No questions match these filters. Tick more providers, "
                                   "categories or question kinds, or none to include all.")
    title_bits = [", ".join(providers.get(p, p) for p in chosen_providers) or "All providers"]
    if chosen_categories:
        title_bits.append(", ".join(categories.get(c, c) for c in chosen_categories[:3])
                          + ("…" if len(chosen_categories) > 3 else ""))
    if chosen_kinds:
        title_bits.append(", ".join(KIND_LABELS.get(k, k) for k in chosen_kinds[:2])
                          + ("…" if len(chosen_kinds) > 2 else ""))
    lid = store.ensure_learner()
    attempt = store.create_attempt(
        lid, mode="practice", title="Practice · " + " · ".join(title_bits), questions=questions,
        config={"scoring": "practice", "providers": chosen_providers,
                "categories": chosen_categories, "kinds": chosen_kinds,
                "count": form.count.data},
        rng_seed=seed, content_version=snap.version)
    return _see_other(url_for("quiz.answer", public_id=attempt.public_id, n=1))


@bp.get("/quiz/exams/<slug>")
def exam_detail(slug: str) -> Response:
    exam = _exam_or_404(slug)
    return render_page("quiz/exam_detail.html", exam=exam, scoring_labels=SCORING_LABELS)


@bp.post("/quiz/exams/<slug>")
def exam_detail_submit(slug: str) -> Response:
    exam = _exam_or_404(slug)
    seed = store.new_seed()
    snap = snapshot.get_snapshot()
    try:
        questions = engine.exam_questions(snap, random.Random(seed), slug)
    except KeyError:
        abort(404, f"There is no exam simulation called “{slug}”.")
    if not questions:
        abort(409, "No questions could be generated for this exam from the hub's content.")
    lid = store.ensure_learner()
    config = {
        "scoring": exam.scoring, "code": exam.code, "name": exam.name,
        "provider": exam.provider.short_name, "pass_mark": exam.pass_mark,
        "readiness_mark": exam.readiness_mark, "scale_min": exam.scale_min,
        "scale_max": exam.scale_max, "duration_minutes": exam.duration_minutes,
        "guide_version": exam.guide_version, "guide_date": exam.guide_date.isoformat(),
        "source_url": exam.source_url,
        "domains": [{"name": d.name, "weight": d.weight} for d in exam.domains],
    }
    attempt = store.create_attempt(
        lid, mode="exam", title=f"{exam.code} simulation · {exam.name}", questions=questions,
        config=config, rng_seed=seed, content_version=snap.version,
        duration_minutes=exam.duration_minutes, exam_slug=exam.slug)
    return _see_other(url_for("quiz.answer", public_id=attempt.public_id, n=1))


@bp.post("/quiz/review")
def review_submit() -> Response:
    lid = store.ensure_learner()
    cards = store.due_cards(lid)
    if not cards:
        db.session.commit()
        abort(409, "Nothing to review right now: questions you get wrong come back here, and "
                   "cards you already reviewed today return on a later day.")
    seed = store.new_seed()
    rng = random.Random(seed)
    rng.shuffle(cards)
    questions = [store.card_question(c, rng) for c in cards]
    attempt = store.create_attempt(
        lid, mode="review", title=f"Review mistakes · {len(questions)} questions",
        questions=questions, config={"scoring": "practice"}, rng_seed=seed,
        content_version=content_version())
    return _see_other(url_for("quiz.answer", public_id=attempt.public_id, n=1))


# ----------------------------------------------------------------------------- question flow


@bp.get("/quiz/attempts/<public_id>")
def attempt(public_id: str) -> Response:
    """Resume: the first open question, the exam review screen, or the results."""
    found = store.question_state(public_id, store.learner_id(), 0)
    if found is None:
        abort(404, "There is no quiz attempt at this address for this browser.")
    att, _, counts = found
    if store.finish_if_expired(att) or att.finished_at is not None:
        return _see_other(url_for("quiz.results", public_id=public_id))
    if counts is None or counts.first_open is None:
        return _see_other(url_for("quiz.attempt_review", public_id=public_id))
    return _see_other(url_for("quiz.answer", public_id=public_id, n=counts.first_open))


@dataclass(frozen=True)
class OptionView:
    index: int
    key: int  # 1-based keyboard shortcut
    text: str
    checked: bool
    correct: bool | None  # None while the correct answer must stay hidden


TIME_IS_UP = ("Time is up: the answer arrived after the deadline and was not recorded. The exam "
              "is closed and scored with the answers given in time.")


def _panel(att: store.AttemptState, q: store.QuestionState, counts: store.Tallies, *,
           status: int = 200, error: str | None = None, notice: str | None = None,
           draft: tuple[int, ...] = ()) -> Response:
    """Render the question page (or only its panel for an htmx swap) from plain values: the
    template never queries, and nothing is read again after an answer's commit."""
    is_exam = att.mode == "exam"
    finished = att.finished_at is not None
    # Practice and review show the answer once given; an exam only once it is finished.
    show_feedback = finished or (q.chosen is not None and not is_exam)
    chosen = tuple(q.chosen) if q.chosen is not None else draft
    options = [OptionView(i, i + 1, text, i in chosen,
                          (i in q.correct) if show_feedback else None)
               for i, text in enumerate(q.options)]
    correct_count = len(q.correct)
    pid = att.public_id
    total = att.question_count
    next_url = (url_for("quiz.answer", public_id=pid, n=q.position + 1)
                if q.position < total else None)
    prev_url = url_for("quiz.answer", public_id=pid, n=q.position - 1) if q.position > 1 else None
    max_points = store.question_max(q, store.scoring_of(att)) if show_feedback else 0
    timed = att.deadline is not None and not finished
    # Only the links this panel shows (each url_for is a route build).
    results_url = url_for("quiz.results", public_id=pid) if finished or timed else None
    return render_page(
        "quiz/question.html", "question_panel", status=status, attempt=att, q=q,
        options=options, total=total, answered=counts.answered, flagged_count=counts.flagged,
        is_exam=is_exam, finished=finished, show_feedback=show_feedback,
        input_type="checkbox" if correct_count > 1 else "radio",
        choose=choose_label(correct_count) if correct_count > 1 else "",
        next_url=next_url, prev_url=prev_url, error=error, notice=notice,
        # htmx takes a root-level <title> of a swapped fragment as the tab's new title.
        page_title=f"Question {q.position} of {total} · {att.title}",
        fragment=wants_fragment(),
        review_url=url_for("quiz.attempt_review", public_id=pid) if is_exam else None,
        results_url=results_url,
        answer_url=url_for("quiz.answer", public_id=pid, n=q.position),
        flag_url=(url_for("quiz.flag_submit", public_id=pid, n=q.position)
                  if is_exam and not finished else None),
        finish_url=(url_for("quiz.finish_submit", public_id=pid)
                    if not is_exam and not finished else None),
        timer=_timer(att, results_url) if timed else None, points=q.points,
        max_points=max_points,
        correct_texts=[q.options[i] for i in q.correct] if show_feedback else [],
        chosen_texts=[q.options[i] for i in (q.chosen or []) if 0 <= i < len(q.options)],
        mode_label=MODE_LABELS.get(att.mode, att.mode),
    )


def _refused(public_id: str, n: int, status: int, error: str) -> Response:
    """The panel again with what went wrong. Nothing was recorded, but the attempt may have
    changed meanwhile (finished, another tab's answer), so it is read again."""
    att, q, counts = _page_or_404(public_id, n)
    return _panel(att, q, counts, status=status, error=error)


def _time_is_up(public_id: str, n: int, message: str) -> Response:
    """A POST after the deadline (the attempt is now closed and scored): htmx goes straight to
    the results page; a plain form gets the question page with a 409 that says so."""
    if wants_fragment():
        return full_redirect(url_for("quiz.results", public_id=public_id))
    return _refused(public_id, n, 409, message)


@bp.get("/quiz/attempts/<public_id>/<int:n>")
def answer(public_id: str, n: int) -> Response:
    att, q, counts = _page_or_404(public_id, n)
    if store.finish_if_expired(att):
        return full_redirect(url_for("quiz.results", public_id=public_id))
    if (att.mode != "exam" and q.chosen is None and att.finished_at is None
            and counts.first_open is not None and counts.first_open < n):
        # Practice and review go in order: send the learner to the open question.
        return _see_other(url_for("quiz.answer", public_id=public_id, n=counts.first_open))
    return _panel(att, q, counts)


@bp.post("/quiz/attempts/<public_id>/<int:n>")
def answer_submit(public_id: str, n: int) -> Response:
    # The hot path (docs/performance.md): one read, one write transaction, one render.
    att, q = _question_or_404(public_id, n)
    if store.finish_if_expired(att):
        return _time_is_up(public_id, n, TIME_IS_UP)
    if att.finished_at is not None:
        return _refused(public_id, n, 409,
                        "This attempt is finished; answers can no longer be changed.")
    try:
        chosen = read_choice(request.form.getlist("choice"), len(q.options), len(q.correct))
    except InvalidChoice as exc:
        return _refused(public_id, n, exc.status, exc.message)
    if wants_fragment():
        # The panel's page needs the content version (site texts); read it now, on the
        # connection this request already holds, not after the commit has handed it back.
        content_version()
    try:
        done = store.record_answer(att, q, chosen)
    except store.Conflict as exc:
        if exc.expired:
            return _time_is_up(public_id, n, exc.message)
        return _refused(public_id, n, 409, exc.message)
    finished = store.finish_if_complete(att, done.answered)
    if not wants_fragment():
        return _see_other(url_for("quiz.answer", public_id=public_id, n=n))
    if finished:  # the last answer of a practice: the panel now links to the results
        att, q, counts = _page_or_404(public_id, n)
    else:
        q = dataclasses.replace(q, chosen=list(chosen), is_correct=done.correct,
                                points=done.points)
        counts = store.Tallies(done.answered, done.flagged)
    return _panel(att, q, counts)


@bp.post("/quiz/attempts/<public_id>/<int:n>/flag")
def flag_submit(public_id: str, n: int) -> Response:
    att, q = _question_or_404(public_id, n)
    form = FlagForm()
    if not form.validate():
        return _refused(public_id, n, 400, "The flag request was not valid.")
    flagged = form.flagged.data == "1"
    try:
        store.set_flag(att, q, flagged)
    except store.Conflict as exc:
        if exc.expired:
            return _time_is_up(public_id, n, exc.message)
        return _refused(public_id, n, 409, exc.message)
    if not wants_fragment():
        return _see_other(url_for("quiz.answer", public_id=public_id, n=n))
    att, q, counts = _page_or_404(public_id, n)
    return _panel(att, q, counts, notice="Flagged for review." if flagged else "Flag removed.")


@bp.get("/quiz/attempts/<public_id>/review")
def attempt_review(public_id: str) -> Response:
    """The exam's review screen: answered, unanswered and flagged, before submitting."""
    att = _attempt_or_404(public_id)
    store.finish_if_expired(att)
    if att.finished_at is not None:
        return _see_other(url_for("quiz.results", public_id=public_id))
    questions = store.load_questions(att)
    return render_page(
        "quiz/attempt_review.html", attempt=att, questions=questions, timer=_timer(att),
        answered=sum(1 for q in questions if q.chosen is not None),
        flagged=sum(1 for q in questions if q.flagged),
        finish_url=url_for("quiz.finish_submit", public_id=public_id),
        mode_label=MODE_LABELS.get(att.mode, att.mode),
    )


@bp.post("/quiz/attempts/<public_id>/finish")
def finish_submit(public_id: str) -> Response:
    att = _attempt_or_404(public_id)
    if not store.finish_if_expired(att) and not store.finish_attempt(att):
        abort(409, "This attempt is already finished: its results are final.")
    return _see_other(url_for("quiz.results", public_id=public_id))


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class GroupView:
    label: str
    points: float
    max_points: float
    count: int
    answered: int

    @property
    def percent(self) -> int:
        return _percent(self.points, self.max_points)


def _groups(att: m.Attempt, questions: list[m.AttemptQuestion]) -> list[GroupView]:
    scoring = store.scoring_of(att)
    order = [d["name"] for d in (att.config or {}).get("domains", [])]
    acc: dict[str, list[float]] = {}
    for q in questions:
        label = q.domain or KIND_LABELS.get(q.kind, q.kind)
        row = acc.setdefault(label, [0.0, 0.0, 0, 0])
        row[0] += q.points
        row[1] += store.question_max(q, scoring)
        row[2] += 1
        row[3] += q.chosen is not None
    labels = [x for x in order if x in acc] + sorted(x for x in acc if x not in order)
    return [GroupView(x, acc[x][0], acc[x][1], int(acc[x][2]), int(acc[x][3])) for x in labels]


@bp.get("/quiz/attempts/<public_id>/results")
def results(public_id: str) -> Response:
    att = _attempt_or_404(public_id)
    store.finish_if_expired(att)
    if att.finished_at is None:
        return _see_other(url_for("quiz.attempt", public_id=public_id))
    questions = store.load_questions(att)
    scoring = store.scoring_of(att)
    cfg = att.config or {}
    mark = cfg.get("pass_mark") or cfg.get("readiness_mark")
    mark_percent = None
    if att.mode == "exam" and mark is not None:
        lo, hi = int(cfg.get("scale_min", 0)), int(cfg.get("scale_max", 1000))
        mark_percent = round(100 * (int(mark) - lo) / (hi - lo)) if hi > lo else None
    items = [{
        "q": q,
        "chosen_texts": [q.options[i] for i in (q.chosen or []) if 0 <= i < len(q.options)],
        "correct_texts": [q.options[i] for i in q.correct],
        "max": store.question_max(q, scoring),
        "url": url_for("quiz.answer", public_id=public_id, n=q.position),
    } for q in questions]
    return render_page(
        "quiz/results.html", attempt=att, cfg=cfg, items=items, groups=_groups(att, questions),
        percent=_percent(att.score_points, att.max_points),
        answered=sum(1 for q in questions if q.chosen is not None),
        correct=sum(1 for q in questions if q.is_correct),
        mode_label=MODE_LABELS.get(att.mode, att.mode),
        mark=mark, mark_percent=mark_percent,
        official_mark=cfg.get("pass_mark") is not None,
        # finish_attempt closes an expired attempt at its deadline, never later.
        timed_out=att.deadline is not None and att.finished_at is not None
        and att.finished_at >= att.deadline,
        scoring_label=SCORING_LABELS.get(scoring, ""),
        queue=store.review_queue_size(att.learner_id),
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


def _chart(attempts: list[m.Attempt]) -> list[ChartPoint]:
    done = [a for a in attempts if a.finished_at is not None and a.max_points > 0]
    if not done:
        return []
    inner_w = CHART_W - CHART_PAD_L - CHART_PAD_R
    inner_h = CHART_H - CHART_PAD_T - CHART_PAD_B
    step = inner_w / (len(done) - 1) if len(done) > 1 else 0
    points = []
    for i, a in enumerate(done):
        pct = _percent(a.score_points, a.max_points)
        x = CHART_PAD_L + (i * step if len(done) > 1 else inner_w / 2)
        y = CHART_PAD_T + inner_h * (1 - pct / 100)
        mode = MODE_LABELS.get(a.mode, a.mode)
        points.append(ChartPoint(round(x, 1), round(y, 1), pct, str(i + 1),
                                 f"Attempt {i + 1}, {mode}: {pct}%", mode))
    return points


@bp.get("/progress")
def progress() -> Response:
    providers, categories = _names()
    lid = store.learner_id()
    prog = store.progress(lid, providers, categories, KIND_LABELS)
    weak = store.weakest(prog)
    chart = _chart(prog.attempts)
    rows = []
    for a in reversed(prog.attempts):
        expired = store.is_expired(a)
        rows.append({
            "a": a, "answered": prog.answered.get(a.id, 0), "expired": expired,
            "percent": _percent(a.score_points, a.max_points),
            "url": url_for("quiz.results" if a.finished_at or expired else "quiz.attempt",
                           public_id=a.public_id),
        })
    field = {"provider": "providers", "category": "categories", "kind": "kinds"}
    weak_views = [{"dim": dim, "tally": t, "field": field[dim]} for dim, t in weak]
    return render_page(
        "quiz/progress.html", prog=prog, rows=rows, chart=chart, weak=weak_views,
        queue=store.review_stats(lid), mode_labels=MODE_LABELS,
        chart_w=CHART_W, chart_h=CHART_H, pad_l=CHART_PAD_L, pad_r=CHART_PAD_R,
        pad_t=CHART_PAD_T, pad_b=CHART_PAD_B,
        overall=_percent(prog.total_correct, prog.total_answered),
    )
