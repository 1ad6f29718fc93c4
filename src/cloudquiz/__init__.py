"""Cloud Ecosystem Hub: AWS, Azure and Google Cloud side by side, with certification-style quizzes.

``create_app`` builds the Flask application; nothing touches files or the database at import time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_wtf import CSRFProtect
from htmx_flask import Htmx

from .models import db

migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
htmx_ext = Htmx()

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEV_SECRET = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """The app cannot start with this configuration; the message says how to fix it."""


def database_url(raw: str | None, instance_path: str) -> str:
    """Normalise ``DATABASE_URL``: plain postgres URLs use the psycopg 3 driver."""
    if not raw:
        return "sqlite:///" + os.path.join(instance_path, "cloudquiz.db")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _env_optional_flag(name: str) -> bool | None:
    """True/False when the variable is set, None when it is not (the app picks a default)."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return None
    return raw in {"1", "true", "yes", "on"}


def _env_int(name: str) -> int:
    raw = os.environ.get(name, "").strip().lower()
    if raw in {"true", "yes", "on"}:
        return 1
    return int(raw) if raw.isdigit() else 0


# Placeholders people paste from tutorials; a production key must be long and random.
WEAK_SECRETS = {DEV_SECRET, "dev", "secret", "changeme", "change-me", "development"}
MIN_SECRET_LENGTH = 16


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", ""),
        SQLALCHEMY_DATABASE_URI=database_url(os.environ.get("DATABASE_URL"), app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SEED_DIR=os.environ.get("SEED_DIR", str(PROJECT_ROOT / "seed")),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_env_flag("SESSION_COOKIE_SECURE") or _env_flag("HTTPS"),
        PREFERRED_URL_SCHEME="https" if _env_flag("HTTPS") else "http",
        WTF_CSRF_TIME_LIMIT=None,
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * 365,
        # Production plumbing (web.py, caching.py): trusted proxy hops for ProxyFix (0 = none),
        # the in-process render cache (None = on, except under TESTING).
        BEHIND_PROXY=_env_int("BEHIND_PROXY"),
        RENDER_CACHE=_env_optional_flag("RENDER_CACHE"),
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)

    secret = app.config["SECRET_KEY"]
    if not secret or secret in WEAK_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        if not (app.debug or app.testing or _env_flag("CLOUDQUIZ_DEV")):
            raise ConfigError(
                f"SECRET_KEY is {'too weak' if secret else 'not set'}: export "
                "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))') "
                "before starting Cloud Ecosystem Hub."
            )
        app.config["SECRET_KEY"] = secret or DEV_SECRET
    if app.debug or app.testing:
        from jinja2 import StrictUndefined

        app.jinja_env.undefined = StrictUndefined

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    htmx_ext.init_app(app)

    from . import (architectures, cli, compare, devops, errors, learn, pages, providers, quiz,
                   search, services, web)

    web.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    for feature in (pages, providers, services, compare, devops, architectures, learn, search,
                    quiz):
        app.register_blueprint(feature.bp)
    return app
