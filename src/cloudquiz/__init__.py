"""Cloud Ecosystem Hub: AWS, Azure and Google Cloud side by side, with certification-style quizzes.

``create_app`` builds the Flask application; nothing touches files or the database at import time.
The layers and what each may import: docs/architecture.md.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_wtf import CSRFProtect
from htmx_flask import Htmx

from .config import MIGRATIONS_DIR, ConfigError, check_secret, from_environment
from .models import db

__all__ = ["ConfigError", "create_app"]

migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
htmx_ext = Htmx()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(from_environment(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)
    check_secret(app.config, lenient=app.debug or app.testing)
    if app.debug or app.testing:
        from jinja2 import StrictUndefined

        app.jinja_env.undefined = StrictUndefined

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    htmx_ext.init_app(app)

    from . import hub, seeding, web
    from .quiz import cli as quiz_cli
    from .quiz import views as quiz_views

    web.init_app(app)
    seeding.init_app(app)
    quiz_cli.init_app(app)
    for blueprint in (*hub.blueprints(), quiz_views.bp):
        app.register_blueprint(blueprint)
    return app
