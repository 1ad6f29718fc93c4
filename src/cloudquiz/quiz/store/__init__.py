"""The quiz store: what each learner was asked and answered, their review cards, their progress.

Everything a learner does lives in the database, keyed by the learner id the caller passes
(``lid``); nothing that matters is kept in process memory, so any worker can serve any request.
The store never reads the session: the views do (``quiz/identity.py``) and pass the id on.

Split by job:

* :mod:`.attempts` — create an attempt, read its question pages, answer (exactly once, in one
  call), flag, finish;
* :mod:`.review` — the FSRS cards of review mistakes;
* :mod:`.progress` — attempts and accuracy per provider, category and kind, weakest areas;
* :mod:`.learners` — the learner row of an id;
* :mod:`.clock` — the time, in one place tests can patch.
"""

from __future__ import annotations

from . import attempts, clock, learners, progress, review
from .attempts import (
    PRACTICE_COUNTS,
    AttemptState,
    Conflict,
    QuestionState,
    Recorded,
    Tallies,
)

__all__ = [
    "PRACTICE_COUNTS", "AttemptState", "Conflict", "QuestionState", "Recorded", "Tallies",
    "attempts", "clock", "learners", "progress", "review",
]
