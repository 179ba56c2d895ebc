"""Storing WDES years: import with preview through the pages, re-import audited, past years typed in, admins only."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests.indicators.wdes_packs import RECRUITMENT, pack
from tracker.audit.models import AuditEvent
from tracker.database import committing
from tracker.extensions import db
from tracker.indicators import uploads, wdes_service
from tracker.indicators.models import WdesValue, WdesYear
from tracker.indicators.tables import DataPackError
from tracker.indicators.wdes import compute_wdes
from tracker.indicators.wdes_pack import read_wdes_datapack
from tracker.indicators.wdes_show import metrics_dict


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (WdesYear, WdesValue, AuditEvent))


def stored(year: int = 2025) -> dict[tuple[str, str], float | None]:
    return {(row.metric, row.measure): row.value
            for row in db.session.scalars(select(WdesValue).where(WdesValue.year == year))}


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "WRES_UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def admin(make_user, sign_in):
    user = make_user("admin", name="Edi Lead")
    sign_in(user)
    return user


def upload(client, files: dict[str, bytes], year: str = "2025"):
    return client.post("/wdes/import", data={"year": year, "files": [(io.BytesIO(d), n) for n, d in files.items()]},
                       content_type="multipart/form-data")


def test_import_stores_the_year_its_result_and_one_value_per_headline_figure(app):
    with committing():
        imported = wdes_service.import_pack(pack(), 2025, None)
    row = wdes_service.stored_year(2025)
    assert row.source == "computed" and row.result["year"] == 2025
    assert row.pack_summary["files"][0]["groups"] == {"Disabled": 5, "Non-disabled": 30, "Not declared": 7}
    values = stored()
    assert values[("1", "disabled")] == pytest.approx(100 * 5 / 42)
    assert values[("2", "value")] == pytest.approx(1.25)
    assert values[("10", "voting")] == pytest.approx(-100 * 5 / 42)
    assert len(values) == 27  # 4 + 2 + 7 × 2 + 1 + 3 + 1 + 2
    shown = wdes_service.show_dict(2025)["metrics"]
    expected = metrics_dict(imported.result)["metrics"]
    for key, entry in expected.items():
        figures = {name: value for name, value in entry.items() if name != "reason"}
        assert {name: shown[key][name] for name in figures} == figures, key
        assert ("reason" in shown[key]) == ("reason" in entry), key


def test_a_bad_pack_stores_nothing(app):
    before = counts()
    with pytest.raises(DataPackError) as caught, committing():
        wdes_service.import_pack(pack(**{"recruitment.csv": b"group,shortlisted,appointed\nDisabled,1,2\n",
                                          "survey.csv": b"metric,group,percent\n5,Disabled,120\n"}), 2025, None)
    assert len(caught.value.problems) == 2
    assert counts() == before


def test_re_import_replaces_the_year_and_the_audit_lists_the_changed_figures(app, make_user):
    actor = make_user("admin")
    with committing():
        wdes_service.import_pack(pack(), 2025, actor)
    changed = RECRUITMENT.replace(b"Disabled,100,20", b"Disabled,100,50")
    with committing():
        wdes_service.import_pack(pack(**{"recruitment.csv": changed}), 2025, actor)
    assert db.session.scalar(select(func.count()).select_from(WdesYear)) == 1
    assert stored()[("2", "value")] == pytest.approx(0.25 / 0.5)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "wdes_year")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.verb == "replaced"
    assert event.changes == {"source": ["computed", "computed"], "2 value": [1.25, 0.5]}
    assert "replacing the computed results" in event.summary


def test_a_past_year_is_entered_by_hand_with_only_some_figures(client, admin):
    response = client.post("/wdes/enter", data={"year": "2022", "m2": "3.24", "m1_disabled": "4.96",
                                                "m1_non_disabled": "86.74", "m9b_answer": "yes",
                                                "narrative": "A Disabled staff network meets monthly."})
    assert response.status_code == 302 and response.headers["Location"] == "/wdes"
    row = wdes_service.stored_year(2022)
    assert row.source == "entered"
    assert stored(2022) == {("1", "disabled"): 4.96, ("1", "non_disabled"): 86.74, ("2", "value"): 3.24,
                            ("9b", "answer"): 1.0}
    shown = wdes_service.show_dict(2022)["metrics"]
    assert shown["2"]["value"] == 3.24
    assert shown["9b"] == {"answer": "yes", "text": "A Disabled staff network meets monthly."}
    assert shown["5"] == {"disabled": None, "non_disabled": None, "reason": "not entered"}
    page = client.get("/wdes/enter?year=2022").get_data(as_text=True)
    assert 'value="3.24"' in page and "A Disabled staff network meets monthly." in page


def test_entered_figures_are_checked_and_a_computed_year_is_not_overwritten(client, admin):
    response = client.post("/wdes/enter", data={"year": "2022", "m1_disabled": "120"})
    assert response.status_code == 400
    assert "Metric 1: enter a number from 0 to 100" in response.get_data(as_text=True)
    assert client.post("/wdes/enter", data={"year": "2022"}).status_code == 400
    with committing():
        wdes_service.import_pack(pack(), 2025, None)
    response = client.post("/wdes/enter", data={"year": "2025", "m2": "1.1"})
    assert response.status_code == 400
    assert "computed from a data pack" in response.get_data(as_text=True)
    assert stored()[("2", "value")] == pytest.approx(1.25)


def test_delete_year_removes_it_and_is_audited(app):
    with committing():
        wdes_service.import_pack(pack(), 2025, None)
    with committing():
        wdes_service.delete_year(2025, None)
    assert wdes_service.stored_year(2025) is None and stored() == {}
    with pytest.raises(wdes_service.WdesError):
        wdes_service.delete_year(2025, None)


def test_upload_preview_confirm_through_the_pages(client, admin, upload_folder):
    before = counts()
    response = upload(client, pack())
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Check the 2025 WDES data pack" in page
    assert "workforce by disability" in page and "workforce.xlsx" in page
    assert "42 staff, of whom 5 Disabled, 30 non-disabled and 7 not declared" in page
    assert "read &#39;Y&#39; as Disabled, 1 row" in page
    assert "11.90%" in page and "1.25" in page and "-11.90 points" in page
    assert counts() == before, "nothing is stored before confirming"
    token = response.headers["Location"].rsplit("/", 1)[1]
    confirmed = client.post(f"/wdes/import/{token}")
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/wdes"
    assert stored()[("1", "disabled")] == pytest.approx(100 * 5 / 42)
    assert uploads.load(token, admin.id) is None
    again = upload(client, pack())
    assert "2025 is already stored" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_cancel_stores_nothing_and_forgets_the_upload(client, admin, upload_folder):
    response = upload(client, pack())
    token = response.headers["Location"].rsplit("/", 1)[1]
    cancelled = client.post(f"/wdes/import/{token}/cancel")
    assert cancelled.status_code == 302
    assert wdes_service.stored_year(2025) is None
    assert uploads.load(token, admin.id) is None
    assert client.post(f"/wdes/import/{token}").status_code == 302
    assert wdes_service.stored_year(2025) is None


def test_a_bad_upload_lists_every_problem_in_the_error_summary_and_stores_nothing(client, admin, upload_folder):
    before = counts()
    response = upload(client, pack(**{"board.csv": b"Disability,role,voting\nMaybe,chair,perhaps\n",
                                      "survey.csv": b"metric,group,percent\n4a(iv),Disabled,10\n"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "disability &#39;Maybe&#39; is not recognised" in page
    assert "voting must be yes or no, not &#39;perhaps&#39;" in page
    assert "not &#39;4a(iv)&#39;" in page
    assert "3 problems to correct" in page
    assert counts() == before
    assert not upload_folder.exists() or not any(upload_folder.iterdir())


def test_a_wres_upload_token_is_not_read_as_a_wdes_pack(client, admin, upload_folder):
    token = uploads.save({"workforce.csv": b"x"}, 2025, admin.id)
    response = client.get(f"/wdes/import/{token}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/wdes/import")


@pytest.mark.parametrize("role", ["reviewer", "owner", "viewer"])
def test_only_admins_may_import_or_enter_wdes_data(client, make_user, sign_in, role, upload_folder):
    sign_in(make_user(role))
    for url in ("/wdes/import", "/wdes/enter", "/wdes/import/abcdefghijklmnopqrstuvwxyz"):
        assert client.get(url).status_code == 403
    assert upload(client, pack()).status_code == 403
    for url in ("/wdes/enter", "/wdes/import/abcdefghijklmnopqrstuvwxyz",
                "/wdes/import/abcdefghijklmnopqrstuvwxyz/cancel"):
        assert client.post(url, data={"year": "2022", "m2": "1"}).status_code == 403
    assert wdes_service.stored_year(2022) is None


def test_stored_result_matches_a_fresh_computation_of_the_same_pack(app):
    with committing():
        wdes_service.import_pack(pack(), 2025, None)
    fresh = compute_wdes(read_wdes_datapack(pack(), year=2025).inputs()).to_dict()
    assert wdes_service.stored_year(2025).result == fresh
