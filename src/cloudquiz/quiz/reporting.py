"""Report a problem with a question: the form, its POST, and the status it leaves.

Every question whose right answer the learner has seen — practice and review feedback, a
finished exam's questions, every item of the results — links to its report form (a page of its
own without JavaScript; with htmx the form opens in place). A report is stored with the item
snapshot, the content versions and the source record (``store.reports``); afterwards the item
shows "Reported — under review" to its reporter. Reports are CSRF-protected, size-limited
(1,000 characters of comment; the app's 64 KiB body limit) and rate-limited per learner
(``REPORT_RATE_LIMIT``, Flask-Limiter). Maintainers read them with ``flask reports``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Response, abort, current_app, request, url_for
from flask_limiter import RequestLimit

from .. import models as m
from ..content import content_version
from ..web.htmx import render_page, wants_fragment
from ..web.ratelimit import limiter
from . import identity
from .blueprint import attempt_or_404, bp, see_other
from .forms import ReportForm
from .store import attempts
from .store import reports as report_store

TEMPLATE = "quiz/report.html"
NOT_YET = ("You can report a question once its right answer is shown: after answering it in a "
           "practice or review, or once the exam is submitted.")


class ReportState(NamedTuple):
    """What an item's report link shows once reported: its status and reason."""

    status: str
    reason: str


def state_of(text: str | None) -> ReportState | None:
    """The "status:reason" the question page's query reads (``Tallies.report``)."""
    if not text or ":" not in text:
        return None
    status, reason = text.split(":", 1)
    return ReportState(status, reason)


def link_context(public_id: str, n: int, back: str, report: str | m.ItemReport | None
                 ) -> dict[str, Any]:
    """What ``report_link`` (quiz/_macros.html) needs for one question."""
    return {"report_url": url_for("quiz.report", public_id=public_id, n=n, back=back),
            "report": state_of(report) if isinstance(report, str) or report is None
            else ReportState(report.status, report.reason),
            "report_statuses": report_store.STATUSES, "report_reasons": report_store.REASONS}


def _learner_key() -> str:
    lid = identity.learner_id()
    return f"learner:{lid}" if lid else f"addr:{request.remote_addr or ''}"


def _question(public_id: str, n: int) -> tuple[m.Attempt, m.AttemptQuestion]:
    att = attempt_or_404(public_id)
    attempts.finish_if_expired(att)
    # A number beyond the attempt is a 404 before any query (a huge one would overflow the
    # database's integer).
    q = attempts.question_at(att, n) if 1 <= n <= att.question_count else None
    if q is None:
        abort(404, "This attempt has no question with that number.")
    shown = att.finished_at is not None or (att.mode != "exam" and q.chosen is not None)
    if not shown or q.card_key in attempts.held_cards(att.learner_id, except_attempt=att.id):
        abort(409, NOT_YET)
    return att, q


def _back(public_id: str, n: int, back: str) -> str:
    if back == "results":
        return url_for("quiz.results", public_id=public_id, _anchor=f"answer-{n}")
    return url_for("quiz.answer", public_id=public_id, n=n)


def _render(att: m.Attempt, q: m.AttemptQuestion, form: ReportForm, back: str,
            status: int = 200, note: str = "") -> Response:
    report = report_store.of(att.learner_id, q.card_key)
    # Unique ids: on the results page several of these forms can be open at once.
    form.reason.id = f"report-{q.position}-reason"
    form.comment.id = form.comment.label.field_id = f"report-{q.position}-comment"
    return render_page(
        TEMPLATE, "report_box", status=status, attempt=att, q=q, form=form, report=report,
        reasons=report_store.REASONS, statuses=report_store.STATUSES, note=note,
        action=url_for("quiz.report_submit", public_id=att.public_id, n=q.position),
        back_url=_back(att.public_id, q.position, back), back=back,
        correct_texts=[q.options[i] for i in q.correct if 0 <= i < len(q.options)],
        max_comment=report_store.MAX_COMMENT)


def _back_param() -> str:
    back = request.values.get("back", "question")
    return back if back in ("results", "question") else "question"


@bp.get("/quiz/attempts/<public_id>/<int:n>/report")
def report(public_id: str, n: int) -> Response:
    att, q = _question(public_id, n)
    back = _back_param()
    return _render(att, q, ReportForm(formdata=None, back=back), back)


def _too_many(limit: RequestLimit) -> Response:
    """The 429 of a report beyond the limit: the form again (htmx: in place), nothing saved;
    ``Retry-After`` says when to try again."""
    args = request.view_args or {}
    att, q = _question(str(args.get("public_id", "")), int(args.get("n", 0)))
    return _render(att, q, ReportForm(), _back_param(), status=429, note=(
        f"Too many reports in a short time (at most {limit.limit}): this one was not saved. "
        "Please try again in a minute."))


@bp.post("/quiz/attempts/<public_id>/<int:n>/report")
@limiter.limit(lambda: current_app.config["REPORT_RATE_LIMIT"], key_func=_learner_key,
               on_breach=_too_many)
def report_submit(public_id: str, n: int) -> Response:
    att, q = _question(public_id, n)
    form = ReportForm()
    back = _back_param()
    if not form.validate():
        status = 400 if form.back.errors else 422
        return _render(att, q, form, back, status=status)
    _, created = report_store.create(att.learner_id, att, q, form.reason.data,
                                     form.comment.data or "", content_version())
    if not wants_fragment():
        return see_other(_back(public_id, n, back))
    return _render(att, q, form, back, note=(
        "Thank you: your report is saved and a maintainer will review this question."
        if created else "You had already reported this question; it is under review."))
