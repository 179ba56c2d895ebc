"""WRES and WDES action plan tracker: the application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, send_from_directory
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from config import INSTANCE_DIR, config_for_environment

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app, one named step at a time; every blueprint and command is registered here."""
    app = Flask(
        __name__,
        instance_path=str((test_config or {}).get("INSTANCE_PATH") or os.environ.get("TRACKER_INSTANCE_PATH") or INSTANCE_DIR),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    # Escape in every template, including the NHS.UK macros (their files end in .jinja).
    app.jinja_options = {**app.jinja_options, "autoescape": True}
    configure(app, test_config)
    trust_proxies(app)
    register_request_guards(app)
    register_security_headers(app)
    register_extensions(app)
    register_models(app)
    register_templates(app)
    register_blueprints(app)
    connect_features(app)
    register_commands(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    from config import TestConfig

    app.config.from_object(TestConfig if test_config is not None else config_for_environment())
    if test_config:
        app.config.update(test_config)
    if app.config.get("REQUIRE_SECRET_KEY") and not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it in the environment (a long random string), "
            "or set TRACKER_ENV=development for a local run."
        )
    os.makedirs(app.instance_path, exist_ok=True)


def register_request_guards(app: Flask) -> None:
    """Odd URLs are 404s before any query: bounded `<int:...>` ids (before any route is added), no control characters."""
    from tracker.request_guards import register_request_guards as install

    install(app)


def register_security_headers(app: Flask) -> None:
    """Security headers (Content-Security-Policy and the rest) on every response."""
    from tracker.security_headers import register_security_headers as install

    install(app)


def trust_proxies(app: Flask) -> None:
    """Behind n trusted proxies, the client's address is the one the nth proxy from the app saw
    (what sign-in limits and the audit trail record); with 0 it is the peer's, and the headers,
    which anyone can send, are ignored."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def register_extensions(app: Flask) -> None:
    from tracker.auth.access import configure_login
    from tracker.auth.oidc import configure_sso
    from tracker.database import configure_database
    from tracker.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    configure_login(app)
    configure_database(app)
    configure_sso(app)


def register_models(app: Flask) -> None:
    """Map the whole schema now: Alembic compares it with the database, and a relationship that
    names a missing model fails at start-up instead of on the first page that uses it."""
    from sqlalchemy.orm import configure_mappers

    from tracker.models import ALL_MODELS

    configure_mappers()
    app.extensions["tracker.models"] = ALL_MODELS


def register_templates(app: Flask) -> None:
    from tracker.templating import register_template_helpers

    app.jinja_env.undefined = ChainableUndefined
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(ROOT / "templates")), PackageLoader("nhsuk_frontend_jinja")]
    )
    register_template_helpers(app)

    assets = ROOT / "static" / "nhsuk" / "assets"

    @app.route("/assets/<path:filename>")
    def nhsuk_assets(filename: str):
        return send_from_directory(assets, filename, max_age=86400)


def register_blueprints(app: Flask) -> None:
    from tracker.actions.views import bp as actions_bp
    from tracker.admin.views import bp as admin_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.dashboards.views import bp as dashboards_bp
    from tracker.error_pages import register_error_handlers
    from tracker.evidence.views import bp as evidence_bp
    from tracker.governance.views import bp as governance_bp
    from tracker.indicators.views import bp as indicators_bp
    from tracker.plans.views import bp as plans_bp
    from tracker.reminders.views import bp as reminders_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.reviews.views import bp as reviews_bp
    from tracker.search.views import bp as search_bp

    blueprints = (auth_bp, dashboards_bp, plans_bp, actions_bp, governance_bp, reviews_bp, indicators_bp,
                  reminders_bp, reports_bp, admin_bp, evidence_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.register_blueprint(search_bp)

    # WDES data: upload with preview, past years typed in
    from tracker.indicators.wdes_import_views import bp as wdes_data_bp

    app.register_blueprint(wdes_data_bp)

    # WDES metrics pages
    from tracker.indicators.wdes_views import bp as wdes_bp

    app.register_blueprint(wdes_bp)
    register_error_handlers(app)


def connect_features(app: Flask) -> None:
    """Hand the pages of lower layers what they show from features above them."""
    from tracker.actions.figures import provide_indicator_figures
    from tracker.indicators.queries import latest_for_indicators
    from tracker.reminders.settings import reminder_settings
    from tracker.reviews.schedule import provide_update_request_days

    provide_indicator_figures(app, latest_for_indicators)
    provide_update_request_days(app, lambda: reminder_settings().update_request_days)


def register_commands(app: Flask) -> None:
    from tracker.auth.cli import users_cli
    from tracker.demo.cli import demo_cli
    from tracker.indicators.cli import wres_cli
    from tracker.plans.cli import plan_cli
    from tracker.reminders.cli import reminders_cli, scheduler_command
    from tracker.reports.cli import PLAN_COMMANDS

    for command in PLAN_COMMANDS:
        plan_cli.add_command(command)
    for command in (users_cli, demo_cli, plan_cli, wres_cli, reminders_cli, scheduler_command):
        app.cli.add_command(command)

    # Backups: `flask backup PATH` (SQLite)
    from tracker.admin.cli import backup_command

    app.cli.add_command(backup_command)

    # WDES data: `flask wdes import/show`
    from tracker.indicators.wdes_cli import wdes_cli

    app.cli.add_command(wdes_cli)
