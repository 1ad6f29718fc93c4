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


def from_environment(instance_path: str) -> dict[str, Any]:
    return dict(
        SECRET_KEY=os.environ.get("SECRET_KEY", ""),
        SQLALCHEMY_DATABASE_URI=database_url(os.environ.get("DATABASE_URL"), instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SEED_DIR=os.environ.get("SEED_DIR") or default_seed_dir(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=env_flag("SESSION_COOKIE_SECURE") or env_flag("HTTPS"),
        PREFERRED_URL_SCHEME="https" if env_flag("HTTPS") else "http",
        WTF_CSRF_TIME_LIMIT=None,
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * 365,
        # Production plumbing (cloudquiz.web): trusted proxy hops for ProxyFix (0 = none),
        # the in-process render cache (None = on, except under TESTING).
        BEHIND_PROXY=env_int("BEHIND_PROXY"),
        RENDER_CACHE=env_optional_flag("RENDER_CACHE"),
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
