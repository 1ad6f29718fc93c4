"""Who the learner is: the random id in the signed session cookie.

The only module of the quiz that reads or writes the session, and only the views import it; the
store takes the id as an argument. The learner is anonymous: the first POST that needs one
(starting a quiz) issues a random id, kept in the signed cookie and made permanent.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from flask import session

from .store import learners

_LEARNER_RE = re.compile(r"^[0-9a-f]{32}$")


def learner_id() -> str | None:
    """The id in the signed session cookie, or None for a browser that never started a quiz.

    A known learner's cookie is renewed once a day (the session changes, so Flask re-sends it
    with a fresh year of life): a learner who keeps coming back never loses their history,
    and no response carries a new cookie more than once a day."""
    value = session.get("learner_id")
    if not (isinstance(value, str) and _LEARNER_RE.match(value)):
        return None
    today = datetime.now(UTC).date().isoformat()
    if session.get("renewed") != today:
        session["renewed"] = today
        session.permanent = True
    return value


def ensure_learner() -> str:
    """The learner of this browser, created on the first POST that needs one."""
    lid = learner_id()
    if lid is None:
        lid = secrets.token_hex(16)
        session["learner_id"] = lid
        session["renewed"] = datetime.now(UTC).date().isoformat()
    session.permanent = True
    learners.ensure(lid)
    return lid
