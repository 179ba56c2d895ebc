"""Organisation settings."""
from __future__ import annotations

from decimal import Decimal

from flask import g, has_request_context
from sqlalchemy import select

from tracker.admin.models import OrganisationSettings
from tracker.audit.service import diff, record
from tracker.extensions import db

SETTINGS_FIELDS = ("trust_name", "bme_label", "local_population_bme_percent", "lead_director", "report_author")


def get_settings() -> OrganisationSettings:
    """The one settings row, created with defaults the first time (cached per request)."""
    if has_request_context() and "org_settings" in g:
        return g.org_settings
    settings = db.session.scalar(select(OrganisationSettings).order_by(OrganisationSettings.id).limit(1))
    if settings is None:
        settings = OrganisationSettings(trust_name="NHS Trust", bme_label="BME", lead_director="", report_author="")
        db.session.add(settings)
        db.session.flush()
    if has_request_context():
        g.org_settings = settings
    return settings


def update_settings(data: dict, actor) -> OrganisationSettings:
    settings = get_settings()
    before = {field: getattr(settings, field) for field in SETTINGS_FIELDS}
    for field in SETTINGS_FIELDS:
        if field in data:
            value = data[field]
            if field == "local_population_bme_percent" and value is not None:
                value = Decimal(str(value))
            setattr(settings, field, value.strip() if isinstance(value, str) else value)
    changes = diff(before, {field: getattr(settings, field) for field in SETTINGS_FIELDS})
    if changes:
        record(actor, settings, "updated", changes, subject_type="settings")
    return settings
