"""The question engine: content snapshot + seeded ``random.Random`` in, questions out.

Pure on purpose — no Flask, no database — so every rule below is unit-testable and an exam is
built in about a millisecond. Nothing is hand-written per question: every question comes from a
fact of the snapshot (a capability row, a service, a best practice, a provider list, an
architecture), so new content yields new questions without touching the engine.

Two stages:

1. :func:`prepare` turns the content into *specs* once per snapshot (memoised): the prompt, the
   candidate correct options, the distractor candidates ranked by plausibility, the explanation,
   the hub URL and the tags. Every exclusion rule (a service listed for the same capability on
   that provider is never a distractor; former names are never options) is applied here.
2. ``_materialize(spec, rng)`` draws the distractors and shuffles the options. Only this stage
   uses the random generator, so a seed always gives the same quiz.

The package: ``specs`` (the spec, and the ``Builder`` of lookups every family shares), ``text``
(folding, joining, quoting, masking), one module per question family (``scenarios`` — the
exam-grade scenario, choose-two, migration and design items proved from decision facts — and
the recall warm-ups ``equivalence``, ``services``, ``practices``, ``pillars``,
``architectures``), ``draw`` (the memoised index, practice and exam samples, exam plans) and
``scoring``. They import the standard library, ``cloudquiz.quiz.types`` and
one another, nothing else (``tests/test_quiz_engine.py`` checks it); callers use only what this
module exports.

Invariants (tested over all questions in ``tests/test_quiz_engine.py``): distinct options; four
options for a single answer (three when the answer is one of the three providers), five for
multiple response; exactly one correct option, or N (2 or 3) for "Choose N"; no distractor is
also a correct answer; distractors come from the same provider as the answer and the same or a
neighbouring category (neighbouring = close in the order of ``seed/categories.yaml``); every
question explains the cross-cloud picture and links to the hub page its fact comes from.
"""

from __future__ import annotations

from .draw import (
    DomainPlan,
    all_questions,
    exam_plan,
    exam_questions,
    practice_questions,
    prepare,
)
from .scoring import SCORING_RULES, scaled_score, score
from .specs import KIND_LABELS

__all__ = [
    "KIND_LABELS", "SCORING_RULES", "DomainPlan", "all_questions", "exam_plan",
    "exam_questions", "practice_questions", "prepare", "scaled_score", "score",
]
