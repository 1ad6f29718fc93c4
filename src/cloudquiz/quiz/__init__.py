"""The quiz: an engine that generates questions from the hub's content, a store that keeps
what each anonymous learner was asked and answered, and the pages of every mode.

``engine`` and ``snapshot`` are pure (no Flask request, no writes); ``store`` owns persistence;
``views`` owns the pages. The app factory registers :data:`bp`.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quiz", __name__)

from . import views  # noqa: E402,F401  (registers the routes on bp)
