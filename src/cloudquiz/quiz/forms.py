"""Forms of the quiz: starting a practice session, answering, flagging.

Every POST is CSRF-protected by Flask-WTF (``CSRFProtect`` in the app factory; the forms render
the token). An answer's option values are indexes into the question's options: anything else is
tampering and gets 400; an empty answer is an ordinary mistake and gets 422. An exam question's
form also carries the version of the answer it was rendered from (``version``): missing or not
a number is a tampered form (400); an old one is a stale form (409, decided by the store).
The flag button sends the answer form along, so the options chosen but not saved yet (a
*draft*) survive flagging: :func:`read_draft` reads them, as leniently as the options allow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from . import timing as limits
from .store import PRACTICE_COUNTS
from .store import reports as report_store

NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}
_INDEX_RE = re.compile(r"^[0-9]{1,3}$")  # ASCII digits only: int() also reads "١"
_VERSION_RE = re.compile(r"^[0-9]{1,9}$")


def ascii_int(value: object) -> int:
    """WTForms coercion for number fields: ASCII digits only (``int`` also reads "١٠")."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise ValueError("not a number")
    return int(text)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PracticeForm(FlaskForm):
    """Filters of a practice session; none ticked in a group means "all of them"."""

    # No Optional(): it would wave through a tampered empty value ("") unchecked.
    providers = MultiCheckboxField("Providers")
    categories = MultiCheckboxField("Categories")
    kinds = MultiCheckboxField("Question kinds")
    count = RadioField("Number of questions", coerce=ascii_int, default=PRACTICE_COUNTS[0],
                       choices=[SelectChoice(n, str(n)) for n in PRACTICE_COUNTS])


class ExamStartForm(FlaskForm):
    """The time accommodation of an exam simulation (see :mod:`.timing`). A form without the
    field (an old page) starts on standard time; a value that is not a choice is tampering."""

    timing = RadioField("Time limit", default=limits.DEFAULT,
                        choices=[SelectChoice(c.value, c.label) for c in limits.CHOICES])
    extend = BooleanField(f"Warn me {limits.WARN_SECONDS} seconds before the end and let me add "
                          f"{limits.EXTENSION_MINUTES} minutes (up to {limits.MAX_EXTENSIONS} "
                          "times)")


class ExtendForm(FlaskForm):
    """Add time to a running exam. ``deadline`` is the deadline the page showed: a replayed or
    double-clicked form (whose deadline has moved on) extends nothing (409)."""

    deadline = HiddenField()
    back = HiddenField()


class ReportForm(FlaskForm):
    """Report a problem with a question: what is wrong, and an optional comment."""

    reason = RadioField("What is wrong?", validators=[InputRequired(
        message="Choose what is wrong with the question.")],
        choices=[SelectChoice(k, v) for k, v in report_store.REASONS.items()])
    comment = TextAreaField("Comment (optional)", validators=[Length(
        max=report_store.MAX_COMMENT,
        message=f"Keep the comment under {report_store.MAX_COMMENT} characters.")])
    back = HiddenField(validators=[AnyOf(["results", "question"],
                                         message="This report form was tampered with.")])


class FlagForm(FlaskForm):
    flagged = HiddenField(validators=[AnyOf(["0", "1"], message="Flag must be 0 or 1.")])


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class InvalidChoice(ValueError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def choose_label(count: int) -> str:
    return f"Choose {NUMBER_WORDS.get(count, str(count))}."


def read_choice(values: Sequence[str], option_count: int, correct_count: int) -> tuple[int, ...]:
    """The chosen option indexes, or :class:`InvalidChoice` saying what was wrong with them."""
    multi = correct_count > 1
    if not values or all(not v.strip() for v in values):
        raise InvalidChoice(
            f"Choose {NUMBER_WORDS.get(correct_count, correct_count)} answers before submitting."
            if multi else "Choose an answer before submitting.", 422)
    if any(not _INDEX_RE.match(v.strip()) for v in values):
        raise InvalidChoice("That answer is not one of the options of this question.", 400)
    chosen = [int(v) for v in values]
    if any(c >= option_count for c in chosen):
        raise InvalidChoice("That answer is not one of the options of this question.", 400)
    if len(set(chosen)) != len(chosen):
        raise InvalidChoice("The same option was sent twice.", 400)
    if not multi and len(chosen) != 1:
        raise InvalidChoice("This question takes exactly one answer.", 400)
    if multi and len(chosen) != correct_count:
        raise InvalidChoice(f"This question takes exactly {NUMBER_WORDS.get(correct_count, correct_count)} "
                            f"answers; you sent {len(chosen)}.", 400)
    return tuple(sorted(chosen))


def read_version(value: str | None) -> int:
    """The answer version an exam question's form was rendered from."""
    if value is None or not _VERSION_RE.match(value.strip()):
        raise InvalidChoice("This form is incomplete (it has no answer version); open the "
                            "question again and answer from there.", 400)
    return int(value)


def read_draft(values: Sequence[str], option_count: int, correct_count: int) -> tuple[int, ...]:
    """Options chosen but not saved (sent along with a flag, or in the question's URL after a
    flag without JavaScript): any number up to what the inputs allow — none, or fewer than a
    "Choose two" asks, is a fine draft — but only real, distinct option indexes."""
    values = [v for v in values if v.strip()]
    if any(not _INDEX_RE.match(v.strip()) for v in values):
        raise InvalidChoice("That selection is not one of the options of this question.", 400)
    chosen = [int(v) for v in values]
    if any(c >= option_count for c in chosen) or len(set(chosen)) != len(chosen):
        raise InvalidChoice("That selection is not one of the options of this question.", 400)
    if correct_count <= 1 and len(chosen) > 1:
        raise InvalidChoice("This question takes exactly one answer.", 400)
    return tuple(sorted(chosen))
