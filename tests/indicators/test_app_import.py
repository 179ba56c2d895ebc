"""Importing a year's data pack: `flask wres import`, the upload → preview → confirm pages, `wres show`."""
from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.indicators import uploads
from tracker.indicators.datapack import read_datapack
from tracker.indicators.models import IndicatorValue, IndicatorYear, NationalValue
from tracker.indicators.wres import compute_wres, to_json

PACK = Path(__file__).parent / "data" / "pack_2024"
AGGREGATE = Path(__file__).parent / "data" / "pack_2024_aggregate"
MODELS = (IndicatorYear, IndicatorValue, NationalValue, AuditEvent)


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in MODELS)


def stored(year: int = 2024) -> dict[tuple[int, str], float | None]:
    rows = db.session.scalars(select(IndicatorValue).where(IndicatorValue.year == year))
    return {(row.indicator, row.measure): row.value for row in rows}


def show(runner, *extra: str) -> dict:
    result = runner.invoke(args=["wres", "show", "--year", "2024", "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "WRES_UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def admin(make_user, sign_in):
    user = make_user("admin", name="Edi Lead")
    sign_in(user)
    return user


def pack_files(folder: Path = PACK, **replace: bytes) -> list[tuple[io.BytesIO, str]]:
    files = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    files.update(replace)
    return [(io.BytesIO(data), name) for name, data in files.items()]


def upload(client, files, year: str = "2024"):
    return client.post("/indicators/import", data={"year": year, "files": files}, content_type="multipart/form-data")


# The command line

def test_cli_import_prints_the_summary_and_headline_values_and_stores_the_year(runner):
    result = runner.invoke(args=["wres", "import", str(PACK), "--year", "2024"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Data pack for 2024:"
    assert "  workforce.csv (row-level): 1935 rows; White 1705, BME 215, Unknown 15" in lines
    assert "  no training file: indicator 4 not calculable" in lines
    assert "  1 Workforce BME %: 11.11%" in lines
    assert "  2 Recruitment: 1.21 (95% CI 1.03-1.42)" in lines
    assert "  4 Training: not calculable (no training file)" in lines
    assert "  9 Board BME %: 21.43% (small numbers)" in lines
    db.session.expire_all()
    year = db.session.scalar(select(IndicatorYear))
    assert (year.year, year.source, year.imported_by_id) == (2024, "computed", None)
    assert year.pack_summary["missing"] == ["training"]
    values = stored()
    assert round(values[(1, "value")], 2) == 11.11 and round(values[(2, "value")], 2) == 1.21
    assert values[(5, "bme")] == 30.21 and values[(5, "white")] == 24.6 and values[(4, "value")] is None


def test_show_json_prints_exactly_the_computed_result(runner):
    runner.invoke(args=["wres", "import", str(PACK), "--year", "2024"])
    data = show(runner)
    indicators = data["indicators"]
    assert data["year"] == 2024
    assert indicators["1"]["value"] == 11.11
    assert round(indicators["2"]["value"], 2) == 1.21 and indicators["2"]["value"] != 1.21  # unrounded
    assert round(indicators["3"]["value"], 2) == 1.83
    assert indicators["4"]["value"] is None and indicators["4"]["reason"] == "no training file"
    assert (indicators["5"]["bme"], indicators["5"]["white"]) == (30.21, 24.6)
    assert (indicators["8"]["bme"], indicators["8"]["white"]) == (15.96, 4.76)
    assert indicators["9"]["value"] == 21.43
    assert round(data["race_disparity_ratio"]["lower_to_middle"], 2) == 1.82
    expected = compute_wres(read_datapack(PACK, year=2024), year=2024)
    assert data == json.loads(to_json(expected))


def test_show_with_another_target_percent_recomputes_the_aspirational_targets(runner):
    runner.invoke(args=["wres", "import", str(PACK), "--year", "2024", "--population", "non-clinical"])
    assert show(runner)["aspirational_targets"] == []
    data = show(runner, "--target-percent", "11.17")
    assert data["aspirational_targets"][0] == {"band": "8a", "headcount": 26, "bme": 2, "white": 24, "target": 3,
                                               "gap": 1}
    assert data["aspirational_target_percent"] == 11.17
    direct = compute_wres(read_datapack(PACK), target_percent=11.17, target_population="non-clinical")
    assert data["aspirational_targets"] == [target.to_dict() for target in direct.aspirational_targets]


def test_show_an_unknown_year_is_a_clear_error(runner):
    result = runner.invoke(args=["wres", "show", "--year", "2019", "--json"])
    assert result.exit_code == 1
    assert "No WRES results are stored for 2019" in result.output


def test_cli_bad_pack_prints_every_problem_exits_non_zero_and_stores_nothing(runner, tmp_path):
    for path in PACK.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "recruitment.csv").write_text("group,shortlisted,appointed\nBME,612,700\nWhite,-3,418\n")
    (tmp_path / "disciplinary.csv").write_text("group,cases\nBME,three\n")
    before = counts()
    result = runner.invoke(args=["wres", "import", str(tmp_path), "--year", "2024"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "The data pack has 3 problems:",
        "- recruitment.csv, row 2, column 'appointed': appointed (700) is more than shortlisted (612)",
        "- recruitment.csv, row 3, column 'shortlisted': shortlisted cannot be negative ('-3')",
        "- disciplinary.csv, row 2, column 'cases': 'three' is not a number",
        "Nothing has been stored.",
    ]
    assert counts() == before


def test_cli_reimport_replaces_the_year_in_one_go_and_is_audited(runner, tmp_path):
    runner.invoke(args=["wres", "import", str(PACK), "--year", "2024"])
    assert counts()[:2] == (1, 17)
    for path in PACK.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "recruitment.csv").write_text("group,shortlisted,appointed\nBME,612,180\nWhite,1422,418\n")
    (tmp_path / "training.csv").write_text("group,accessed\nBME,100\nWhite,800\n")
    result = runner.invoke(args=["wres", "import", str(tmp_path), "--year", "2024"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert counts()[:2] == (1, 17)
    values = stored()
    assert round(values[(2, "value")], 4) == round((418 / 1422) / (180 / 612), 4)
    assert round(values[(4, "value")], 4) == round((800 / 1705) / (100 / 215), 4)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "indicator_year")
                                .order_by(AuditEvent.id)).all()
    assert [event.verb for event in events] == ["imported", "replaced"]
    assert events[1].summary == "WRES 2024 results computed from a data pack (replacing the computed results)"
    assert events[1].subject_id == db.session.scalar(select(IndicatorYear.id))
    assert events[1].changes["2 value"] == [1.21, 1.0]
    assert events[1].changes["4 value"] == [None, 1.01]


def test_a_bad_reimport_keeps_the_stored_year(runner, tmp_path):
    runner.invoke(args=["wres", "import", str(PACK), "--year", "2024"])
    before, values = counts(), stored()
    (tmp_path / "workforce.csv").write_text("Ethnic Origin,Pay Band,Staff Group\nA,Band 99,Nursing\n")
    assert runner.invoke(args=["wres", "import", str(tmp_path), "--year", "2024"]).exit_code == 1
    db.session.expire_all()
    assert counts() == before and stored() == values


# The pages

def test_upload_preview_confirm_stores_the_year(client, admin, upload_folder):
    response = upload(client, pack_files())
    assert response.status_code == 302
    token = response.location.rsplit("/", 1)[-1]
    assert counts()[:2] == (0, 0)
    preview = client.get(response.location)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Check the 2024 data pack" in page
    assert re.search(r"workforce<br><span class=\"nhsuk-body-s\">workforce.csv</span></th>\s*"
                     r"<td[^>]*>row-level</td>\s*<td[^>]*>1,935</td>", page)
    assert "White: 1,705<br>BME: 215<br>Unknown: 15" in page
    assert "training: indicator 4 will be shown as not calculable" in page
    assert "11.11%" in page and "1.21" in page and "21.43%" in page
    assert counts()[:2] == (0, 0)
    confirmed = client.post(f"/indicators/import/{token}")
    assert confirmed.status_code == 302 and confirmed.location.endswith("/indicators/")
    assert counts()[:2] == (1, 17)
    assert db.session.scalar(select(IndicatorYear.imported_by_id)) == admin.id
    assert not (upload_folder / token).exists()
    again = client.post(f"/indicators/import/{token}")
    assert again.status_code == 302 and again.location.endswith("/indicators/import")
    assert counts()[:2] == (1, 17)


def test_preview_uses_the_bme_label_and_warns_when_the_year_is_stored(client, admin, upload_folder, runner):
    from tracker.admin.service import update_settings
    update_settings({"bme_label": "Global Majority"}, None)
    db.session.commit()
    runner.invoke(args=["wres", "import", str(PACK), "--year", "2024"])
    survey = b"indicator,group,percent,responses\n5,Global Majority,30.21,96\n5,White,24.6,1000\n"
    response = upload(client, pack_files(**{"survey.csv": survey}))
    page = client.get(response.location).get_data(as_text=True)
    assert "White: 1,705<br>Global Majority: 215<br>Unknown: 15" in page
    assert "2024 is already stored" in page and "Confirming replaces the 2024 results computed from a data pack" in page


def test_a_bad_upload_lists_every_problem_and_stores_nothing(client, admin, upload_folder):
    before = counts()
    bad = pack_files(**{"recruitment.csv": b"group,shortlisted,appointed\nBME,612,700\n",
                        "board.xlsx": b"not a workbook"})
    response = upload(client, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count('href="#problems"') == 2
    assert "Error: Import a WRES data pack" in page
    assert "<td class=\"nhsuk-table__cell\">recruitment.csv</td>" in page
    assert "appointed (700) is more than shortlisted (612)" in page
    assert "there is already a board file (board.csv): keep only one" in page
    assert "2 problems to correct" in page
    assert counts() == before
    assert not upload_folder.exists() or not any(upload_folder.iterdir())


def test_upload_needs_files_and_a_year(client, admin, upload_folder):
    response = client.post("/indicators/import", data={"year": "24"}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the WRES year as 4 digits" in page
    assert "Choose the data pack&#39;s files" in page


def test_an_upload_belongs_to_its_uploader_and_expires_after_a_day(client, admin, upload_folder, make_user,
                                                                   sign_in, fixed_today):
    fixed_today(date(2024, 6, 1))
    token = upload(client, pack_files()).location.rsplit("/", 1)[-1]
    client.post("/sign-out")
    sign_in(make_user("admin"))
    assert client.get(f"/indicators/import/{token}").location.endswith("/indicators/import")
    assert client.post(f"/indicators/import/{token}").location.endswith("/indicators/import")
    assert counts()[:2] == (0, 0)
    assert (upload_folder / token).exists()
    fixed_today(date(2024, 6, 3))
    assert uploads.purge_stale() == 1
    assert not (upload_folder / token).exists()


def test_only_admins_may_import(client, make_user, sign_in, upload_folder):
    assert client.get("/indicators/import").location.startswith("/sign-in")
    for role in ("reviewer", "owner", "viewer"):
        client.post("/sign-out")
        sign_in(make_user(role))
        assert client.get("/indicators/import").status_code == 403
        assert upload(client, pack_files()).status_code == 403
        assert client.get("/indicators/import/abcdefghijklmnopqrstuvwxyz").status_code == 403
        assert client.post("/indicators/import/abcdefghijklmnopqrstuvwxyz").status_code == 403
    assert counts()[:2] == (0, 0)
