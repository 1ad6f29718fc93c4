"""Benchmark of the quiz engine: exam building, answer checking and snapshot building.

Run it as ``.venv/bin/python bench/quiz_engine.py [RUNS]``; it seeds a throwaway SQLite database,
builds the app on it and prints medians and 90th percentiles. ``run(n)`` returns the same
figures as a dict for ``make bench``.

What is measured:
- exam:      ``exam_questions`` for a 65-question exam (AWS SAA-C03) from the cached snapshot,
             as a request does it (the engine's question specs are already prepared);
- answer:    ``score`` of one multiple-response answer (timed in batches of 1,000 calls);
- snapshot:  ``build_snapshot``, the database → dataclasses step done once per content version;
- prepare:   the engine's one-off question specs for a new snapshot (also once per version).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from cloudquiz import create_app  # noqa: E402
from cloudquiz.models import db  # noqa: E402
from cloudquiz.quiz import engine  # noqa: E402
from cloudquiz.quiz.snapshot import build_snapshot, get_snapshot  # noqa: E402
from cloudquiz.seeding import seed_database  # noqa: E402

EXAM = "aws-saa-c03"
BATCH = 1000


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _times(fn: Callable[[int], object], runs: int) -> list[float]:
    out = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - start)
    return out


def run(n: int = 200) -> dict[str, float]:
    """Medians and 90th percentiles: exam and snapshot in ms, answer check in µs."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "SEED_DIR": str(ROOT / "seed"),
        })
        try:
            with app.app_context():
                db.create_all()
                seed_database(db.session, ROOT / "seed")
            with app.test_request_context():
                snap = get_snapshot()  # cached and prepared, as in a running app
                exam = _times(lambda i: engine.exam_questions(
                    get_snapshot(), random.Random(i), EXAM), n)
                slow_runs = max(5, min(n, 30))
                snapshot = _times(lambda i: build_snapshot(db.session), slow_runs)
                fresh = [build_snapshot(db.session) for _ in range(slow_runs)]
                prepare = _times(lambda i: engine.prepare(fresh[i]), slow_runs)
        finally:
            with app.app_context():
                db.engine.dispose()
    multi = [q for q in engine.all_questions(snap, random.Random(0)) if q.multi]
    correct = list(multi[0].correct) if multi else [1]
    chosen = list(reversed(correct))  # right answer, other order: the set comparison runs

    def check_batch(_: int) -> None:
        for _ in range(BATCH):
            engine.score(correct, chosen, "no_partial")

    answer = [t / BATCH for t in _times(check_batch, max(10, n // 4))]
    ms, us = 1e3, 1e6
    return {
        "exam_ms_median": statistics.median(exam) * ms,
        "exam_ms_p90": _percentile(exam, 0.9) * ms,
        "answer_us_median": statistics.median(answer) * us,
        "answer_us_p90": _percentile(answer, 0.9) * us,
        "snapshot_ms_median": statistics.median(snapshot) * ms,
        "snapshot_ms_p90": _percentile(snapshot, 0.9) * ms,
        "prepare_ms_median": statistics.median(prepare) * ms,
        "prepare_ms_p90": _percentile(prepare, 0.9) * ms,
        "exam_questions": float(len(engine.exam_questions(snap, random.Random(0), EXAM))),
    }


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 200
    r = run(n)
    rows = [
        (f"exam ({int(r['exam_questions'])} questions, cached snapshot)",
         r["exam_ms_median"], r["exam_ms_p90"], "ms"),
        ("check an answer (score)", r["answer_us_median"], r["answer_us_p90"], "µs"),
        ("build the snapshot (per content version)",
         r["snapshot_ms_median"], r["snapshot_ms_p90"], "ms"),
        ("prepare question specs (per content version)",
         r["prepare_ms_median"], r["prepare_ms_p90"], "ms"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"Quiz engine benchmark ({n} runs)")
    print(f"{'':{width}}  {'median':>10}  {'p90':>10}")
    for label, median, p90, unit in rows:
        print(f"{label:{width}}  {median:>7.3f} {unit:<2}  {p90:>7.3f} {unit:<2}")


if __name__ == "__main__":
    main(sys.argv)
