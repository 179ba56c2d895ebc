"""From the database to the Word builders' plain data: mapping, order, queries, indicator summary."""
from __future__ import annotations

import importlib.machinery
import sys
import types
from datetime import date
from io import BytesIO

import docx
import pytest
from sqlalchemy import event

from tracker.actions.service import ActionData, UpdateData, create_action, post_update
from tracker.admin.service import update_settings
from tracker.extensions import db
from tracker.governance.service import create_forum
from tracker.plans.service import PlanData, add_theme, create_plan
from tracker.reports import service
from tracker.reports.documents import IndicatorLine, IndicatorSummary, PrintedUpdate

TODAY = date(2024, 9, 5)


@pytest.fixture
def plan(app, make_user, fixed_today):
    """A 2023-24 plan: two themes, natural-order refs, owners, forums, updates, a cancelled action."""
    fixed_today(TODAY)
    lead = make_user("admin", name="Lesley Faux")
    kerry = make_user("owner", name="Kerry Smith")
    council, board = create_forum("Inclusion Council", None, short_name="IC"), create_forum("Trust Board", None)
    update_settings({"trust_name": "North Staffs NHS Trust", "bme_label": "Global Majority",
                     "lead_director": "Director of People", "report_author": "Lesley Faux, EDI Lead"}, None)
    plan = create_plan(PlanData(year="2023-24", title="WRES action plan 2023-24"), None)
    recruitment = add_theme(plan, "1", "Inclusive recruitment", None)
    inequalities = add_theme(plan, "2", "Reducing inequalities", None)
    create_action(plan, ActionData(ref="1.10", text="Tenth action", theme=recruitment, lead_text="People Team"), None)
    shortlisting = create_action(plan, ActionData(
        ref="1.2", text="Debias shortlisting", theme=recruitment, owners=[kerry], by_when="Dec 2023",
        indicators=[2, 1], priority="Must", forums=[council, board], equality_objectives="4", edi_goals="1",
        outcome="Panels include a Global Majority member"), None)
    create_action(plan, ActionData(ref="2.1", text="Stepping Up wave 2", theme=inequalities, lead_text="D&I Lead",
                                   status="CANCELLED", cancelled_reason="Superseded by the system programme"), None)
    create_action(plan, ActionData(ref="9.1", text="Loose action", lead_text="EDI Lead"), None)
    post_update(shortlisting, UpdateData(status="PROGRESS MADE", rag="amber", narrative="Panels trained",
                                         as_at=date(2024, 1, 10)), lead, historical=True)
    post_update(shortlisting, UpdateData(status="delayed but progressing", rag="Amber", narrative="Audit delayed",
                                         as_at=date(2024, 6, 1)), kerry, historical=True)
    db.session.commit()
    return plan


def _document(plan_id: int):
    settings = service.organisation_settings()
    return service.plan_document(service.load_plan(plan_id), title="T", as_at=TODAY, settings=settings)


def test_actions_grouped_by_theme_in_natural_ref_order(plan):
    document = _document(plan.id)
    assert [(t.number, t.title, [a.ref for a in t.actions]) for t in document.themes] == [
        ("1", "Inclusive recruitment", ["1.2", "1.10"]),
        ("2", "Reducing inequalities", ["2.1"]),
        ("", "Actions without a theme", ["9.1"]),
    ]
    assert (document.trust_name, document.bme_label, document.year) == (
        "North Staffs NHS Trust", "Global Majority", "2023-24")


def test_action_row_carries_owners_status_latest_narrative_and_dated_history(plan):
    row = _document(plan.id).themes[0].actions[0]
    assert (row.by_who, row.by_when, row.indicators, row.priority) == ("Kerry Smith", "Dec 2023", (1, 2), "Must")
    assert (row.status, row.rag, row.rag_as_at) == ("DELAYED BUT PROGRESSING", "amber", date(2024, 6, 1))
    assert row.narrative == "Audit delayed"
    assert row.history == (
        PrintedUpdate(date(2024, 1, 10), "Lesley Faux", "PROGRESS MADE", "amber", "Panels trained"),
        PrintedUpdate(date(2024, 6, 1), "Kerry Smith", "DELAYED BUT PROGRESSING", "amber", "Audit delayed"),
    )
    assert row.forums == "Inclusion Council; Trust Board"
    assert (row.equality_objectives, row.edi_goals, row.outcome) == ("4", "1", "Panels include a Global Majority member")


def test_trust_by_who_text_wins_and_cancelled_reason_kept(plan):
    document = _document(plan.id)
    tenth, cancelled = document.themes[0].actions[1], document.themes[1].actions[0]
    assert (tenth.by_who, tenth.narrative, tenth.history, tenth.cancelled_reason) == ("People Team", "", (), None)
    assert (cancelled.status, cancelled.cancelled_reason) == ("CANCELLED", "Superseded by the system programme")


def _count_queries(callback) -> int:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        callback()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def _export(plan_id: int) -> bytes:
    db.session.expire_all()
    plan = service.load_plan(plan_id)
    return service.export_document(plan, service.ExportOptions("appendix1", TODAY, include_history=True)).content


def test_export_queries_do_not_grow_with_the_number_of_actions(plan, make_user):
    before = _count_queries(lambda: _export(plan.id))
    theme = plan.themes[1]
    for n in range(2, 22):
        action = create_action(plan, ActionData(ref=f"2.{n}", text="More", theme=theme,
                                                owners=[make_user(name=f"Owner {n}")]), None)
        post_update(action, UpdateData(status="PROGRESS MADE", rag="green", narrative="Done",
                                       as_at=date(2024, 2, 1)), None, historical=True)
    db.session.commit()
    assert _count_queries(lambda: _export(plan.id)) == before <= 12  # 12: the HIA links and the history's evidence file names


def test_same_data_and_day_give_identical_bytes(plan):
    for document in service.DOCUMENTS:
        options = service.ExportOptions(document, TODAY, include_history=True)
        first = service.export_document(service.load_plan(plan.id), options)
        db.session.expire_all()
        second = service.export_document(service.load_plan(plan.id), options)
        assert first.content == second.content and first.content[:2] == b"PK", document


def test_filenames_and_mime_type(plan):
    loaded = service.load_plan(plan.id)
    names = [service.export_document(loaded, service.ExportOptions(d, TODAY)).filename for d in service.DOCUMENTS]
    assert names == ["wres-appendix-1-2023-24.docx", "wres-appendix-2-2023-24.docx",
                     "wres-indicator-summary-2023-24.docx", "wres-board-pack-2023-24.docx",
                     "wdes-summary-2023-24.docx"]
    assert service.DOCX_MIME == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_unknown_document_or_style_is_refused(plan):
    loaded = service.load_plan(plan.id)
    with pytest.raises(service.ExportError, match="Choose a document"):
        service.export_document(loaded, service.ExportOptions("appendix3", TODAY))
    with pytest.raises(service.ExportError, match="style must be 2021 or 2024"):
        service.export_document(loaded, service.ExportOptions("appendix2", TODAY, style="2019"))
    with pytest.raises(service.ExportError, match="no plan with id 999999"):
        service.export_document(loaded, service.ExportOptions("pack", TODAY, appendix1_plan_id=999999))


def test_indicator_summary_is_empty_without_an_indicators_service(app, monkeypatch):
    monkeypatch.setattr(service, "INDICATORS_SERVICE", "tracker.indicators.not_written_yet")
    assert service.indicator_summary() == IndicatorSummary(years=(), lines=(), charts=())


def test_indicator_summary_is_empty_until_the_indicators_service_provides_one(app, monkeypatch):
    module = types.ModuleType(service.INDICATORS_SERVICE)
    module.__spec__ = importlib.machinery.ModuleSpec(service.INDICATORS_SERVICE, None)
    monkeypatch.setitem(sys.modules, service.INDICATORS_SERVICE, module)
    assert service.indicator_summary() == IndicatorSummary(years=(), lines=(), charts=())
    stored = IndicatorSummary(years=(2024,), lines=(IndicatorLine(
        5, "Harassment from patients", "BME", ((2024, 30.2),), "percent", 31.4, None, True),), charts=())
    module.summary_for_report = lambda: stored
    assert service.indicator_summary() is stored
    module.summary_for_report = lambda: IndicatorSummary(years=(), lines=stored.lines, charts=())
    assert service.indicator_summary() == service.EMPTY_SUMMARY


def test_indicator_document_says_no_results_are_stored(plan, monkeypatch):
    monkeypatch.setattr(service, "indicator_summary", lambda: service.EMPTY_SUMMARY)
    exported = service.export_document(service.load_plan(plan.id), service.ExportOptions("indicators", TODAY))
    text = [p.text for p in docx.Document(BytesIO(exported.content)).paragraphs]
    assert text == ["WRES indicator summary",
                    "No indicator results are stored yet, so there is no summary to show."]


def test_previous_plan_prefers_approved_last_year(plan, make_plan):
    draft = make_plan(year="2023-24", title="Second draft")
    this_year = make_plan(year="2024-25")
    assert service.previous_plan(this_year).id == draft.id
    plan.status = "approved"
    db.session.commit()
    assert service.previous_plan(this_year).id == plan.id
    assert service.previous_plan(plan) is None
