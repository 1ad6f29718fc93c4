"""The store's clock: the one place the quiz reads the time, so a test can move it.

Every module of the store (and the views' countdown) calls ``clock.now()`` / ``clock.today()``
through this module, never a copy of the function, so patching ``clock.now`` or ``clock.today``
moves them all.
"""

from __future__ import annotations

import datetime as dt

from ... import models as m


def now() -> dt.datetime:
    """The current UTC time (naive, like the database columns); patched by tests."""
    return m.utcnow()


def today() -> dt.date:
    """The learner's day for review scheduling (UTC); patched by tests to simulate days."""
    return now().date()
