"""Configuration from environment variables, checked before the app starts.

Everything the app reads from the environment is read here, once, in :func:`from_environment`;
:func:`check_secret` refuses to start a production app without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
DEV_SECRET = "dev-only-not-secret"
# Placeholders people paste from tutorials; a production key must be long and random.
WEAK_SECRETS = {DEV_SECRET, "dev", "secret", "changeme", "change-me", "development"}
MIN_SECRET_LENGTH = 16


class ConfigError(RuntimeError):
    """The app cannot start with this configuration; the message says how to fix it."""


def default_seed_dir() -> str:
    """The checkout's ``seed/`` when running from one, else the copy shipped in the package."""
    checkout = PACKAGE_DIR.parents[1] / "seed"
    if (checkout / "services.yaml").is_file() or (checkout / "services").is_dir():
        return str(checkout)
    return str(PACKAGE_DIR / "seed")


def database_url(raw: str | None, instance_path: str) -> str:
    """Normalise ``DATABASE_URL``: plain postgres URLs use the psycopg 3 driver."""
    if not raw:
        return "sqlite:///" + os.path.join(instance_path, "cloudquiz.db")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def env_optional_flag(name: str) -> bool | None:
    """True/False when the variable is set, None when it is not (the app picks a default)."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return None
    return raw in {"1", "true", "yes", "on"}


def env_int(name: str) -> int:
    raw = os.environ.get(name, "").strip().lower()
    if raw in {"true", "yes", "on"}:
        return 1
    return int(raw) if raw.isascii() and raw.isdigit() else 0


def env_list(name: str) -> list[str] | None:
    """A comma-separated list (lower-cased), or None when the variable is unset or empty."""
    items = [v.strip().lower() for v in os.environ.get(name, "").split(",") if v.strip()]
    return items or None


def env_int_default(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else default


def env_retention(name: str, default: float = 0.9) -> float:
    """A desired retention for FSRS review: a decimal between 0.7 and 0.99, else ``default``."""
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw.isascii() else default
    except ValueError:
        return default
    return value if 0.7 <= value <= 0.99 else default


def engine_options(url: str) -> dict[str, Any]:
    """Pool options, and on PostgreSQL a statement timeout: a query stuck behind a lock fails
    (the styled 503) instead of holding a worker thread indefinitely."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        timeout = env_int_default("DATABASE_STATEMENT_TIMEOUT_MS", 10_000)
        options["connect_args"] = {"options": f"-c statement_timeout={timeout}"}
    return options


def from_environment(instance_path: str) -> dict[str, Any]:
    url = database_url(os.environ.get("DATABASE_URL"), instance_path)
    return dict(
        SECRET_KEY=os.environ.get("SECRET_KEY", ""),
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(url),
        # A writer waits this long for SQLite's lock, then the learner gets the styled 503:
        # a held lock never ties up a worker thread for longer, nor outlasts a proxy's patience.
        SQLITE_BUSY_TIMEOUT_MS=env_int_default("SQLITE_BUSY_TIMEOUT_MS", 5_000),
        SEED_DIR=os.environ.get("SEED_DIR") or default_seed_dir(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=env_flag("SESSION_COOKIE_SECURE") or env_flag("HTTPS"),
        PREFERRED_URL_SCHEME="https" if env_flag("HTTPS") else "http",
        # A form's CSRF token is good for 12 hours: longer than any exam with a time
        # accommodation, short enough that a leaked page stops working the next day.
        WTF_CSRF_TIME_LIMIT=12 * 60 * 60,
        # The learner cookie (an anonymous learner id) lives a year from the last day it was
        # renewed; it is re-sent only when the session changes (quiz.identity renews it once a
        # day), never on every response, so content pages stay cacheable.
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * 365,
        SESSION_REFRESH_EACH_REQUEST=False,
        # Bodies above 64 KiB get the 413 page before anything parses them (the largest real
        # form, a choose-three answer, is under 1 KiB).
        MAX_CONTENT_LENGTH=env_int_default("MAX_CONTENT_LENGTH", 64 * 1024),
        MAX_FORM_PARTS=200,
        # ... except a progress file imported on /progress/import (quiz.transfer).
        IMPORT_MAX_BYTES=env_int_default("IMPORT_MAX_BYTES", 5 * 1024 * 1024),
        # Host names the site answers to (".example.org" also allows subdomains); unset: any
        # well-formed host name. A malformed or unlisted Host gets the 400 page (web.hosts).
        TRUSTED_HOSTS=env_list("TRUSTED_HOSTS"),
        # Production plumbing (cloudquiz.web): trusted proxy hops for ProxyFix (0 = none),
        # the in-process render cache (None = on, except under TESTING).
        BEHIND_PROXY=env_int("BEHIND_PROXY"),
        # Content pages are public: browsers reuse them CACHE_MAX_AGE s, shared caches (nginx,
        # a CDN) CACHE_SHARED_MAX_AGE s, then revalidate by ETag (web.caching).
        CACHE_MAX_AGE=env_int_default("CACHE_MAX_AGE", 60),
        CACHE_SHARED_MAX_AGE=env_int_default("CACHE_SHARED_MAX_AGE", 300),
        CACHE_STALE_WHILE_REVALIDATE=env_int_default("CACHE_STALE_WHILE_REVALIDATE", 60),
        RENDER_CACHE=env_optional_flag("RENDER_CACHE"),
        # Review mistakes (FSRS): a card comes back when its predicted recall falls to this.
        # Higher means more reviews and fewer forgotten answers; 0.7-0.99, default 0.9.
        REVIEW_DESIRED_RETENTION=env_retention("REVIEW_DESIRED_RETENTION"),
        # "Report a problem" per learner (Flask-Limiter syntax); counted in
        # RATELIMIT_STORAGE_URI (memory:// per process by default: web.ratelimit).
        REPORT_RATE_LIMIT=os.environ.get("REPORT_RATE_LIMIT") or "5 per minute;30 per day",
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
    )


def check_secret(config: dict[str, Any], lenient: bool) -> None:
    """Refuse a missing or weak key unless ``lenient`` (debug, tests, ``CLOUDQUIZ_DEV``), where
    a development key is filled in."""
    secret = config["SECRET_KEY"]
    if not secret or secret in WEAK_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        if not (lenient or env_flag("CLOUDQUIZ_DEV")):
            raise ConfigError(
                f"SECRET_KEY is {'too weak' if secret else 'not set'}: export "
                "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))') "
                "before starting Cloud Ecosystem Hub."
            )
        config["SECRET_KEY"] = secret or DEV_SECRET
