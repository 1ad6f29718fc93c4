"""Command line: ``flask --app cloudquiz seed [--check] [SEED_DIR]``."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from ..models import db
from .loader import SeedError, read_seed, seed_database, summary_line


@click.command("seed")
@click.argument("seed_dir", required=False, type=click.Path(file_okay=False))
@click.option("--check", is_flag=True,
              help="Only validate the files and their references; touch no database.")
@with_appcontext
def seed_command(seed_dir: str | None, check: bool) -> None:
    """Validate every file of SEED_DIR (default: the project's seed/), then load all or nothing."""
    directory = seed_dir or current_app.config["SEED_DIR"]
    if check:
        try:
            seed = read_seed(directory)
        except SeedError as exc:
            raise click.ClickException(f"seed is not valid.\n{exc}") from None
        click.echo(f"Seed is valid (version {seed.version}): "
                   + ", ".join(f"{len(getattr(parsed, next(iter(type(parsed).model_fields))))}"
                               f" {name.removesuffix('.yaml').replace('_', ' ')}"
                               for name, parsed in seed.files.items()
                               if name not in ("site.yaml", "devops.yaml")))
        return
    try:
        counts = seed_database(db.session, directory)
    except SeedError as exc:
        raise click.ClickException(f"seed not loaded, database unchanged.\n{exc}") from None
    except sa.exc.SQLAlchemyError as exc:
        raise click.ClickException(
            "seed not loaded, database unchanged: the database is not ready "
            f"(run 'flask --app cloudquiz db upgrade' first).\n{exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}"
        ) from None
    click.echo(summary_line(counts))

