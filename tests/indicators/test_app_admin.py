"""Typing in published values, editing the national series, who may do it, and the migration."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from tracker import create_app
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.indicators import service
from tracker.indicators.definitions import load_national
from tracker.indicators.models import IndicatorValue, IndicatorYear, NationalValue

PACK = Path(__file__).parent / "data" / "pack_2024"
ADMIN_PAGES = ("/indicators/enter", "/indicators/national")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(make_user, sign_in):
    user = make_user("admin")
    sign_in(user)
    return user


def test_entered_values_are_stored_as_entered_and_shown_so(client, admin):
    response = client.post("/indicators/enter", data={"year": "2021", "i2": "1.3", "i5_bme": "27.3",
                                                      "i5_white": "27.6", "i9": "21.4"})
    assert response.status_code == 302 and response.location.endswith("/indicators/")
    row = db.session.scalar(select(IndicatorYear))
    assert (row.year, row.source, row.result, row.imported_by_id) == (2021, "entered", None, admin.id)
    values = {(v.indicator, v.measure): (v.value, v.source) for v in db.session.scalars(select(IndicatorValue))}
    assert values == {(2, "value"): (1.3, "entered"), (5, "bme"): (27.3, "entered"),
                      (5, "white"): (27.6, "entered"), (9, "value"): (21.4, "entered")}
    page = client.get("/indicators/").get_data(as_text=True)
    assert "2021<br><strong class=\"nhsuk-tag nhsuk-tag--white\">Entered</strong>" in page
    assert "Computed" not in page.split("<tbody")[0]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_type == "indicator_year"))
    assert (event.verb, event.summary) == ("imported", "WRES 2021 published values entered")


def test_entering_a_year_again_replaces_it_and_the_form_shows_what_is_stored(client, admin):
    client.post("/indicators/enter", data={"year": "2021", "i2": "1.3", "i3": "4.35"})
    page = client.get("/indicators/enter?year=2021").get_data(as_text=True)
    assert 'name="i2" type="text" value="1.3"' in page and 'name="i3" type="text" value="4.35"' in page
    client.post("/indicators/enter", data={"year": "2021", "i2": "1.31"})
    assert {(v.indicator, v.value) for v in db.session.scalars(select(IndicatorValue))} == {(2, 1.31)}
    assert count(IndicatorYear) == 1


def test_entered_values_are_checked(client, admin):
    response = client.post("/indicators/enter", data={"year": "2021", "i1": "120", "i2": "-1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Indicator 1 is a percentage: enter a number from 0 to 100" in page
    assert "Indicator 2 is a ratio: enter a number from 0 to 1000, like 1.21" in page
    response = client.post("/indicators/enter", data={"year": "2021"})
    assert response.status_code == 400 and "Enter at least one indicator&#39;s value" in response.get_data(as_text=True)
    assert count(IndicatorYear) == 0


def test_a_computed_year_cannot_be_overwritten_by_typed_values(client, admin):
    service.import_pack(PACK, 2024, None)
    db.session.commit()
    response = client.post("/indicators/enter", data={"year": "2024", "i1": "5"})
    assert response.status_code == 400
    assert "2024 has results computed from a data pack: import a new data pack to change them" in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(IndicatorValue.value).where(IndicatorValue.indicator == 1,
                                                                IndicatorValue.measure == "value")) != 5


def test_the_admin_edits_the_national_series(client, admin):
    db.session.add(NationalValue(standard="wres", year=2023, indicator=2, measure="value", value=1.59))
    db.session.commit()
    page = client.get("/indicators/national").get_data(as_text=True)
    assert "<caption class=\"nhsuk-table__caption\">National averages by year</caption>" in page
    assert '<option value="5:bme">Indicator 5, BME</option>' in page
    response = client.post("/indicators/national", data={"year": "2024", "line": "2:value", "value": "1.48"})
    assert response.status_code == 302
    client.post("/indicators/national", data={"year": "2023", "line": "2:value", "value": "1.6"})
    values = {(v.year, v.indicator, v.measure): v.value for v in db.session.scalars(select(NationalValue))}
    assert values == {(2023, 2, "value"): 1.6, (2024, 2, "value"): 1.48}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "national_value")
                                .order_by(AuditEvent.id)).all()
    assert [(e.verb, e.changes) for e in events] == [
        ("added", {"2024 indicator 2 value": [None, 1.48]}), ("updated", {"2023 indicator 2 value": [1.59, 1.6]})]
    bad = client.post("/indicators/national", data={"year": "2024", "line": "5:bme", "value": "130"})
    assert bad.status_code == 400
    assert "Indicator 5 is a percentage: enter a number from 0 to 100" in bad.get_data(as_text=True)
    assert count(NationalValue) == 2


@pytest.mark.parametrize("role", ["reviewer", "owner", "viewer"])
def test_only_admins_may_enter_values_or_edit_the_national_series(client, make_user, sign_in, role):
    sign_in(make_user(role))
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403
    assert client.post("/indicators/enter", data={"year": "2021", "i2": "1.3"}).status_code == 403
    assert client.post("/indicators/national", data={"year": "2024", "line": "2:value", "value": "1"}).status_code == 403
    assert (count(IndicatorYear), count(NationalValue)) == (0, 0)
    assert client.get("/indicators/").status_code == 200 and client.get("/indicators/2").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(client):
    for url in (*ADMIN_PAGES, "/indicators/", "/indicators/2", "/indicators/import"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/sign-in"), url
    response = client.post("/indicators/national", data={"year": "2024", "line": "2:value", "value": "1"})
    assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_the_migration_loads_the_national_series_and_downgrades(tmp_path):
    expected = sum(len(measures) for indicators in load_national().values() for measures in indicators.values())
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}"})
    with app.app_context():
        upgrade(revision="0002_indicators")
        assert count(NationalValue) == expected == 116
        row = db.session.scalar(select(NationalValue).where(NationalValue.year == 2023, NationalValue.indicator == 2))
        assert (row.standard, row.measure, row.value) == ("wres", "value", 1.59)
        downgrade(revision="0001_foundation")
        assert not {"indicator_years", "indicator_values", "national_values"} & set(inspect(db.engine).get_table_names())
        db.session.remove()


def test_the_service_refuses_figures_that_are_not_indicators(app):
    with pytest.raises(service.IndicatorError, match="Not a WRES indicator figure: 5 value"):
        service.enter_values(2021, {(5, "value"): 3.0}, None)
    with pytest.raises(service.IndicatorError, match="Indicator 2 has no national 'bme' figure"):
        service.set_national_value(2024, 2, "bme", 1.0, None)
    assert (count(IndicatorYear), count(NationalValue)) == (0, 0)
