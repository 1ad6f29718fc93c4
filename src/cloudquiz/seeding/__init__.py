"""Content from ``seed/`` YAML into the database: validated (``schema``), cross-checked
(``references``), loaded in one transaction (``loader``), run by ``flask seed`` (``cli``).

Nothing here knows about HTTP: it takes a SQLAlchemy session and a directory."""

from __future__ import annotations

from flask import Flask

from .loader import SeedError, read_seed, seed_database, summary_line

__all__ = ["SeedError", "init_app", "read_seed", "seed_database", "summary_line"]


def init_app(app: Flask) -> None:
    from .cli import seed_command

    app.cli.add_command(seed_command)
