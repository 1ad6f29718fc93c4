"""The floor plan holds: the layer rules of docs/architecture.md (import-linter contracts in
pyproject.toml), module sizes and the package's top level."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.paths import PACKAGE_DIR, PROJECT_ROOT

MAX_LINES = 600
MAX_TOP_LEVEL_MODULES = 9


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(PROJECT_ROOT / "pyproject.toml")],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


def test_no_module_is_a_warehouse() -> None:
    too_long = {}
    for path in PACKAGE_DIR.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long[str(path.relative_to(PACKAGE_DIR))] = lines
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


def test_the_package_top_shows_its_layers() -> None:
    loose = sorted(p.name for p in PACKAGE_DIR.glob("*.py"))
    assert len(loose) <= MAX_TOP_LEVEL_MODULES, loose
    for package in ("seeding", "web", "hub", "diagrams", "quiz", "quiz/engine", "quiz/store",
                    "migrations"):
        assert (PACKAGE_DIR / package).is_dir(), package
