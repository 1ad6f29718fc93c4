"""Where the project's files are, for tests that read them (seed, node_modules, results)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = PROJECT_ROOT / "seed"
RESULTS_DIR = PROJECT_ROOT / "test-results"
PACKAGE_DIR = PROJECT_ROOT / "src" / "cloudquiz"
