"""The quiz blueprint, and what its two view modules share.

``views`` (starting a mode, the question flow) and ``results`` (results and progress pages) both
register on :data:`bp`; ``views`` imports ``results``, so registering ``views.bp`` brings every
quiz page. The helpers here are the ones both need: labels, lookups that 404, the 303 redirect.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect

from .. import models as m
from ..models import db
from . import engine, identity
from .store import attempts, review
from .types import KINDS

bp = Blueprint("quiz", __name__)


@bp.record_once
def _configure_review(state) -> None:  # noqa: ANN001 (flask.blueprints.BlueprintSetupState)
    review.configure(state.app.config.get("REVIEW_DESIRED_RETENTION", review.DEFAULT_RETENTION))

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


def names() -> tuple[dict[str, str], dict[str, str]]:
    """Provider short names and category names by slug, in the hub's order."""
    providers = {p.slug: p.short_name for p in db.session.scalars(
        sa.select(m.Provider).order_by(m.Provider.position))}
    categories = {c.slug: c.name for c in db.session.scalars(
        sa.select(m.Category).order_by(m.Category.position))}
    return providers, categories


def attempt_or_404(public_id: str) -> m.Attempt:
    attempt = attempts.get(public_id, identity.learner_id())
    if attempt is None:
        abort(404, "There is no quiz attempt at this address for this browser.")
    return attempt


def see_other(url: str) -> Response:
    response = redirect(url, code=303)
    response.vary.add("HX-Request")  # the same POST gives a fragment to htmx
    return response


def percent_of(points: float, max_points: float) -> int:
    return round(100 * points / max_points) if max_points else 0
