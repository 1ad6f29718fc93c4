"""Quiz pages: start a mode, answer questions, review an exam, results and progress.

Every page is a real URL that works without JavaScript: answers and flags are POST forms that
redirect (303) to the question's GET, which then shows the feedback. With htmx the same forms
swap the ``question_panel`` block in place. Answers are checked on the server only; the page of
an unanswered question carries no trace of the correct option.

The results and progress pages are in ``results`` (same blueprint, imported here so registering
``views.bp`` brings them); the learner id comes from ``identity``, the only reader of the session.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, request, url_for
from sqlalchemy.orm import selectinload

from .. import models as m
from ..content import content_version
from ..models import db
from ..web.htmx import full_redirect, render_page, wants_fragment
from . import (
    engine,
    identity,
    reporting,  # registers the report pages; the question panel links to them
    snapshot,
    timing,
)
from . import results as _results  # noqa: F401 - registers the results and progress pages
from . import transfer as _transfer  # noqa: F401 - registers export and import of progress
from .blueprint import (
    KIND_LABELS,
    MODE_LABELS,
    SCORING_LABELS,
    attempt_or_404,
    bp,
    names,
    see_other,
)
from .forms import (
    ExamStartForm,
    ExtendForm,
    FlagForm,
    InvalidChoice,
    PracticeForm,
    choices,
    choose_label,
    read_choice,
    read_draft,
    read_version,
)
from .store import attempts, clock, review
from .types import KINDS

__all__ = ["bp"]


# ----------------------------------------------------------------------------- small helpers


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


def _found_or_404(public_id: str, n: int, tallies: bool) -> tuple[
        attempts.AttemptState, attempts.QuestionState, attempts.Tallies | None]:
    found = attempts.question_state(public_id, identity.learner_id(), n, tallies=tallies)
    if found is None:
        abort(404, "There is no quiz attempt at this address for this browser.")
    att, q, counts = found
    if q is None:
        abort(404, f"This attempt has no question {n}.")
    return att, q, counts


def _question_or_404(public_id: str, n: int) -> tuple[attempts.AttemptState,
                                                      attempts.QuestionState]:
    """The attempt and its question ``n`` as plain values (one query), or 404."""
    att, q, _ = _found_or_404(public_id, n, tallies=False)
    return att, q


def _page_or_404(public_id: str, n: int) -> tuple[attempts.AttemptState, attempts.QuestionState,
                                                  attempts.Tallies]:
    """The same with the attempt's tallies for the panel (still one query), or 404."""
    att, q, counts = _found_or_404(public_id, n, tallies=True)
    return att, q, counts or attempts.Tallies(0, 0)


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
    extend_url: str | None = None  # None unless the learner chose to be able to extend
    extensions_left: int = 0
    back: str = ""  # where the extend form returns without JavaScript: "review" or a number
    note: str = ""  # what the last extend request did (htmx swaps the timer with it)
    warn_seconds: int = timing.WARN_SECONDS
    extension_minutes: int = timing.EXTENSION_MINUTES


def _timer(attempt: m.Attempt | attempts.AttemptState, results_url: str | None = None,
           back: str = "", note: str = "") -> Timer | None:
    if attempt.deadline is None or attempt.finished_at is not None:
        return None
    left = int((attempt.deadline - clock.now()).total_seconds())
    extendable = timing.can_extend(attempt.config)
    return Timer(attempt.deadline.replace(tzinfo=dt.timezone.utc).isoformat(),
                 _fmt_duration(left), max(0, left),
                 results_url or url_for("quiz.results", public_id=attempt.public_id),
                 url_for("quiz.extend_submit", public_id=attempt.public_id) if extendable
                 else None,
                 timing.MAX_EXTENSIONS - int(timing.of(attempt.config)["extensions"]),
                 back, note)


# ----------------------------------------------------------------------------- start


@bp.get("/quiz")
def index() -> Response:
    providers, categories = names()
    form = _practice_form(providers, categories, request.args or None)
    return _render_index(form, providers, categories)


def _render_index(form: PracticeForm, providers: dict[str, str], categories: dict[str, str],
                  status: int = 200, error: str | None = None) -> Response:
    lid = identity.learner_id()
    attempts.close_expired(lid)  # their answers and mistakes count from now on
    unfinished = []
    if lid is not None:
        unfinished = list(db.session.scalars(
            sa.select(m.Attempt).where(m.Attempt.learner_id == lid,
                                       m.Attempt.finished_at.is_(None))
            .order_by(m.Attempt.created_at.desc()).limit(5)))
        unfinished = [a for a in unfinished if not attempts.is_expired(a)]
    return render_page(
        "quiz/index.html", status=status, form=form, exams=_exams(),
        queue=review.stats(lid), unfinished=unfinished, error=error,
        mode_labels=MODE_LABELS, scoring_labels=SCORING_LABELS,
    )


@bp.post("/quiz/practice")
def practice_submit() -> Response:
    providers, categories = names()
    form = _practice_form(providers, categories)
    if not form.validate():
        return _render_index(form, providers, categories, status=422,
                             error="Some of the choices are not valid; check the form below.")
    seed = attempts.new_seed()
    snap = snapshot.get_snapshot()
    # Never a question of a running exam: practice shows right answers at once.
    held = attempts.held_cards(identity.learner_id())
    chosen_providers = list(form.providers.data or [])
    chosen_categories = list(form.categories.data or [])
    chosen_kinds = list(form.kinds.data or [])
    try:
        questions = engine.practice_questions(
            snap, random.Random(seed), providers=frozenset(chosen_providers) or None,
            categories=frozenset(chosen_categories) or None, kinds=frozenset(chosen_kinds) or None,
            count=form.count.data, avoid=held)
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
    lid = identity.ensure_learner()
    attempt = attempts.create(
        lid, mode="practice", title="Practice · " + " · ".join(title_bits), questions=questions,
        config={"scoring": "practice", "providers": chosen_providers,
                "categories": chosen_categories, "kinds": chosen_kinds,
                "count": form.count.data},
        rng_seed=seed, content_version=snap.version)
    return see_other(url_for("quiz.answer", public_id=attempt.public_id, n=1))


def _render_exam_detail(exam: m.Exam, form: ExamStartForm, status: int = 200) -> Response:
    plan = engine.exam_plan(snapshot.get_snapshot(), exam.slug)
    return render_page("quiz/exam_detail.html", status=status, exam=exam, form=form,
                       scoring_labels=SCORING_LABELS, plan=plan,
                       asked=sum(d.fillable for d in plan),
                       limits={c.value: timing.limit_minutes(exam.duration_minutes, c.value)
                               for c in timing.CHOICES})


@bp.get("/quiz/exams/<slug>")
def exam_detail(slug: str) -> Response:
    return _render_exam_detail(_exam_or_404(slug), ExamStartForm(formdata=None))


@bp.post("/quiz/exams/<slug>")
def exam_detail_submit(slug: str) -> Response:
    exam = _exam_or_404(slug)
    form = ExamStartForm()
    if not form.validate():
        return _render_exam_detail(exam, form, status=400)
    seed = attempts.new_seed()
    snap = snapshot.get_snapshot()
    try:
        questions = engine.exam_questions(snap, random.Random(seed), slug,
                                          avoid=attempts.held_cards(identity.learner_id()))
    except KeyError:
        abort(404, f"There is no exam simulation called “{slug}”.")
    if not questions:
        abort(409, "No questions could be generated for this exam from the hub's content.")
    lid = identity.ensure_learner()
    config = {
        "scoring": exam.scoring, "code": exam.code, "name": exam.name,
        "provider": exam.provider.common_name or exam.provider.short_name,
        "pass_mark": exam.pass_mark,
        "readiness_mark": exam.readiness_mark, "scale_min": exam.scale_min,
        "scale_max": exam.scale_max, "duration_minutes": exam.duration_minutes,
        "guide_version": exam.guide_version, "guide_date": exam.guide_date.isoformat(),
        "source_url": exam.source_url,
        "domains": [{"name": d.name, "weight": d.weight} for d in exam.domains],
        "timing": timing.plan(exam.duration_minutes, form.timing.data, bool(form.extend.data)),
    }
    attempt = attempts.create(
        lid, mode="exam", title=f"{exam.code} simulation · {exam.name}", questions=questions,
        config=config, rng_seed=seed, content_version=snap.version,
        duration_minutes=config["timing"]["minutes"], exam_slug=exam.slug)
    return see_other(url_for("quiz.answer", public_id=attempt.public_id, n=1))


@bp.post("/quiz/review")
def review_submit() -> Response:
    lid = identity.ensure_learner()
    attempts.close_expired(lid)  # a timed-out exam's mistakes are due now
    cards = review.due_cards(lid)
    if not cards:
        db.session.commit()
        abort(409, "Nothing to review right now: questions you get wrong come back here, and "
                   "cards you already reviewed today return on a later day.")
    seed = attempts.new_seed()
    rng = random.Random(seed)
    rng.shuffle(cards)
    questions = [review.card_question(c, rng) for c in cards]
    attempt = attempts.create(
        lid, mode="review", title=f"Review mistakes · {len(questions)} questions",
        questions=questions, config={"scoring": "practice"}, rng_seed=seed,
        content_version=content_version())
    return see_other(url_for("quiz.answer", public_id=attempt.public_id, n=1))


# ----------------------------------------------------------------------------- question flow


@bp.get("/quiz/attempts/<public_id>")
def attempt(public_id: str) -> Response:
    """Resume: the first open question, the exam review screen, or the results."""
    found = attempts.question_state(public_id, identity.learner_id(), 0)
    if found is None:
        abort(404, "There is no quiz attempt at this address for this browser.")
    att, _, counts = found
    if attempts.finish_if_expired(att) or att.finished_at is not None:
        return see_other(url_for("quiz.results", public_id=public_id))
    if counts is None or counts.first_open is None:
        return see_other(url_for("quiz.attempt_review", public_id=public_id))
    return see_other(url_for("quiz.answer", public_id=public_id, n=counts.first_open))


@dataclass(frozen=True)
class OptionView:
    index: int
    key: int  # 1-based keyboard shortcut
    text: str
    checked: bool
    correct: bool | None  # None while the correct answer must stay hidden
    reason: str = ""  # why this option is right or wrong (shown with the feedback only)
    autofocus: bool = False  # where the focus goes when the panel arrives


TIME_IS_UP = ("Time is up: the answer arrived after the deadline and was not recorded. The exam "
              "is closed and scored with the answers given in time.")


def _panel(att: attempts.AttemptState, q: attempts.QuestionState, counts: attempts.Tallies, *,
           status: int = 200, error: str | None = None, notice: str | None = None,
           draft: tuple[int, ...] | None = None, back_link: bool = False) -> Response:
    """Render the question page (or only its panel for an htmx swap) from plain values: the
    template never queries, and nothing is read again after an answer's commit.

    ``draft`` is a selection not saved yet (sent along with a flag): shown checked instead of
    the saved answer while the question can still be answered or changed."""
    is_exam = att.mode == "exam"
    finished = att.finished_at is not None
    # Practice and review show the answer once given; an exam only once it is finished; none
    # while another exam of this learner that asks the same question is still running.
    show_feedback = finished or (q.chosen is not None and not is_exam)
    held = show_feedback and counts.held
    show_feedback = show_feedback and not held
    # An exam answer can change until the exam is submitted; practice takes one answer.
    editable = not finished and (is_exam or q.chosen is None)
    saved = tuple(q.chosen) if q.chosen is not None else ()
    chosen = draft if draft is not None and editable else saved
    unsaved = editable and bool(chosen) and chosen != saved
    reasons = list(q.rationale or []) if show_feedback else []
    focus = (chosen[0] if chosen else 0) if editable and not error else -1
    options = [OptionView(i, i + 1, text, i in chosen,
                          (i in q.correct) if show_feedback else None,
                          reasons[i] if i < len(reasons) else "", i == focus)
               for i, text in enumerate(q.options)]
    correct_count = len(q.correct)
    pid = att.public_id
    total = att.question_count
    next_url = (url_for("quiz.answer", public_id=pid, n=q.position + 1)
                if q.position < total else None)
    prev_url = url_for("quiz.answer", public_id=pid, n=q.position - 1) if q.position > 1 else None
    max_points = attempts.question_max(q, attempts.scoring_of(att)) if show_feedback else 0
    timed = att.deadline is not None and not finished
    # Only the links this panel shows (each url_for is a route build).
    results_url = url_for("quiz.results", public_id=pid) if finished or timed else None
    return render_page(
        "quiz/question.html", "question_panel", status=status, attempt=att, q=q,
        options=options, total=total, answered=counts.answered, flagged_count=counts.flagged,
        is_exam=is_exam, finished=finished, show_feedback=show_feedback, editable=editable,
        held=held,
        unsaved=unsaved, back_link=back_link,
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
        clear_url=(url_for("quiz.clear_submit", public_id=pid, n=q.position)
                   if is_exam and not finished and q.chosen is not None else None),
        finish_url=(url_for("quiz.finish_submit", public_id=pid)
                    if not is_exam and not finished else None),
        timer=_timer(att, results_url, back=str(q.position)) if timed else None,
        points=q.points,
        max_points=max_points,
        correct_texts=[q.options[i] for i in q.correct] if show_feedback else [],
        chosen_texts=[q.options[i] for i in (q.chosen or []) if 0 <= i < len(q.options)],
        mode_label=MODE_LABELS.get(att.mode, att.mode),
        **(reporting.link_context(pid, q.position, "question", counts.report)
           if show_feedback else {}),
    )


def _refused(public_id: str, n: int, status: int, error: str, *,
             back_link: bool = False) -> Response:
    """The panel again with what went wrong. Nothing was recorded, but the attempt may have
    changed meanwhile (finished, another tab's answer), so it is read again: a stale form gets
    the question as it is now (the newer answer) and a link to open it afresh."""
    att, q, counts = _page_or_404(public_id, n)
    return _panel(att, q, counts, status=status, error=error, back_link=back_link)


def _conflict(public_id: str, n: int, exc: attempts.Conflict) -> Response:
    if exc.expired:
        return _time_is_up(public_id, n, exc.message)
    return _refused(public_id, n, 409, exc.message, back_link=exc.stale)


def _time_is_up(public_id: str, n: int, message: str) -> Response:
    """A POST after the deadline (the attempt is now closed and scored): htmx goes straight to
    the results page; a plain form gets the question page with a 409 that says so."""
    if wants_fragment():
        return full_redirect(url_for("quiz.results", public_id=public_id))
    return _refused(public_id, n, 409, message)


@bp.get("/quiz/attempts/<public_id>/<int:n>")
def answer(public_id: str, n: int) -> Response:
    att, q, counts = _page_or_404(public_id, n)
    if attempts.finish_if_expired(att):
        return full_redirect(url_for("quiz.results", public_id=public_id))
    if (att.mode != "exam" and q.chosen is None and att.finished_at is None
            and counts.first_open is not None and counts.first_open < n):
        # Practice and review go in order: send the learner to the open question.
        return see_other(url_for("quiz.answer", public_id=public_id, n=counts.first_open))
    draft = None
    if "choice" in request.args and att.mode == "exam" and att.finished_at is None:
        # A flag without JavaScript comes back here with the selection it was sent with.
        try:
            draft = read_draft(request.args.getlist("choice"), len(q.options), len(q.correct))
        except InvalidChoice as exc:
            return _panel(att, q, counts, status=exc.status, error=exc.message)
    return _panel(att, q, counts, draft=draft)


def _closed(att: attempts.AttemptState, public_id: str, n: int) -> Response | None:
    """The answer to a write on a finished or timed-out attempt, or None while it is open."""
    if attempts.finish_if_expired(att):
        return _time_is_up(public_id, n, TIME_IS_UP)
    if att.finished_at is not None:
        return _refused(public_id, n, 409,
                        "This attempt is finished; answers can no longer be changed.")
    return None


@bp.post("/quiz/attempts/<public_id>/<int:n>")
def answer_submit(public_id: str, n: int) -> Response:
    # The hot path (docs/performance.md): one read, one write transaction, one render.
    att, q = _question_or_404(public_id, n)
    # Before the form is read: an expired exam answers "time is up" whatever the form holds.
    closed = _closed(att, public_id, n)
    if closed is not None:
        return closed
    is_exam = att.mode == "exam"
    try:
        chosen = read_choice(request.form.getlist("choice"), len(q.options), len(q.correct))
        version = read_version(request.form.get("version")) if is_exam else None
    except InvalidChoice as exc:
        return _refused(public_id, n, exc.status, exc.message)
    if wants_fragment():
        # The panel's page needs the content version (site texts); read it now, on the
        # connection this request already holds, not after the commit has handed it back.
        content_version()
    try:
        done = attempts.answer(att, q, chosen, version=version)
    except attempts.Conflict as exc:
        return _conflict(public_id, n, exc)
    if not wants_fragment():
        return see_other(url_for("quiz.answer", public_id=public_id, n=n))
    if done.finished:  # the last answer of a practice: the panel now links to the results
        att, q, counts = _page_or_404(public_id, n)
    else:
        q = dataclasses.replace(q, chosen=list(chosen), is_correct=done.correct,
                                points=done.points, version=done.version)
        counts = attempts.Tallies(done.answered, done.flagged, held=done.held,
                                  report=done.report)
    return _panel(att, q, counts)


@bp.post("/quiz/attempts/<public_id>/<int:n>/clear")
def clear_submit(public_id: str, n: int) -> Response:
    """Exams: take an answer back (the question counts as unanswered again)."""
    att, q = _question_or_404(public_id, n)
    closed = _closed(att, public_id, n)
    if closed is not None:
        return closed
    try:
        version = read_version(request.form.get("version"))
        done = attempts.clear(att, q, version=version)
    except InvalidChoice as exc:
        return _refused(public_id, n, exc.status, exc.message)
    except attempts.Conflict as exc:
        return _conflict(public_id, n, exc)
    if not wants_fragment():
        return see_other(url_for("quiz.answer", public_id=public_id, n=n))
    q = dataclasses.replace(q, chosen=None, is_correct=None, points=0.0, version=done.version)
    return _panel(att, q, attempts.Tallies(done.answered, done.flagged),
                  notice="Answer cleared: the question is unanswered again.")


@bp.post("/quiz/attempts/<public_id>/<int:n>/flag")
def flag_submit(public_id: str, n: int) -> Response:
    """Flag or unflag. The button is part of the answer form, so the options chosen but not
    saved come along and are shown again, still chosen (never saved by a flag)."""
    att, q = _question_or_404(public_id, n)
    form = FlagForm()
    if not form.validate():
        return _refused(public_id, n, 400, "The flag request was not valid.")
    flagged = form.flagged.data == "1"
    try:
        draft = read_draft(request.form.getlist("choice"), len(q.options), len(q.correct))
    except InvalidChoice as exc:
        return _refused(public_id, n, exc.status, exc.message)
    try:
        attempts.flag(att, q, flagged)
    except attempts.Conflict as exc:
        return _conflict(public_id, n, exc)
    saved = tuple(sorted(q.chosen)) if q.chosen is not None else ()
    if not wants_fragment():
        # Without JavaScript: the question again, with the selection carried in its URL.
        keep = list(draft) if draft and draft != saved else None
        return see_other(url_for("quiz.answer", public_id=public_id, n=n, choice=keep))
    att, q, counts = _page_or_404(public_id, n)
    return _panel(att, q, counts, draft=draft or None,
                  notice="Flagged for review." if flagged else "Flag removed.")


@bp.get("/quiz/attempts/<public_id>/review")
def attempt_review(public_id: str) -> Response:
    """The exam's review screen: answered, unanswered and flagged, before submitting."""
    att = attempt_or_404(public_id)
    attempts.finish_if_expired(att)
    if att.finished_at is not None:
        return see_other(url_for("quiz.results", public_id=public_id))
    questions = attempts.questions_of(att)
    return render_page(
        "quiz/attempt_review.html", attempt=att, questions=questions,
        timer=_timer(att, back="review"),
        answered=sum(1 for q in questions if q.chosen is not None),
        flagged=sum(1 for q in questions if q.flagged),
        finish_url=url_for("quiz.finish_submit", public_id=public_id),
        mode_label=MODE_LABELS.get(att.mode, att.mode),
    )


@bp.post("/quiz/attempts/<public_id>/finish")
def finish_submit(public_id: str) -> Response:
    att = attempt_or_404(public_id)
    if not attempts.finish_if_expired(att) and not attempts.finish(att):
        abort(409, "This attempt is already finished: its results are final.")
    return see_other(url_for("quiz.results", public_id=public_id))


@bp.post("/quiz/attempts/<public_id>/extend")
def extend_submit(public_id: str) -> Response:
    """Add time to a running exam (the learner chose "let me extend" at the start). With htmx
    the countdown is swapped with the new deadline; without, the page it came from reloads."""
    att = attempt_or_404(public_id)
    form = ExtendForm()
    back = (form.back.data or "").strip()
    if not form.validate() or not (back == "review" or (
            back.isascii() and back.isdigit() and 1 <= int(back) <= att.question_count)):
        abort(400, "This extend request was not valid; open the exam again and use its button.")
    try:
        shown = dt.datetime.fromisoformat((form.deadline.data or "").strip())
    except ValueError:
        abort(400, "This extend request carries no valid deadline; open the exam again.")
    shown = shown.astimezone(dt.timezone.utc).replace(tzinfo=None) if shown.tzinfo else shown
    back_url = (url_for("quiz.attempt_review", public_id=public_id) if back == "review"
                else url_for("quiz.answer", public_id=public_id, n=int(back)))
    try:
        new_deadline = attempts.extend(att, shown)
    except attempts.Conflict as exc:
        if exc.expired or (att.mode == "exam" and att.finished_at is not None and wants_fragment()):
            return full_redirect(url_for("quiz.results", public_id=public_id))
        timer = _timer(att, back=back, note=exc.message) if exc.stale else None
        if timer is None or not wants_fragment():
            abort(409, exc.message)
        return render_page("quiz/_timer.html", timer=timer)
    if not wants_fragment():
        return see_other(back_url)
    return render_page("quiz/_timer.html", timer=_timer(att, back=back, note=(
        f"Time extended by {timing.EXTENSION_MINUTES} minutes: the exam now closes at "
        f"{new_deadline:%H:%M} UTC.")))
