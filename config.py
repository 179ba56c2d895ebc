"""Configuration read from the environment.

`Config` is for real deployments: `SECRET_KEY` must be set there and is never committed.
`DevelopmentConfig` (``make run``) and `TestConfig` (the test suite) have safe local defaults.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(default_file: str) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / default_file}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    """Production settings; everything secret comes from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url("tracker.sqlite")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute")
    RATELIMIT_HEADERS_ENABLED = True
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    #: None when not set: emails then come from "<trust name> WRES tracker <wres-tracker@host of BASE_URL>".
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "").strip() or None
    REQUIRE_SECRET_KEY = True

    # Uploaded workbooks and Word documents (tracker/zip_limits.py): refused unread when they would
    # unpack to more than this many MB, when a part unpacks to more than UPLOAD_MAX_RATIO times its
    # packed size, or when they hold more than UPLOAD_MAX_PARTS parts.
    UPLOAD_MAX_UNPACKED_MB = float(os.environ.get("UPLOAD_MAX_UNPACKED_MB", "200"))
    UPLOAD_MAX_RATIO = int(os.environ.get("UPLOAD_MAX_RATIO", "100"))
    UPLOAD_MAX_PARTS = int(os.environ.get("UPLOAD_MAX_PARTS", "1000"))


class DevelopmentConfig(Config):
    """Local settings used by ``make run``."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")
    REQUIRE_SECRET_KEY = False


class TestConfig(Config):
    """Settings for the test suite; `TEST_DATABASE_URL` points it at PostgreSQL."""

    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    REQUIRE_SECRET_KEY = False
    BASE_URL = "http://localhost"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


def config_for_environment() -> type[Config]:
    """Pick the configuration class from ``TRACKER_ENV`` (production by default)."""
    name = os.environ.get("TRACKER_ENV", "production").lower()
    return {"development": DevelopmentConfig, "testing": TestConfig}.get(name, Config)
