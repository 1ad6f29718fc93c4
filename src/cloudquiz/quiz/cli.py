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


@click.group("reports")
def reports_group() -> None:
    """Problems learners reported with questions: list, export (CSV), resolve."""


def _status_option(fn):  # noqa: ANN001, ANN202 - a click decorator
    return click.option("--status", type=click.Choice(["open", "resolved", "all"]),
                        default="open", show_default=True,
                        help="Which reports: still open, resolved, or all.")(fn)


@reports_group.command("list")
@_status_option
@with_appcontext
def reports_list_command(status: str) -> None:
    """One line per report, oldest first: id, date, reason, item, comment."""
    from .store import reports as store

    rows = store.listing(None if status == "all" else status)
    for r in rows:
        comment = " ".join(r.comment.split())
        click.echo(f"#{r.id}  {r.created_at:%Y-%m-%d %H:%M}  {r.status:<8}  {r.reason:<9}  "
                   f"{r.kind}  {r.card_key}")
        click.echo(_wrap(r.item.get("prompt", ""), "      "))
        if comment:
            click.echo(_wrap(f"Comment: {comment}", "      "))
    click.echo(f"{len(rows)} report(s) ({status}).")


@reports_group.command("export")
@_status_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the CSV here instead of to standard output.")
@with_appcontext
def reports_export_command(status: str, output: str | None) -> None:
    """Every field of the reports as CSV: the item as asked, versions, sources."""
    from .store import reports as store

    rows = store.listing(None if status == "all" else status)
    text = store.csv_text(rows)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"{len(rows)} report(s) written to {output}.", err=True)
    else:
        click.echo(text, nl=False)


@reports_group.command("resolve")
@click.argument("report_id", type=int)
@click.option("--note", default="", help="What was done (fixed in seed/..., not a problem).")
@with_appcontext
def reports_resolve_command(report_id: int, note: str) -> None:
    """Mark a report reviewed; its reporter then sees "Reported — reviewed"."""
    from .store import reports as store

    if store.resolve(report_id, note) is None:
        raise click.ClickException(f"There is no report #{report_id}.")
    click.echo(f"Report #{report_id} resolved.")


def init_app(app: Flask) -> None:
    app.cli.add_command(quiz_report_command)
    app.cli.add_command(reports_group)
