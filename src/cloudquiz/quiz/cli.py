"""``flask --app cloudquiz quiz-report``: the question bank measured, for people who judge it.

Prints the items by kind, by exam and domain (with the task statements each domain covers),
the scenario share of every exam simulation, the distinct facts, the item-writing violations
(must be 0; the command fails otherwise) and a sample of items in full — stem, options with
their reasons, the explanation and sources — for a human read.
"""

from __future__ import annotations

import random
import textwrap
from collections import Counter

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import engine
from .engine import audit
from .snapshot import build_snapshot
from .types import SCENARIO_KINDS

SEEDS = range(5)


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def report(sample: int, seed: int) -> tuple[str, int]:
    """The report's text and its number of violations."""
    from ..models import db

    with current_app.test_request_context():
        snap = build_snapshot(db.session)
    lines: list[str] = []
    bank = engine.all_questions(snap, random.Random(seed))
    kinds = Counter(q.kind for q in bank)
    scenario = [q for q in bank if q.kind in SCENARIO_KINDS]
    lines.append(f"Question bank (content version {snap.version}): {len(bank)} items")
    for kind, n in kinds.most_common():
        lines.append(f"  {kind:<16}{n:>6}")
    lines.append(f"  exam-grade (scenario kinds): {len(scenario)} items on "
                 f"{len({q.card_key for q in scenario})} distinct facts")
    problems = audit.violations(snap, bank)
    lines.append("")
    lines.append("Exam simulations (seeds 0-4)")
    for slug, exam in snap.exams.items():
        plan = engine.exam_plan(snap, slug)
        drawn = [engine.exam_questions(snap, random.Random(s), slug) for s in SEEDS]
        for qs in drawn:
            problems += audit.violations(snap, qs) + audit.attempt_violations(qs, exam=True)
        share = sum(q.kind in SCENARIO_KINDS for qs in drawn for q in qs) / max(
            1, sum(len(qs) for qs in drawn))
        lines.append(f"  {exam.code} ({slug}): {len(drawn[0])} of {exam.question_count} "
                     f"questions, {share:.0%} scenario items")
        for d in plan:
            tasks = f", tasks {d.covered} of {len(d.tasks)}" if d.tasks else ""
            lines.append(f"    {d.name[:52]:<52} share {d.share:>3}  pool {d.pool:>4}"
                         f"{tasks}{'  SHORT' if d.pool < d.share else ''}")
            for tid, text, n in d.tasks:
                if not n:
                    lines.append(f"      not covered: {tid} {text}")
    lines.append("")
    lines.append(f"Item-writing violations: {len(problems)}")
    lines += [f"  {p}" for p in problems[:50]]
    lines.append("")
    rng = random.Random(seed)
    picked = rng.sample(scenario, min(sample, len(scenario)))
    lines.append(f"{len(picked)} random exam-grade items in full")
    for n, q in enumerate(picked, 1):
        lines.append("")
        lines.append(f"[{n}] {q.kind} · {q.tags.get('provider')} · {q.tags.get('capability')}"
                     f" · {q.card_key}")
        lines.append(_wrap(q.prompt, "  "))
        for i, option in enumerate(q.options):
            mark = "*" if i in q.correct else " "
            lines.append(f"   {mark} {chr(65 + i)}. {option}")
            if q.rationale:
                lines.append(_wrap(q.rationale[i], "        "))
        lines.append(_wrap("Explanation: " + q.explanation, "  "))
        if q.sources:
            lines.append("  Sources: " + ", ".join(q.sources[:4]))
    return "\n".join(lines), len(problems)


@click.command("quiz-report")
@click.option("--sample", default=30, show_default=True, help="Items to print in full.")
@click.option("--seed", default=0, show_default=True, help="Seed of the sample.")
@with_appcontext
def quiz_report_command(sample: int, seed: int) -> None:
    """Measure the question bank; fail when an item breaks an item-writing rule."""
    text, problems = report(sample, seed)
    click.echo(text)
    if problems:
        raise click.ClickException(f"{problems} item-writing violation(s)")


def init_app(app: Flask) -> None:
    app.cli.add_command(quiz_report_command)
