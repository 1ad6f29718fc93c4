"""The package installs from a wheel and works from any directory: migrations and the seed
ship inside it (no checkout needed for `flask db upgrade` and `flask seed`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import PROJECT_ROOT

pytestmark = [pytest.mark.live, pytest.mark.slow]


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_an_installed_wheel_migrates_seeds_and_serves_from_another_directory(
        tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path, dict(os.environ))
    bin_dir = venv / "bin"
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "CLOUDQUIZ_DEV": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    env.pop("SEED_DIR", None)
    env.pop("PYTHONPATH", None)
    run([str(bin_dir / "pip"), "install", "--quiet", str(PROJECT_ROOT)], tmp_path, env)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run([str(bin_dir / "flask"), "--app", "cloudquiz", "db", "upgrade"], elsewhere, env)
    out = run([str(bin_dir / "flask"), "--app", "cloudquiz", "seed"], elsewhere, env)
    assert out.startswith("Seed loaded: 3 providers")
    probe = ("from cloudquiz import create_app; c = create_app().test_client(); "
             "r = c.get('/compare'); print(r.status_code, b'Virtual Machines' in r.data); "
             "import cloudquiz; print(cloudquiz.__file__)")
    out = run([str(bin_dir / "python"), "-c", probe], elsewhere, env)
    assert "200 True" in out
    assert str(PROJECT_ROOT / "src") not in out  # the installed copy, not the checkout
