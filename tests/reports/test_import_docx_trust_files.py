"""Word plans as trusts keep them, imported through the app: what was read, what the preview
warns about before "Create plan", and what is stored."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from sqlalchemy import select

from tracker.extensions import db
from tracker.plans.models import Plan

TODAY = date(2024, 9, 5)
APPENDIX1 = ("Action", "By who", "By when", "Comments / progress to date", "Where reported / monitored / governance",
             "RAG")


def trust_file(rows, *, fills=None) -> bytes:
    document = docx.Document()
    document.add_paragraph("APPENDIX 1: Progress Report: WRES Action Plan 2023-24")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, (row, texts) in enumerate(zip(table.rows, rows)):
        if len(texts) == 1:
            row.cells[0].merge(row.cells[-1]).text = texts[0]
            continue
        for c, (cell, text) in enumerate(zip(row.cells, texts)):
            cell.text = text
            if fills and (r, c) in fills:
                cell._tc.get_or_add_tcPr().append(
                    parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fills[(r, c)]}"/>'))
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PROGRESS = trust_file([
    APPENDIX1,
    ("1. Inclusive recruitment",),
    ("1.1 Diverse interview panels for band 7 and above", "PG & LF", "March 2024",
     "ACHIEVED\nPanels in place in every division.\n14/11/2023 - Pilot in two divisions\n"
     "12 Feb 2024: Rolled out trust-wide", "Inclusion Council", ""),
    ("1.2 Reverse mentoring for the board", "Head of Nursing and Midwifery / LF", "Q4 2023-24",
     "DELAYED\nPairs agreed; sessions start in May.", "PCDC", "Amber - waiting on the board diary"),
], fills={(2, 5): "0070C0"})


@pytest.fixture
def upload(app, client, make_user, sign_in, tmp_path, monkeypatch, fixed_today):
    fixed_today(TODAY)
    monkeypatch.setitem(app.config, "DOCX_IMPORT_FOLDER", str(tmp_path))
    make_user(name="Paul Green")
    make_user(name="Lesley Faux")
    sign_in(make_user("admin", name="Edi Admin"))

    def send(content: bytes, name: str = "appendix-1.docx"):
        response = client.post("/plans/import-docx", data={"file": (BytesIO(content), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.location
    return send


def test_the_preview_shows_every_field_and_warns_of_every_guess(client, upload):
    page = client.get(upload(PROGRESS)).get_data(as_text=True)
    assert "2 actions in 1 group. 4 things to check below. Nothing has been stored yet." in page
    assert "Check before you create the plan" in page
    # Every field of the action, not only ref, text, by who and by when.
    for text in ("Diverse interview panels for band 7 and above", "Paul Green, Lesley Faux", "March 2024",
                 "ACHIEVED", "Inclusion Council", "Progress updates", "Blue (complete)", "(from the cell's shading)",
                 "waiting on the board diary", "Head of Nursing and Midwifery"):
        assert text in page, text
    # Every guess or loss, before Create plan.
    warnings = page[page.index("Check before you create the plan"):page.index('id="create"')]
    for text in ("No user matches these &#39;By who&#39; names", "Head of Nursing and Midwifery",
                 "&#39;PG&#39; read as Paul Green (initials)", "&#39;LF&#39; read as Lesley Faux (initials)",
                 "RAG Blue taken from the cell&#39;s shading (#0070C0)", "No forum matches"):
        assert text in warnings, text


def test_create_plan_stores_owners_status_rag_reason_and_the_dated_history_in_order(client, upload):
    location = upload(PROGRESS)
    assert client.post(location, data={"year": "2023-24"}).status_code == 302
    plan = db.session.scalar(select(Plan))
    first, second = sorted(plan.actions, key=lambda a: a.position)
    assert sorted(u.name for u in first.owners) == ["Lesley Faux", "Paul Green"]
    assert (first.status, first.rag) == ("ACHIEVED", "blue")
    assert [(u.as_at, u.narrative, u.status) for u in sorted(first.updates, key=lambda u: u.posted_at)] == [
        (date(2023, 11, 14), "Pilot in two divisions", None),
        (date(2024, 2, 12), "Rolled out trust-wide", None),
        (TODAY, "Panels in place in every division.", "ACHIEVED"),
    ]
    assert [u.name for u in second.owners] == ["Lesley Faux"] and second.lead_text == "Head of Nursing and Midwifery / LF"
    assert (second.status, second.rag) == ("DELAYED", "amber")
    [update] = second.updates
    assert (update.narrative, update.rag_reason, update.as_at) == (
        "Pairs agreed; sessions start in May.", "waiting on the board diary", TODAY)


def test_a_cancelled_action_with_no_reason_is_kept_with_a_warning(app):
    from tracker.reports.docx_import import NO_REASON, preview_read_plan
    from tracker.reports.docx_reader import read_plan_tables
    read = read_plan_tables(trust_file([APPENDIX1, ("1.1 Run a pilot", "", "", "CANCELLED", "", "")]))
    preview = preview_read_plan(read)
    [(_theme, _number, [item])] = preview.themes
    assert (item.status, item.cancelled_reason) == ("CANCELLED", NO_REASON)
    assert f"Table 1, row 2: CANCELLED with no reason or comments; the reason is recorded as '{NO_REASON}'" \
        in preview.warnings
