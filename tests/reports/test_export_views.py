"""The Word documents page: forms, downloads opened with python-docx, and who may use it."""
from __future__ import annotations

import importlib.machinery
import re
import sys
import types
from datetime import date
from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn

from tracker.actions.service import ActionData, UpdateData, create_action, post_update
from tracker.admin.service import update_settings
from tracker.extensions import db
from tracker.governance.service import create_forum
from tracker.plans.service import PlanData, add_theme, create_plan
from tracker.reports import service
from tracker.reports.documents import IndicatorLine, IndicatorSummary

TODAY = date(2024, 9, 5)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
A1_HEADERS = ["Action", "By who", "By when", "Comments / progress to date", "Where reported / monitored / governance",
              "RAG rating (as at 08.24)"]
DOCUMENTS = ("appendix1", "appendix2", "indicators", "pack")


def _plan(year: str, refs: tuple[str, ...], owner, author, status: str = "approved"):
    plan = create_plan(PlanData(year=year, title=f"WRES action plan {year}", status=status), None)
    theme = add_theme(plan, "1", "Inclusive recruitment", None)
    add_theme(plan, "2", "Reducing inequalities", None)
    for number, ref in enumerate(refs):
        rag = ("green", "red", "blue")[number % 3]
        action = create_action(plan, ActionData(
            ref=ref, text=f"Action {ref} of {year}", theme=theme if ref.startswith("1.") else plan.themes[1],
            owners=[owner], by_when="Dec 2024", priority="Must", equality_objectives="4", edi_goals="1"), None)
        post_update(action, UpdateData(status="PROGRESS MADE", rag=rag, narrative=f"First news on {ref}",
                                       as_at=date(2024, 3, 1)), author, historical=True)
        post_update(action, UpdateData(status="DELAYED BUT PROGRESSING", rag=rag, narrative=f"Latest on {ref}",
                                       as_at=date(2024, 8, 1)), author, historical=True)
    return plan


@pytest.fixture
def plans(app, make_user, fixed_today):
    """Last year's plan (2023-24) and this year's (2024-25)."""
    fixed_today(TODAY)
    owner = make_user("owner", name="Kerry Smith")
    author = make_user("admin", name="Lesley Faux")
    create_forum("Inclusion Council", None)
    update_settings({"trust_name": "North Staffs NHS Trust", "bme_label": "Global Majority",
                     "lead_director": "Director of People", "report_author": "Lesley Faux, EDI Lead"}, None)
    last = _plan("2023-24", ("1.1", "1.2", "2.1"), owner, author)
    this = _plan("2024-25", ("1.1", "1.10", "1.2", "2.1"), owner, author, status="draft")
    db.session.commit()
    return last, this


def _open(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    return docx.Document(BytesIO(response.data))


def _texts(tr) -> list[str]:
    return ["\n".join("".join(t.text for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p")))
            for tc in tr.findall(qn("w:tc"))]


def _rows(document, table: int = 0):
    return document.tables[table]._tbl.findall(qn("w:tr"))


def _fill(tc) -> str | None:
    shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return None if shd is None else shd.get(qn("w:fill"))


def _form(**fields) -> dict:
    return {key: value for key, value in fields.items() if value is not None}


def test_page_shows_each_export_with_its_defaults(client, make_user, sign_in, plans):
    last, this = plans
    sign_in(make_user("reviewer"))
    response = client.get(f"/plans/{this.id}/documents")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Word documents</h1>" in page
    assert 'value="Appendix 1: Progress Report: WRES action plan 2024-25"' in page
    assert 'value="Appendix 2: WRES action plan 2024-25"' in page
    assert 'value="Workforce Race Equality Standard (WRES) Report 2024-25"' in page
    assert page.count('value="2024-09-05"') == 3
    assert re.search(rf'<option value="{last.id}" selected\s*>2023-24: WRES action plan 2023-24 \(approved\)</option>',
                     page)
    assert "2021 style columns: Action | Relates to WRES indicator(s)" in page
    assert re.search(r'name="appendix1-style" type="radio" value="2021"\s+checked', page)
    assert "2024 style: a row per theme, with its actions listed under Train, Retain and Reform" in page
    assert "Appendix 1 reports on the 2023-24 plan unless you choose another" in page
    assert "when none are stored, the document says so" in page
    assert f'href="/plans/{this.id}/documents" aria-current="page">Word documents</a>' in page
    assert "Roll over to next year" not in page


def test_appendix1_download(client, make_user, sign_in, plans):
    _last, this = plans
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{this.id}/documents/appendix1", data={
        "appendix1-title": "My progress report", "appendix1-as_at": "2024-09-30", "appendix1-include_history": "y"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="wres-appendix-1-2024-25.docx"'
    document = _open(response)
    assert document.paragraphs[0].text == "My progress report"
    assert document.paragraphs[2].text == "As at 30 September 2024"
    rows = _rows(document)
    assert _texts(rows[0]) == A1_HEADERS
    assert [_texts(tr)[0] for tr in rows[1:]] == [
        "1. Inclusive recruitment", "1.1 Action 1.1 of 2024-25", "1.2 Action 1.2 of 2024-25",
        "1.10 Action 1.10 of 2024-25", "2. Reducing inequalities", "2.1 Action 2.1 of 2024-25"]
    comments = document.tables[0].rows[2].cells[3].paragraphs
    assert (comments[0].text, comments[0].runs[0].bold) == ("DELAYED BUT PROGRESSING", True)
    assert [p.text for p in comments[1:]] == [
        "Latest on 1.1", "1 Aug 2024 – Latest on 1.1 (Lesley Faux)", "1 Mar 2024 – First news on 1.1 (Lesley Faux)"]
    assert _texts(rows[2])[1:3] == ["Kerry Smith", "Dec 2024"]


def test_appendix1_without_history(client, make_user, sign_in, plans):
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{plans[1].id}/documents/appendix1", data={
        "appendix1-title": "T", "appendix1-as_at": "2024-09-30"})
    assert _texts(_rows(_open(response))[2])[3] == "DELAYED BUT PROGRESSING\nLatest on 1.1"


def test_appendix2_2024_style_shades_rag_cells(client, make_user, sign_in, plans):
    sign_in(make_user("reviewer"))
    response = client.post(f"/plans/{plans[1].id}/documents/appendix2", data={
        "appendix2-title": "Appendix 2", "appendix2-style": "2024", "appendix2-as_at": "2024-09-30"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="wres-appendix-2-2024-25.docx"'
    rows = _rows(_open(response))
    assert _texts(rows[0]) == ["Action", "Links to equality objectives", "Links to EDI goals",
                               "Must / Should / Could", "Action lead", "RAG rating (as at 08.24)"]
    action_rows = [tr for tr in rows[1:] if len(tr.findall(qn("w:tc"))) == 6]
    assert [(_texts(tr)[5], _fill(tr.findall(qn("w:tc"))[5])) for tr in action_rows] == [
        ("Green\nDec 2024", "00B050"), ("Blue (complete)\nDec 2024", "0070C0"),
        ("Red\nDec 2024", "FF0000"), ("Green\nDec 2024", "00B050")]
    assert _texts(action_rows[0])[1:5] == ["4", "1", "Must", "Kerry Smith"]


def test_appendix2_2021_style_columns(client, make_user, sign_in, plans):
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{plans[1].id}/documents/appendix2", data={
        "appendix2-title": "Appendix 2", "appendix2-style": "2021", "appendix2-as_at": "2024-09-30"})
    rows = _rows(_open(response))
    assert _texts(rows[0]) == ["Action", "Relates to WRES indicator(s)", "By who", "By when",
                               "Comments / progress to date", "Where reported / monitored"]
    assert len(rows) == 1 + 2 + 4


def test_indicator_summary_uses_the_bme_label_from_settings(client, make_user, sign_in, plans, monkeypatch):
    module = types.ModuleType(service.INDICATORS_SERVICE)
    module.__spec__ = importlib.machinery.ModuleSpec(service.INDICATORS_SERVICE, None)
    module.summary_for_report = lambda: IndicatorSummary(years=(2023, 2024), lines=(
        IndicatorLine(5, "Harassment from patients", "BME", ((2023, 40.5), (2024, 30.21)), "percent", 31.4,
                      "better", True),
        IndicatorLine(5, "Harassment from patients", "White", ((2023, 26.0), (2024, 24.6)), "percent", 22.7,
                      "better", True)), charts=())
    monkeypatch.setitem(sys.modules, service.INDICATORS_SERVICE, module)
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{plans[1].id}/documents/indicators")
    document = _open(response)
    rows = _rows(document)
    assert [_texts(tr)[1] for tr in rows[1:]] == ["Harassment from patients*\nGlobal Majority", "White"]
    assert "Rows compare Global Majority and White staff" in " ".join(p.text for p in document.paragraphs)


def test_pack_uses_last_years_plan_for_appendix1(client, make_user, sign_in, plans, monkeypatch):
    monkeypatch.setattr(service, "indicator_summary", lambda: service.EMPTY_SUMMARY)
    last, this = plans
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{this.id}/documents/pack", data={
        "pack-title": "WRES Report 2024", "pack-appendix1_plan": str(last.id), "pack-style": "2024",
        "pack-as_at": "2024-09-26"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="wres-board-pack-2024-25.docx"'
    document = _open(response)
    texts = [p.text for p in document.paragraphs]
    assert texts[:5] == ["WRES Report 2024", "North Staffs NHS Trust", "26 September 2024",
                         "Author: Lesley Faux, EDI Lead", "Lead director: Director of People"]
    assert "Appendix 1: Progress Report: WRES action plan 2023-24" in texts
    assert "Appendix 2: WRES action plan 2024-25" in texts
    assert "No indicator results are stored yet, so there is no summary to show." in texts
    by_theme, by_month, by_hia, appendix1, appendix2 = document.tables
    assert _texts(_rows(document, 0)[0]) == ["Theme", "Red", "Amber", "Green", "Blue (complete)", "Not rated", "Total"]
    assert _texts(_rows(document, 1)[-1])[0] == "Sep 2024"
    assert _texts(_rows(document, 2)[0])[:3] == ["HIA", "High impact action", "Actions"]
    assert [_texts(tr)[0] for tr in _rows(document, 3)[1:] if len(_texts(tr)) > 1] == [
        "1.1 Action 1.1 of 2023-24", "1.2 Action 1.2 of 2023-24", "2.1 Action 2.1 of 2023-24"]
    assert len(appendix2.rows) == 1 + 2 + 4
    assert all(s.orientation == 1 for s in document.sections)


def test_pack_can_print_appendix1_in_the_2024_layout(client, make_user, sign_in, plans, monkeypatch):
    monkeypatch.setattr(service, "indicator_summary", lambda: service.EMPTY_SUMMARY)
    last, this = plans
    sign_in(make_user("admin"))
    page = client.get(f"/plans/{this.id}/documents").get_data(as_text=True)
    assert "Appendix 1 layout" in page and "Appendix 2 layout" in page
    response = client.post(f"/plans/{this.id}/documents/pack", data={
        "pack-title": "WRES Report 2024", "pack-appendix1_plan": str(last.id), "pack-appendix1_style": "2024",
        "pack-style": "2021", "pack-as_at": "2024-09-26"})
    document = _open(response)
    assert _texts(_rows(document, 3)[0]) == ["WRES Priority Areas", "Train", "Retain", "Reform", "Other actions"]
    assert _texts(_rows(document, 4)[0])[:2] == ["Action", "Relates to WRES indicator(s)"]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["Chart 1: Actions by theme and RAG on 26 September 2024",
                        "Table 1: Actions by theme and RAG on 26 September 2024: the figures in the chart",
                        "Chart 2: Actions at each RAG at the end of each month",
                        "Table 2: Actions at each RAG at the end of each month: the figures in the chart",
                        "Table 3: Actions by high impact action and RAG on 26 September 2024",
                        "Table 4: Appendix 1: Progress Report: WRES action plan 2023-24, by theme",
                        "Table 5: Appendix 2: WRES action plan 2024-25, by theme"]


def test_bad_as_at_date_shows_the_error_and_no_file(client, make_user, sign_in, plans):
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{plans[1].id}/documents/appendix2", data={
        "appendix2-title": "", "appendix2-style": "2019", "appendix2-as_at": "31/02/2024"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "<title>Error: Word documents" in page
    assert "Enter the &#39;as at&#39; date as a real date, like 2024-09-30" in page
    assert "Enter the document&#39;s title" in page
    assert "Choose the 2021 or the 2024 layout" in page
    assert 'href="#appendix2-as_at"' in page


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_owners_and_viewers_may_not_export(client, make_user, sign_in, plans, role):
    sign_in(make_user(role))
    plan_id = plans[1].id
    assert client.get(f"/plans/{plan_id}/documents").status_code == 403
    for document in DOCUMENTS:
        assert client.post(f"/plans/{plan_id}/documents/{document}").status_code == 403
    assert "Word documents" not in client.get(f"/plans/{plan_id}").get_data(as_text=True)


def test_signed_out_users_are_sent_to_sign_in(client, plans):
    plan_id = plans[1].id
    for response in [client.get(f"/plans/{plan_id}/documents")] + [
            client.post(f"/plans/{plan_id}/documents/{document}") for document in DOCUMENTS]:
        assert response.status_code == 302 and response.location.startswith("/sign-in")


def test_unknown_plan_is_404(client, make_user, sign_in, plans):
    sign_in(make_user("admin"))
    assert client.get("/plans/999999/documents").status_code == 404
    assert client.post("/plans/999999/documents/appendix1").status_code == 404


def test_appendix1_download_in_the_2024_layout(client, make_user, sign_in, plans):
    sign_in(make_user("reviewer"))
    response = client.post(f"/plans/{plans[1].id}/documents/appendix1", data={
        "appendix1-title": "Appendix 1", "appendix1-style": "2024", "appendix1-as_at": "2024-09-30"})
    rows = _rows(_open(response))
    assert _texts(rows[0]) == ["WRES Priority Areas", "Train", "Retain", "Reform", "Other actions"]
    assert [_texts(tr)[0] for tr in rows[1:]] == ["1. Inclusive recruitment", "2. Reducing inequalities"]
    assert _texts(rows[1])[4].startswith(" Green  1.1 Action 1.1 of 2024-25\nDELAYED BUT PROGRESSING Latest on 1.1")


def test_bad_appendix1_style_shows_the_error(client, make_user, sign_in, plans):
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{plans[1].id}/documents/appendix1", data={
        "appendix1-title": "T", "appendix1-style": "2019", "appendix1-as_at": "2024-09-30"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Choose the 2021 or the 2024 layout" in response.get_data(as_text=True)
