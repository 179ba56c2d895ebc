"""Organisation settings: stored values, validation, audit and the BME label shown on pages."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.admin.helpers import error_summary
from tracker.admin.service import organisation_settings
from tracker.audit.models import AuditEvent
from tracker.extensions import db

VALID = {"trust_name": "North Staffordshire Combined Healthcare NHS Trust", "bme_label": "Global Majority",
         "local_population_bme_percent": "11.17", "lead_director": "Director of People",
         "report_author": "Head of Inclusion"}


def _stored() -> tuple:
    db.session.expire_all()
    settings = organisation_settings()
    return (settings.trust_name, settings.bme_label, settings.local_population_bme_percent,
            settings.lead_director, settings.report_author)


def test_settings_page_shows_the_defaults(admin_client):
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "<h1>Organisation settings</h1>" in page
    assert 'value="NHS Trust"' in page and 'value="BME"' in page
    assert "Local population BME % (optional)" in page
    assert "Pages and reports compare <strong>BME</strong> and White staff." in page
    assert "No changes recorded." in page
    assert 'aria-label="Admin pages"' in page and 'href="/admin/settings" aria-current="page"' in page


def test_saving_settings_stores_them_audits_and_relabels_the_group(admin_client, admin):
    response = admin_client.post("/admin/settings", data={**VALID, "bme_label": "  Global Majority "})
    assert response.status_code == 302 and response.location == "/admin/settings"
    assert _stored() == ("North Staffordshire Combined Healthcare NHS Trust", "Global Majority", Decimal("11.17"),
                         "Director of People", "Head of Inclusion")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "settings")).one()
    assert (event.verb, event.actor_id) == ("updated", admin.id)
    assert event.changes == {
        "bme_label": ["BME", "Global Majority"], "lead_director": ["", "Director of People"],
        "local_population_bme_percent": [None, 11.17], "report_author": ["", "Head of Inclusion"],
        "trust_name": ["NHS Trust", "North Staffordshire Combined Healthcare NHS Trust"]}
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "Settings saved." in page
    assert "Local population Global Majority % (optional)" in page
    assert "Pages and reports compare <strong>Global Majority</strong> and White staff." in page
    assert "WRES and WDES action plan tracker for North Staffordshire Combined Healthcare NHS Trust" in page
    assert "<strong>bme label</strong>: BME → Global Majority" in page
    assert 'value="11.17"' in page


@pytest.mark.parametrize("typed, stored", [("11.17%", Decimal("11.17")), ("0", Decimal("0")),
                                           ("100", Decimal("100")), ("", None), (" 7.5 ", Decimal("7.5"))])
def test_population_percent_accepts_plain_numbers(admin_client, typed, stored):
    admin_client.post("/admin/settings", data={**VALID, "local_population_bme_percent": typed})
    assert _stored()[2] == stored


@pytest.mark.parametrize("changes, messages", [
    ({"trust_name": " ", "bme_label": ""},
     ["Enter the trust's name", "Enter what the trust calls the BME group, like BME"]),
    ({"local_population_bme_percent": "eleven"},
     ["Enter the local population percentage as a number from 0 to 100, like 11.17"]),
    ({"local_population_bme_percent": "100.01"},
     ["Enter the local population percentage as a number from 0 to 100, like 11.17"]),
    ({"local_population_bme_percent": "-1"},
     ["Enter the local population percentage as a number from 0 to 100, like 11.17"]),
    ({"local_population_bme_percent": "NaN"},
     ["Enter the local population percentage as a number from 0 to 100, like 11.17"]),
    ({"local_population_bme_percent": "11.175"},
     ["Enter the local population percentage with no more than 2 decimal places"]),
    ({"bme_label": "x" * 61}, ["The name of the group must be 60 characters or fewer"]),
    ({"report_author": "x" * 201}, ["Report author must be 200 characters or fewer"]),
])
def test_invalid_settings_show_errors_and_store_nothing(admin_client, changes, messages):
    organisation_settings()
    db.session.commit()
    before = _stored()
    response = admin_client.post("/admin/settings", data={**VALID, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: Organisation settings" in page
    assert error_summary(page) == messages
    assert _stored() == before
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "settings")).all() == []


def test_unchanged_settings_record_no_event(admin_client):
    admin_client.post("/admin/settings", data=VALID)
    admin_client.post("/admin/settings", data=VALID)
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "settings")).all()) == 1


def test_the_footer_names_the_trust_from_the_settings_not_nhs_england(admin_client):
    admin_client.post("/admin/settings", data=VALID)
    page = admin_client.get("/plans/").get_data(as_text=True)
    footer = page[page.index('<footer'):]
    assert "&copy; North Staffordshire Combined Healthcare NHS Trust" in footer
    assert "NHS England" not in footer
