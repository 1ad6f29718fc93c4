"""The seed loader: the real seed loads completely; bad files are refused whole; reloading is
idempotent and never touches quiz history; migrations build the schema on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask

from cloudquiz import models as m
from cloudquiz.models import db
from cloudquiz.seeding import seed_database
from tests.support.app import SEED_DIR, make_app
from tests.support.seedfiles import file_of, load, save


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def all_counts() -> dict[str, int]:
    return {model.__tablename__: count(model) for model in m.CONTENT_MODELS + m.QUIZ_MODELS}


def id_snapshot() -> dict[str, list[Any]]:
    snap = {}
    for model in m.CONTENT_MODELS:
        pk = sa.inspect(model).primary_key
        snap[model.__tablename__] = sorted(
            tuple(row) for row in db.session.execute(sa.select(*pk)).all())
    return snap


def test_real_seed_matches_the_seed_page(app: Flask) -> None:
    with app.app_context():
        providers = db.session.scalars(sa.select(m.Provider).order_by(m.Provider.position)).all()
        assert [p.slug for p in providers] == ["aws", "azure", "gcp"]
        for p in providers:
            cards = [s for s in p.services if s.card_position]
            featured = [s for s in p.services if s.featured_position]
            assert sorted(s.card_position for s in cards) == list(range(1, 13)), p.slug
            assert sorted(s.featured_position for s in featured) == list(range(1, 7)), p.slug
            practices = db.session.scalars(
                sa.select(m.BestPractice).filter_by(provider_id=p.id)).all()
            assert sorted(b.number for b in practices) == [1, 2, 3, 4, 5, 6]
            samples = db.session.scalars(sa.select(m.CodeSample).filter_by(provider_id=p.id)).all()
            assert len(samples) == 2
            kinds = {s.kind for s in db.session.scalars(
                sa.select(m.ProviderSection).filter_by(provider_id=p.id))}
            assert kinds == {"pillars", "patterns", "cicd", "monitoring"}
        core_rows = db.session.scalars(sa.select(m.Capability).filter_by(core=True)).all()
        assert len(core_rows) + count(m.CompareFact) == 14
        assert count(m.PipelineStage) == 6
        assert count(m.ThirdPartyTool) == 6
        assert count(m.Exam) == 6
        assert count(m.Service) >= 60
        slugs = set(db.session.scalars(sa.select(m.Architecture.slug)))
        assert {"b2b", "b2c", "one-tier", "two-tier", "three-tier", "n-tier", "cloud-security",
                "e-commerce", "payments"} <= slugs
        for provider in providers:
            kinds = {r.kind for r in db.session.scalars(
                sa.select(m.LearningResource).filter_by(provider_id=provider.id))}
            assert kinds == {"certification", "docs", "lab"}


def test_every_core_comparison_cell_and_featured_service_resolves_to_services(app: Flask) -> None:
    with app.app_context():
        for cap in db.session.scalars(sa.select(m.Capability).filter_by(core=True)):
            providers_with_services = {link.service.provider.slug for link in cap.service_links}
            assert providers_with_services == {"aws", "azure", "gcp"}, cap.slug
            assert {cell.provider.slug for cell in cap.cells} == {"aws", "azure", "gcp"}


def test_renamed_services_keep_their_former_names(app: Flask) -> None:
    with app.app_context():
        aliases = {(a.service.slug, a.name) for a in db.session.scalars(sa.select(m.ServiceAlias))}
    assert ("entra-id", "Azure Active Directory") in aliases
    assert ("cloud-run-functions", "Cloud Functions") in aliases
    assert ("gke-enterprise", "Anthos") in aliases


# ----------------------------------------------------------------------------- bad files


def _edit(name: str, change: Callable[[Any], None]) -> Callable[[Path], None]:
    def apply(seed_dir: Path) -> None:
        path = seed_dir / name
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return apply


def _syntax_error(seed_dir: Path) -> None:
    with (seed_dir / "services" / "compute.yaml").open("a") as fh:
        fh.write("\n  - {provider: aws, slug: broken, name: [unclosed\n")


def _set(coll: str, index: int, field: str, value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data[coll][index][field] = value
    return change


def _drop(coll: str, index: int, field: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        del data[coll][index][field]
    return change


def _duplicate(coll: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data[coll].append(dict(data[coll][0]))
    return change


def _node_capability(data: Any) -> None:
    data["architectures"][0]["diagram"]["nodes"][1]["capability"] = "teleportation"


def _duplicate_key(seed_dir: Path) -> None:
    path = seed_dir / "exams.yaml"
    text = path.read_text()
    path.write_text(text.replace("    question_count:", "    question_count: 1\n    question_count:", 1))


def _boundaries(*zones: dict[str, Any]) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data["architectures"][0]["diagram"]["boundaries"] = list(zones)
    return change


def _cite(source: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data["considerations"][0]["pillars"]["security"][0]["source"] = source
    return change


RETIRED = {"status": "retired", "since": "2025-01-01", "note": "Retired; use something else.",
           "source_url": "https://docs.aws.amazon.com/ec2/", "verified_on": "2026-12-01"}


def _decisions(facts: dict[str, Any], **fact_fields: Any) -> Callable[[Path], None]:
    """A decision group over the virtual-machines row with one service's facts."""
    def apply(seed_dir: Path) -> None:
        record = {"service": "aws/ec2", "source_url": "https://docs.aws.amazon.com/ec2/",
                  "verified_on": "2026-12-01", "facets": facts, **fact_fields}
        record = {k: v for k, v in record.items() if v is not None}
        (seed_dir / "decisions").mkdir(exist_ok=True)
        save(seed_dir / "decisions" / "compute.yaml", {"groups": [{
            "slug": "vms", "name": "Virtual machines", "capabilities": ["virtual-machines"],
            "facets": [{"key": "max_vcpus", "label": "Largest size", "type": "number",
                        "unit": "vCPUs", "better": "higher"}],
            "services": [record]}]})
    return apply


BAD_SEEDS = {
    "yaml-syntax": (_syntax_error, ["services/compute.yaml", "YAML syntax error", "line"]),
    "missing-field": (_edit("services/compute.yaml", _drop("services", 0, "summary")),
                      ["services/compute.yaml", "services[0]", "summary", "Field required"]),
    "wrong-type": (_edit("exams.yaml", _set("exams", 0, "question_count", "sixty-five")),
                   ["exams.yaml", "exams[0]", "question_count", "integer"]),
    "unknown-category": (_edit("services/compute.yaml",
                               _set("services", 2, "category", "quantum")),
                         ["services/compute.yaml", "services[2]", "category",
                          "unknown category 'quantum'"]),
    "unknown-provider": (_edit("best_practices.yaml",
                               _set("best_practices", 0, "provider", "oracle")),
                         ["best_practices.yaml", "best_practices[0]", "provider",
                          "unknown provider 'oracle'"]),
    "unknown-capability": (_edit("architectures.yaml", _node_capability),
                           ["architectures.yaml", "architectures[0]", "capability",
                            "unknown capability 'teleportation'"]),
    "duplicate-key": (_duplicate_key, ["exams.yaml", "found the key 'question_count' twice",
                                       "line"]),
    "boundary-of-unknown-kind": (
        _edit("architectures.yaml", _boundaries({"id": "r", "kind": "galaxy",
                                                 "nodes": ["api-gateway"]})),
        ["architectures.yaml", "architectures[0]", "diagram.boundaries[0].kind",
         "unknown boundary kind 'galaxy'"]),
    "sibling-boundaries-sharing-a-node": (
        _edit("architectures.yaml", _boundaries(
            {"id": "a", "kind": "region", "nodes": ["api-gateway", "integration"]},
            {"id": "b", "kind": "region", "nodes": ["integration"]})),
        ["architectures.yaml", "boundaries 'a' and 'b' overlap"]),
    "child-boundary-outside-its-parent": (
        _edit("architectures.yaml", _boundaries(
            {"id": "a", "kind": "region", "nodes": ["api-gateway"]},
            {"id": "b", "kind": "network", "parent": "a", "nodes": ["integration"]})),
        ["architectures.yaml", "boundary 'b' holds ['integration']"]),
    "consideration-citing-an-unknown-source": (
        _edit("architecture_considerations.yaml", _cite("a-blog-post")),
        ["architecture_considerations.yaml", "cites an unknown source 'a-blog-post'"]),
    "duplicate-slug": (_edit("capabilities/compute.yaml", _duplicate("capabilities")),
                       ["capabilities/compute.yaml", "duplicate slug", "slug"]),
    "bad-url": (_edit("services/compute.yaml", _set("services", 0, "docs_url", "not a url")),
                ["services/compute.yaml", "services[0]", "docs_url"]),
    "unknown-field": (_edit("providers.yaml", _set("providers", 0, "colour", "#ffffff")),
                      ["providers.yaml", "providers[0]", "colour", "Extra inputs"]),
    "retired-service-offered-as-current": (
        _edit("services/compute.yaml", _set("services", 0, "lifecycle", RETIRED)),
        ["capabilities/compute.yaml", "virtual-machines", "cells.aws.services",
         "service 'ec2' is retired", "legacy"]),
    "lifecycle-without-source": (
        _edit("services/compute.yaml", _set("services", 0, "lifecycle",
                                            {k: v for k, v in RETIRED.items()
                                             if k != "source_url"})),
        ["services/compute.yaml", "services[0]", "lifecycle", "needs source_url"]),
    "cell-without-offer-or-note": (
        _edit("capabilities/compute.yaml",
              lambda d: d["capabilities"][0]["cells"].update(gcp={"label": "Nothing"})),
        ["capabilities/compute.yaml", "cells.gcp", "'none' with a note"]),
    "facet-value-outside-vocabulary": (
        _decisions({"management": "magic"}),
        ["decisions/compute.yaml", "groups[0] (slug 'vms')", "facets.management",
         "'magic' is not one of"]),
    "facet-of-wrong-type": (
        _decisions({"max_vcpus": "lots"}),
        ["decisions/compute.yaml", "facets.max_vcpus", "expected a number of vCPUs"]),
    "facet-unknown": (
        _decisions({"colour": "blue"}),
        ["decisions/compute.yaml", "facets.colour", "unknown facet 'colour'"]),
    "facet-without-source": (
        _decisions({"management": "managed"}, source_url=None),
        ["decisions/compute.yaml", "groups[0]", "source_url", "Field required"]),
    "facet-of-a-service-outside-the-rows": (
        _decisions({"management": "managed"}, service="aws/s3"),
        ["decisions/compute.yaml", "'aws/s3' is in none of the group's capability rows"]),
}


@pytest.mark.parametrize("case", list(BAD_SEEDS), ids=list(BAD_SEEDS))
def test_seed_rejects_bad_file_and_leaves_db_untouched(app: Flask, tmp_path: Path,
                                                       case: str) -> None:
    damage, expected = BAD_SEEDS[case]
    seed_dir = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed_dir)
    damage(seed_dir)
    with app.app_context():
        before, ids_before = all_counts(), id_snapshot()
    result = app.test_cli_runner().invoke(args=["seed", str(seed_dir)])
    assert result.exit_code != 0
    for fragment in expected:
        assert fragment in result.output, result.output
    assert "database unchanged" in result.output
    with app.app_context():
        assert all_counts() == before
        assert id_snapshot() == ids_before


def test_seed_command_reports_a_missing_directory(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["seed", str(tmp_path / "nowhere")])
    assert result.exit_code != 0
    assert "not a directory" in result.output


def test_seed_command_loads_and_prints_a_summary(empty_app: Flask) -> None:
    result = empty_app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Seed loaded: 3 providers,")
    assert len(result.output.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- idempotence


def test_loading_twice_changes_nothing(app: Flask) -> None:
    with app.app_context():
        before, ids, version = all_counts(), id_snapshot(), db.session.get(m.ContentMeta, 1)
        loaded_at = version.loaded_at
        seed_database(db.session, SEED_DIR)
        assert all_counts() == before
        assert id_snapshot() == ids
        assert db.session.get(m.ContentMeta, 1).loaded_at == loaded_at


def _add_history() -> None:
    db.session.add(m.Learner(id="learner-1"))
    attempt = m.Attempt(public_id="a1", learner_id="learner-1", mode="practice",
                        question_count=1)
    attempt.questions.append(m.AttemptQuestion(
        position=0, kind="equivalence", card_key="eq:serverless-functions:aws:azure",
        prompt="Which Azure service is the equivalent of AWS Lambda?",
        options=["Azure Functions", "Azure Batch", "App Service", "Logic Apps"], correct=[0],
        chosen=[0], is_correct=True, points=1.0))
    db.session.add(attempt)
    db.session.add(m.ReviewCard(learner_id="learner-1", card_key="k", state=2, stability=1.0,
                                difficulty=6.4, due_at=m.utcnow()))
    db.session.commit()


def _history() -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.session.execute(sa.select(
        m.AttemptQuestion.id, m.AttemptQuestion.prompt, m.AttemptQuestion.options,
        m.AttemptQuestion.chosen, m.AttemptQuestion.is_correct)).all()] + [
        tuple(r) for r in db.session.execute(sa.select(m.ReviewCard.id, m.ReviewCard.state, m.ReviewCard.stability))]


def test_quiz_history_survives_reloads_even_when_services_are_renamed_or_removed(
        app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        _add_history()
        history = _history()
        seed_database(db.session, SEED_DIR)
        assert _history() == history

        seed_dir = tmp_path / "seed"
        shutil.copytree(SEED_DIR, seed_dir)
        path = file_of(seed_dir, "services",
                       lambda s: (s["provider"], s["slug"]) == ("azure", "functions"))
        services = load(path)
        functions = next(s for s in services["services"]
                         if (s["provider"], s["slug"]) == ("azure", "functions"))
        functions["name"] = "Azure Functions (renamed)"
        save(path, services)
        seed_database(db.session, seed_dir)
        assert _history() == history
        assert db.session.scalar(sa.select(m.Service.name).filter_by(slug="functions")) \
            == "Azure Functions (renamed)"

        # Add a service, then remove it again (every real service is in some row, so the
        # removal is of one nothing else refers to): history is still intact.
        extra = seed_dir / "services" / "zz-extra.yaml"
        save(extra, {"services": [{
            "provider": "aws", "slug": "temporary-service", "name": "Temporary Service",
            "category": "compute", "summary": "Added and removed by a test.",
            "docs_url": "https://docs.aws.amazon.com/"}]})
        seed_database(db.session, seed_dir)
        before = count(m.Service)
        assert _history() == history
        extra.unlink()
        seed_database(db.session, seed_dir)
        assert _history() == history
        assert count(m.Service) == before - 1


# ----------------------------------------------------------------------------- migrations


def _migrate_and_seed(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(m.Provider) == 3
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {model.__tablename__ for model in m.CONTENT_MODELS + m.QUIZ_MODELS} <= tables
        assert "alembic_version" in tables
    # Migrations and models agree: nothing left for autogenerate to find.
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_migrations_build_the_schema_on_sqlite(tmp_path: Path) -> None:
    app = make_app(tmp_path / "migrated.db")
    _migrate_and_seed(app)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres
def test_migrations_build_the_schema_and_seed_loads_on_postgres(pg_url: str) -> None:
    app = create_pg_app(pg_url)
    _migrate_and_seed(app)
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        before = all_counts()
        seed_database(db.session, SEED_DIR)
        assert all_counts() == before
        db.session.remove()
        db.engine.dispose()


def _quiz_history_survives_0003(app: Flask) -> None:
    """0003 adds the answer version to a database that already has quiz history: the rows
    stay as they were and start at version 0; downgrading drops the column again."""
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO learner (id, created_at) VALUES (:id, :at)"),
                         {"id": "ab" * 16, "at": "2026-11-30 10:00:00"})
            conn.execute(sa.text(
                "INSERT INTO attempt (public_id, learner_id, mode, title, config, rng_seed, "
                "content_version, question_count, created_at, score_points, max_points) VALUES "
                "(:pid, :lid, 'exam', 't', '{}', 1, 'v', 1, :at, 1, 1)"),
                {"pid": "cd" * 16, "lid": "ab" * 16, "at": "2026-11-30 10:00:00"})
            attempt_id = conn.execute(sa.text("SELECT id FROM attempt")).scalar_one()
            conn.execute(sa.text(
                "INSERT INTO attempt_question (attempt_id, position, kind, card_key, domain, "
                "tags, prompt, options, correct, multi, explanation, hub_url, rationale, "
                "sources, chosen, is_correct, points, flagged) VALUES (:aid, 1, 'k', 'c', '', "
                "'{}', 'p', '[\"a\", \"b\"]', '[1]', :f, '', '', '[]', '[]', '[1]', :t, 1, :f)"),
                {"aid": attempt_id, "f": False, "t": True})
        upgrade()
        row = db.session.execute(sa.select(m.AttemptQuestion)).scalar_one()
        assert (row.version, row.chosen, row.is_correct, row.points) == (0, [1], True, 1.0)
        db.session.rollback()
        downgrade(revision="0002")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("attempt_question")}
        assert "version" not in columns and "chosen" in columns
        upgrade()


def test_migration_0003_keeps_quiz_history_on_sqlite(tmp_path: Path) -> None:
    app = make_app(tmp_path / "history.db")
    _quiz_history_survives_0003(app)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres
def test_migration_0003_keeps_quiz_history_on_postgres(pg_url: str) -> None:
    app = create_pg_app(pg_url)
    _quiz_history_survives_0003(app)
    with app.app_context():
        db.engine.dispose()


def _leitner_boxes_become_fsrs_cards(app: Flask) -> None:
    """0004 turns each Leitner box into the FSRS card that schedules it the same way (stability
    = the box's interval), keeps the snapshot, and the downgrade gives the boxes back."""
    from flask_migrate import downgrade, upgrade

    seen = dt.datetime(2026, 11, 30, 10, 0)
    boxes = {"k1": (1, dt.date(2026, 11, 30)), "k2": (2, dt.date(2026, 12, 1)),
             "k3": (3, dt.date(2026, 12, 2)), "k4": (4, dt.date(2026, 12, 2))}
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO learner (id, created_at) VALUES (:id, :at)"),
                         {"id": "ab" * 16, "at": seen})
            for key, (box, due) in boxes.items():
                conn.execute(sa.text(
                    "INSERT INTO review_card (learner_id, card_key, box, due_on, last_seen, "
                    "snapshot) VALUES (:lid, :key, :box, :due, :seen, :snap)"),
                    {"lid": "ab" * 16, "key": key, "box": box, "due": due, "seen": seen,
                     "snap": '{"prompt": "p-%s"}' % key})
        upgrade()
        cards = {c.card_key: c for c in db.session.scalars(sa.select(m.ReviewCard))}
        got = {k: (c.state, c.stability, c.due_at) for k, c in cards.items()}
        assert got == {
            "k1": (1, 0.212, dt.datetime(2026, 11, 30)),  # a mistake: learning, due that day
            "k2": (2, 1.0, dt.datetime(2026, 12, 1)),  # review cards, due on the same day
            "k3": (2, 2.0, dt.datetime(2026, 12, 2)),
            "k4": (2, 4.0, seen + dt.timedelta(days=4)),  # learned: back after 4 days
        }
        assert all(c.last_review == seen and c.difficulty == 6.4133 for c in cards.values())
        assert cards["k3"].snapshot == {"prompt": "p-k3"}
        db.session.rollback()
        downgrade(revision="0003")
        with db.engine.connect() as conn:
            back = {r.card_key: (r.box, r.due_on) for r in conn.execute(sa.text(
                "SELECT card_key, box, due_on FROM review_card"))}
        as_date = {k: (b, d if isinstance(d, dt.date) else dt.date.fromisoformat(d))
                   for k, (b, d) in back.items()}
        assert as_date == {**boxes, "k4": (4, dt.date(2026, 12, 4))}
        upgrade()


def test_migration_0004_turns_leitner_boxes_into_fsrs_cards_on_sqlite(tmp_path: Path) -> None:
    app = make_app(tmp_path / "boxes.db")
    _leitner_boxes_become_fsrs_cards(app)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres
def test_migration_0004_turns_leitner_boxes_into_fsrs_cards_on_postgres(pg_url: str) -> None:
    app = create_pg_app(pg_url)
    _leitner_boxes_become_fsrs_cards(app)
    with app.app_context():
        db.engine.dispose()


def create_pg_app(url: str) -> Flask:
    from cloudquiz import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url,
                       "WTF_CSRF_ENABLED": False, "SEED_DIR": str(SEED_DIR)})


def _item_reports_arrive_beside_quiz_history(app: Flask) -> None:
    """0005 adds the report table to a database with quiz history, which it leaves alone; the
    unique (learner, item) holds; the downgrade drops the reports and keeps the history."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy.exc import IntegrityError

    at = dt.datetime(2026, 12, 4, 9, 0)
    lid = "cd" * 16
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO learner (id, created_at) VALUES (:id, :at)"),
                         {"id": lid, "at": at})
            conn.execute(sa.text(
                "INSERT INTO attempt (public_id, learner_id, mode, title, config, rng_seed, "
                "content_version, question_count, created_at, score_points, max_points) "
                "VALUES ('p5', :lid, 'practice', 'Old practice', '{}', 1, 'v1', 1, :at, 1, 1)"),
                {"lid": lid, "at": at})
        upgrade()
        attempt = db.session.scalar(sa.select(m.Attempt).where(m.Attempt.public_id == "p5"))
        assert attempt is not None and attempt.title == "Old practice"
        report = {"learner_id": lid, "attempt_id": attempt.id, "position": 1,
                  "card_key": "eq:x", "kind": "equivalence", "reason": "unclear",
                  "item": {"prompt": "p"}, "source": {"urls": []}, "created_at": at}
        db.session.add(m.ItemReport(**report))
        db.session.commit()
        db.session.add(m.ItemReport(**report))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.ItemReport)) == 1
        db.session.close()
        downgrade(revision="0004")
        tables = set(sa.inspect(db.engine).get_table_names())
        assert "item_report" not in tables
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT title FROM attempt")).scalar() == "Old practice"
        upgrade()


def test_migration_0005_adds_reports_beside_quiz_history_on_sqlite(tmp_path: Path) -> None:
    app = make_app(tmp_path / "reports.db")
    _item_reports_arrive_beside_quiz_history(app)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres
def test_migration_0005_adds_reports_beside_quiz_history_on_postgres(pg_url: str) -> None:
    app = create_pg_app(pg_url)
    _item_reports_arrive_beside_quiz_history(app)
    with app.app_context():
        db.engine.dispose()
