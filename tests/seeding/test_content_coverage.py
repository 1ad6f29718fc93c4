"""The equivalence map is complete and current: every row of the official comparison tables has a
row here, rows carry sources, and the rows that exams test have decision facts for every service."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from cloudquiz.seeding import read_seed
from tests.support.paths import PROJECT_ROOT, SEED_DIR

# The categories an exam blueprint domain touches (compute, containers, serverless, storage,
# databases, networking, identity, security, messaging, monitoring, IaC, CI/CD, analytics, AI).
EXAM_CATEGORIES = {"compute", "containers", "serverless", "storage", "database", "nosql",
                   "networking", "identity", "security", "messaging", "monitoring", "iac",
                   "devops", "analytics", "ml-ai", "generative-ai"}
MIN_FACETS = 3
OFFICIAL = PROJECT_ROOT / "docs" / "coverage" / "official-tables.csv"


@pytest.fixture(scope="module")
def seed():
    return read_seed(SEED_DIR)


def test_at_least_220_rows_each_with_a_source_and_every_provider_answered(seed) -> None:
    caps = seed.capabilities
    assert len(caps) >= 220
    for c in caps:
        assert str(c.source_url).startswith("https://"), c.slug
        assert set(c.cells) == {"aws", "azure", "gcp"}, c.slug


def test_no_equivalent_is_a_value_with_a_note(seed) -> None:
    nones = [(c.slug, p) for c in seed.capabilities for p, cell in c.cells.items() if cell.none]
    assert len(nones) >= 40  # Google's own table alone has ~39 rows without an AWS product
    for c in seed.capabilities:
        for p, cell in c.cells.items():
            if not cell.services:
                assert len(cell.none.split()) >= 6, (c.slug, p)


def test_every_row_of_the_official_tables_is_covered() -> None:
    with OFFICIAL.open(encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    tables = defaultdict(int)
    slugs = {c.slug for c in read_seed(SEED_DIR).capabilities}
    for line in lines:
        tables[line["table"]] += 1
        if line["capability_slug"] != "out-of-scope":
            assert line["capability_slug"] in slugs, line
        else:
            assert line["note"], line
    assert tables["google"] >= 220 and tables["ms_aws"] >= 136 and tables["ms_gcp"] >= 140


def test_exam_rows_have_three_decision_facts_for_every_current_service(seed) -> None:
    status = {(s.provider, s.slug): s.lifecycle.status for s in seed.services}
    facts: dict[tuple[str, str], int] = defaultdict(int)  # (row, service key) -> facets
    for g in seed.groups:
        for sf in g.services:
            for cap in g.capabilities:
                facts[(cap, sf.service)] = max(facts[(cap, sf.service)], len(sf.facets))
    missing = []
    for c in seed.capabilities:
        if c.category not in EXAM_CATEGORIES:
            continue
        for p, cell in c.cells.items():
            for sl in cell.services:
                if status[(p, sl)] in ("closed", "deprecated", "retired"):
                    continue
                if facts[(c.slug, f"{p}/{sl}")] < MIN_FACETS:
                    missing.append(f"{c.slug}: {p}/{sl}")
    assert not missing, missing


def test_renamed_services_say_their_former_names(seed) -> None:
    aliases = {(s.provider, s.slug): {a.name for a in s.aliases} for s in seed.services}
    assert "Azure Active Directory" in aliases[("azure", "entra-id")]
    assert "Azure Sentinel" in aliases[("azure", "sentinel")]
    assert "Cloud Functions" in aliases[("gcp", "cloud-run-functions")]
    assert "Anthos" in aliases[("gcp", "gke-enterprise")]


@pytest.mark.parametrize("provider, slug, status", [
    ("gcp", "cloud-source-repositories", "closed"),
    ("aws", "codecommit", "closed"),
    ("gcp", "deployment-manager", "retired"),
    ("azure", "cdn", "closed"),
])
def test_known_lifecycle_cases_are_marked(seed, provider: str, slug: str, status: str) -> None:
    svc = next(s for s in seed.services if (s.provider, s.slug) == (provider, slug))
    assert svc.lifecycle.status == status
    assert svc.lifecycle.source_url and svc.lifecycle.note
