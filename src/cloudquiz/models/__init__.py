"""Database models: the hub's content (loaded from ``seed/``) and the quiz history.

Content tables are rewritten by the seed loader; quiz tables are never touched by it. Quiz rows
hold snapshots (prompt, options, explanation) instead of foreign keys into content, so a reseed
that renames or removes a service can never rewrite what a learner was asked.

``from cloudquiz import models as m`` gives every model; this package never imports ``request``
or ``g``.
"""

from .base import (  # noqa: F401  (re-exported)
    NAMING_CONVENTION,
    NOT_CURRENT,
    STATUS_LABELS,
    Base,
    Lifecycle,
    db,
    utcnow,
)
from .content import *  # noqa: F403
from .content import CONTENT_MODELS  # noqa: F401
from .quiz import *  # noqa: F403
from .quiz import QUIZ_MODELS  # noqa: F401
