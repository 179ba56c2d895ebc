"""Exports show each action as it stood on the report date: its latest RAG rating dated on or before it,
with the plan's own title and its objectives and goals key; Appendix 1 in either layout."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn

from tracker.actions.service import ActionData, UpdateData, create_action, post_update
from tracker.extensions import db
from tracker.plans.service import PlanData, add_theme, create_plan
from tracker.reports import service

TODAY = date(2024, 11, 20)
OBJECTIVES_KEY = "1. Continuous improvement on EDI core responsibilities\n4. Anti-racist organisation by 2028"
GOALS_KEY = "1. Debiasing recruitment\n3. 'High visibility' anti-discriminatory approach"


@pytest.fixture
def plan(app, make_user, fixed_today):
    """Four actions: rated in March (green), August (red) and October (amber); rated only on the action
    itself (dated July); rated on the action without a date; never rated."""
    fixed_today(TODAY)
    author = make_user("admin", name="Lesley Faux")
    plan = create_plan(PlanData(year="2024-25", title="Inclusion and Belonging Action Plan 2024-25",
                                equality_objectives_key=OBJECTIVES_KEY, edi_goals_key=GOALS_KEY), None)
    theme = add_theme(plan, "1", "Inclusive recruitment", None)
    updated = create_action(plan, ActionData(ref="1.1", text="Toolkit", theme=theme, lead_text="AS",
                                             category="Train"), None)
    for day, status, rag, text in ((date(2024, 3, 1), "PROGRESS MADE", "green", "Drafted"),
                                   (date(2024, 8, 1), "DELAYED", "red", "Stalled over summer"),
                                   (date(2024, 10, 1), "PROGRESS MADE", "amber", "Back on track")):
        post_update(updated, UpdateData(status=status, rag=rag, narrative=text, as_at=day), author, historical=True)
    create_action(plan, ActionData(ref="1.2", text="Band 8A analysis", theme=theme, lead_text="People Team",
                                   status="ON TRACK", rag="green", rag_as_at=date(2024, 7, 15),
                                   category="Reform"), None)
    create_action(plan, ActionData(ref="1.3", text="Feedback on recruitment", theme=theme, lead_text="AS",
                                   rag="blue", category="Retain"), None)
    create_action(plan, ActionData(ref="1.4", text="Roll-out plan", theme=theme, lead_text="AS"), None)
    db.session.commit()
    return plan


def printed(plan_id: int, as_at: date) -> dict[str, tuple]:
    document = service.plan_document(service.load_plan(plan_id), title="T", as_at=as_at,
                                     settings=service.organisation_settings())
    return {a.ref: (a.status, a.rag, a.rag_as_at, a.narrative, [u.text for u in a.history])
            for a in document.themes[0].actions}


def test_each_action_shows_its_latest_rating_on_or_before_the_report_date(plan):
    assert printed(plan.id, date(2024, 9, 30)) == {
        "1.1": ("DELAYED", "red", date(2024, 8, 1), "Stalled over summer", ["Drafted", "Stalled over summer"]),
        "1.2": ("ON TRACK", "green", date(2024, 7, 15), "", []),
        "1.3": (None, "blue", None, "", []),
        "1.4": (None, None, None, "", []),
    }
    assert printed(plan.id, date(2024, 6, 30))["1.1"][:3] == ("PROGRESS MADE", "green", date(2024, 3, 1))
    assert printed(plan.id, date(2024, 6, 30))["1.2"][1:3] == (None, None)
    assert printed(plan.id, date(2024, 2, 1))["1.1"] == (None, None, None, "", [])
    assert printed(plan.id, TODAY)["1.1"][:3] == ("PROGRESS MADE", "amber", date(2024, 10, 1))


def export(plan, document: str, as_at: date, **options):
    exported = service.export_document(service.load_plan(plan.id), service.ExportOptions(document, as_at, **options))
    return docx.Document(BytesIO(exported.content))


def texts(tr) -> list[str]:
    return ["\n".join("".join(t.text for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p")))
            for tc in tr.findall(qn("w:tc"))]


def test_appendix1_export_rates_as_at_the_report_date_with_the_plans_title(plan):
    document = export(plan, "appendix1", date(2024, 9, 30))
    assert document.paragraphs[0].text == "Appendix 1: Progress Report: Inclusion and Belonging Action Plan 2024-25"
    table_rows = document.tables[0]._tbl.findall(qn("w:tr"))
    assert texts(table_rows[0])[5] == "RAG rating (as at 08.24)"
    assert [texts(tr)[5] for tr in table_rows[2:]] == [
        "Red", "Green\nas at 15 Jul 2024", "Blue (complete)", "Not rated"]


def test_appendix2_2024_export_has_the_plans_key_under_the_table(plan):
    document = export(plan, "appendix2", TODAY, style="2024")
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Appendix 2: Inclusion and Belonging Action Plan 2024-25"
    assert paragraphs[-8:] == ["Equality objectives and EDI goals",
                               "The numbers in columns 2 and 3 in the table above relate to the below.",
                               "Equality objectives", *OBJECTIVES_KEY.split("\n"), "EDI goals", *GOALS_KEY.split("\n")]
    assert document.tables[0].rows[0].cells[5].text == "RAG rating (as at 10.24)"


def test_appendix1_export_in_the_2024_layout(plan):
    document = export(plan, "appendix1", date(2024, 9, 30), appendix1_style="2024")
    header, row = document.tables[0]._tbl.findall(qn("w:tr"))
    assert texts(header) == ["WRES Priority Areas", "Train", "Retain", "Reform", "Other actions"]
    assert texts(row) == ["1. Inclusive recruitment", " Red  1.1 Toolkit\nDELAYED Stalled over summer",
                          " Blue (complete)  1.3 Feedback on recruitment",
                          " Green  (as at 15 Jul 2024) 1.2 Band 8A analysis\nON TRACK",
                          "Not rated: 1.4 Roll-out plan"]


def test_unknown_appendix1_style_is_refused(plan):
    with pytest.raises(service.ExportError, match="Appendix 1 style must be 2021 or 2024"):
        export(plan, "appendix1", TODAY, appendix1_style="2019")
