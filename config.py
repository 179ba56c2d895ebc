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


# Cookies: Secure (sent over https only) in production whatever BASE_URL says, since a proxy in
# front may end TLS; SESSION_COOKIE_SECURE=false turns that off for a plain-http test install.
# DevelopmentConfig and TestConfig serve plain http and keep it off.
COOKIES_SECURE = _bool("SESSION_COOKIE_SECURE", default=True)


class Config:
    """Production settings; everything secret comes from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url("tracker.sqlite")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = COOKIES_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    #: A per-worker flood guard on sign-in POSTs, before any password is checked; the limits that
    #: count failures are SIGN_IN_ACCOUNT_FAILURES and SIGN_IN_ADDRESS_FAILURES, kept in the database.
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "30 per minute")
    RATELIMIT_HEADERS_ENABLED = True
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    #: None when not set: emails then come from "<trust name> WRES tracker <wres-tracker@host of BASE_URL>".
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "").strip() or None
    REQUIRE_SECRET_KEY = True

    # Single sign-on with OpenID Connect (NHSmail, Microsoft Entra ID); README "Single sign-on".
    #: On when the discovery URL, client id and client secret are all set.
    OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "").strip() or None
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip() or None
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "").strip() or None
    OIDC_LABEL = os.environ.get("OIDC_LABEL", "").strip() or "Sign in with your NHS account"
    #: Comma-separated email domains ("nhs.net,mytrust.nhs.uk"). Empty: only users who already
    #: exist may sign in, whatever their domain, and nobody is created.
    OIDC_ALLOWED_DOMAINS = os.environ.get("OIDC_ALLOWED_DOMAINS", "")
    #: An unknown person from an allowed domain is created as a viewer on first sign-in.
    OIDC_AUTO_CREATE = _bool("OIDC_AUTO_CREATE")
    #: False hides the password form; an admin can still use /sign-in?local=1 (break-glass).
    LOCAL_SIGN_IN = _bool("LOCAL_SIGN_IN", default=True)

    # Uploaded workbooks and Word documents (tracker/zip_limits.py): refused unread when they would
    # unpack to more than this many MB, when a part unpacks to more than UPLOAD_MAX_RATIO times its
    # packed size, or when they hold more than UPLOAD_MAX_PARTS parts.
    UPLOAD_MAX_UNPACKED_MB = float(os.environ.get("UPLOAD_MAX_UNPACKED_MB", "200"))
    UPLOAD_MAX_RATIO = int(os.environ.get("UPLOAD_MAX_RATIO", "100"))
    UPLOAD_MAX_PARTS = int(os.environ.get("UPLOAD_MAX_PARTS", "1000"))

    # Evidence files on progress updates (tracker/evidence): each file at most EVIDENCE_MAX_MB, the
    # files of one update at most EVIDENCE_MAX_UPDATE_MB together. Only the update form takes a
    # request that large; every other page keeps MAX_CONTENT_LENGTH.
    EVIDENCE_MAX_MB = float(os.environ.get("EVIDENCE_MAX_MB", "20"))
    EVIDENCE_MAX_UPDATE_MB = float(os.environ.get("EVIDENCE_MAX_UPDATE_MB", "50"))

    # Sessions and sign-in limits (tracker/auth/sessions.py, tracker/auth/limits.py).
    #: A session ends after this many hours without a request, and this many days after sign-in.
    SESSION_IDLE_HOURS = float(os.environ.get("SESSION_IDLE_HOURS", "8"))
    SESSION_MAX_DAYS = float(os.environ.get("SESSION_MAX_DAYS", "7"))
    #: An account waits after this many failed sign-ins with no quiet period between them (1 minute,
    #: doubling up to the window); an address is refused after SIGN_IN_ADDRESS_FAILURES in the window.
    SIGN_IN_ACCOUNT_FAILURES = int(os.environ.get("SIGN_IN_ACCOUNT_FAILURES", "5"))
    SIGN_IN_ACCOUNT_QUIET_MINUTES = int(os.environ.get("SIGN_IN_ACCOUNT_QUIET_MINUTES", "60"))
    SIGN_IN_ADDRESS_FAILURES = int(os.environ.get("SIGN_IN_ADDRESS_FAILURES", "50"))
    SIGN_IN_FAILURE_WINDOW_MINUTES = int(os.environ.get("SIGN_IN_FAILURE_WINDOW_MINUTES", "15"))
    #: How many proxies in front of the app set X-Forwarded-For / X-Forwarded-Proto (0: none, the
    #: peer address is the client's).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))


class DevelopmentConfig(Config):
    """Local settings used by ``make run``."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")
    REQUIRE_SECRET_KEY = False
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


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
    # Single sign-on: off unless a test turns it on, whatever the shell says.
    OIDC_DISCOVERY_URL = OIDC_CLIENT_ID = OIDC_CLIENT_SECRET = None
    OIDC_LABEL = "Sign in with your NHS account"
    OIDC_ALLOWED_DOMAINS = ""
    OIDC_AUTO_CREATE = False
    LOCAL_SIGN_IN = True


def config_for_environment() -> type[Config]:
    """Pick the configuration class from ``TRACKER_ENV`` (production by default)."""
    name = os.environ.get("TRACKER_ENV", "production").lower()
    return {"development": DevelopmentConfig, "testing": TestConfig}.get(name, Config)
