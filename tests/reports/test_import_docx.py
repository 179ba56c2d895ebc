"""Importing a plan from Word: the round trip through our own exports, trusts' tables, bad files."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action
from tracker.actions.service import ActionData, create_action
from tracker.auth.models import User
from tracker.extensions import db
from tracker.governance.service import create_forum
from tracker.plans.models import Plan, Theme
from tracker.plans.service import PlanData, add_theme, create_plan
from tracker.reports import service
from tracker.reports.docx_import import DocxImportError, import_read_plan
from tracker.reports.docx_reader import read_plan_tables

TODAY = date(2024, 9, 5)
HEADERS_2021 = ("Action", "Relates to WRES indicator(s)", "By who", "By when", "Comments / progress to date",
                "Where reported / monitored")


@pytest.fixture
def source(app, make_user, fixed_today):
    """A 2024-25 plan whose actions use every column the appendices print."""
    fixed_today(TODAY)
    kerry, amir = make_user("owner", name="Kerry Smith"), make_user("owner", name="Amir Khan")
    plan = create_plan(PlanData(year="2024-25", title="Inclusion and Belonging Action Plan 2024-25"), None)
    recruitment = add_theme(plan, "1", "Deliver an inclusive recruitment programme", None)
    visibility = add_theme(plan, "2", "High-visibility anti-racist approach", None)
    rows = [
        ("1.1", recruitment, "Develop the Inclusive Recruitment Toolkit", dict(
            owners=[kerry], by_when="Oct 2024", priority="Must", indicators=[2], equality_objectives="4",
            edi_goals="1", outcome="Toolkit used by every panel")),
        ("1.2", recruitment, "Analyse shortlisting to appointment for band 8A and above", dict(
            owners=[kerry, amir], by_when="Q3 2024-25", priority="Should", indicators=[1, 2])),
        ("1.10", recruitment, "Reverse mentoring for the board\ni. pairs agreed\nii. sessions held", dict(
            lead_text="BA / Execs", by_when="08.24\n09.24\n10.2024", priority="Could", indicators=list(range(1, 10)))),
        ("2.1", visibility, "Respond to the concerns voiced after the civil unrest", dict(
            lead_text="Kerry Smith BA RC JMcC", by_when="Throughout 2024-25", priority="Must", indicators=[5, 6, 8])),
    ]
    for ref, theme, text, fields in rows:
        create_action(plan, ActionData(ref=ref, text=text, theme=theme, **fields), None)
    db.session.commit()
    return plan


def _export(plan: Plan, style: str, path) -> None:
    exported = service.export_document(service.load_plan(plan.id),
                                       service.ExportOptions("appendix2", TODAY, style=style))
    path.write_bytes(exported.content)


def _actions(plan_id: int) -> list[Action]:
    return sorted(db.session.scalars(select(Action).where(Action.plan_id == plan_id)), key=lambda a: a.position)


@pytest.mark.parametrize("style", ["2021", "2024"])
def test_round_trip_through_appendix2(runner, source, style, tmp_path):
    path = tmp_path / f"appendix2-{style}.docx"
    _export(source, style, path)
    result = runner.invoke(args=["plan", "import-docx", str(path), "--year", "2025-26"])
    assert result.exit_code == 0, result.output
    new_id = int(result.output.strip().splitlines()[-1])
    imported, original = _actions(new_id), _actions(source.id)
    assert [a.ref for a in imported] == ["1.1", "1.2", "1.10", "2.1"]
    for copy, action in zip(imported, sorted(original, key=lambda a: a.position)):
        assert (copy.ref, copy.text, copy.by_when) == (action.ref, action.text, action.by_when)
        # the 2021 layout, as published, has no Must / Should / Could
        assert copy.priority == (action.priority if style == "2024" else None)
        assert copy.lead_text == action.by_who
        assert [u.name for u in copy.owners] == [u.name for u in action.owners]
        assert copy.theme.label == action.theme.label
        if style == "2021":
            assert (copy.indicators, copy.outcome) == (action.indicators, action.outcome)
        else:
            assert (copy.equality_objectives, copy.edi_goals) == (action.equality_objectives, action.edi_goals)
    plan = db.session.get(Plan, new_id)
    assert (plan.year, plan.title, plan.status) == ("2025-26", "WRES action plan 2025-26", "draft")
    assert "Imported 4 actions in 2 themes" in result.output
    assert ("No user matches these 'By who' names, so they are not made owners (the text is kept as "
            "written as the action lead): "
            "BA / Execs; Kerry Smith BA RC JMcC") in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 2


def hand_made(*rows: tuple[str, ...]) -> bytes:
    """A .docx with one plain table, as a trust would type it."""
    document = docx.Document()
    document.add_paragraph("APPENDIX 1")
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, texts in zip(table.rows, rows):
            for cell, text in zip(row.cells, texts):
                cell.text = text
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_status_comments_forums_and_cancelled_reason(app, fixed_today):
    fixed_today(TODAY)
    create_forum("Inclusion Council", None, short_name="IC")
    db.session.commit()
    read = read_plan_tables(hand_made(
        HEADERS_2021,
        ("1.3 Deliver a Cultural Development Programme", "Indicators 5-8", "D&I Lead", "Q3 2020-21",
         "PROGRESS MADE\nPhase 1 delivered in June.", "IC; ICS People Board"),
        ("Develop a plan for Stepping Up wave 2", "", "D&I Lead", "March 2021",
         "CANCELLED\nReason: superseded by the system programme", "Inclusion Council"),
    ))
    result = import_read_plan(read, year="2020-21", title="WRES priorities", actor=None, filename="2021.docx")
    db.session.commit()
    first, second = _actions(result.plan.id)
    assert (first.ref, first.status, first.indicators, [f.name for f in first.forums]) == (
        "1.3", "PROGRESS MADE", [5, 6, 7, 8], ["Inclusion Council"])
    assert [(u.narrative, u.status, u.as_at) for u in first.updates] == [
        ("Phase 1 delivered in June.", "PROGRESS MADE", TODAY)]
    assert (second.ref, second.status, second.cancelled_reason, second.updates) == (
        "1", "CANCELLED", "superseded by the system programme", [])
    assert second.theme is None and db.session.scalar(select(func.count()).select_from(Theme)) == 0
    assert result.summary_lines()[1:] == [
        "No user matches these 'By who' names, so they are not made owners (the text is kept as written as "
        "the action lead): D&I Lead",
        "No forum matches these 'Where reported' entries, so they are not linked: ICS People Board",
        "Actions without a reference were numbered 1",
    ]


def test_duplicate_refs_and_long_cells_are_listed_and_nothing_is_stored(app):
    read = read_plan_tables(hand_made(
        HEADERS_2021,
        ("1.1 First", "", "x" * 301, "", "", ""),
        ("1.1 Again", "", "", "", "", ""),
    ))
    with pytest.raises(DocxImportError) as caught:
        import_read_plan(read, year="2024-25", title=None, actor=None, filename="plan.docx")
    assert caught.value.problems == [
        "table 1, row 2, column 'By who': longer than 300 characters",
        "table 1, row 3: action 1.1 appears twice (also table 1, row 2)",
    ]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def _plans() -> int:
    return db.session.scalar(select(func.count()).select_from(Plan))


def test_text_file_renamed_docx_is_refused(runner, app, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_text("Action, By who\n1.1 Something, Kerry\n")
    result = runner.invoke(args=["plan", "import-docx", str(path), "--year", "2024-25"])
    assert result.exit_code == 1
    assert "Error: plan.docx is not a Word .docx document" in result.output
    assert "Nothing has been imported." in result.output
    assert _plans() == 0


def test_document_without_tables_is_refused(runner, app, tmp_path):
    path = tmp_path / "letter.docx"
    path.write_bytes(hand_made())
    result = runner.invoke(args=["plan", "import-docx", str(path), "--year", "2024-25"])
    assert result.exit_code == 1
    assert "letter.docx holds no tables; expected an action plan table" in result.output
    assert _plans() == 0


def test_table_without_action_rows_is_refused(runner, app, tmp_path):
    path = tmp_path / "empty.docx"
    path.write_bytes(hand_made(HEADERS_2021))
    result = runner.invoke(args=["plan", "import-docx", str(path), "--year", "2024-25"])
    assert result.exit_code == 1
    assert "empty.docx: the action table has a header row but no action rows under it" in result.output
    assert _plans() == 0


def test_bad_year_is_refused(runner, app, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(hand_made(HEADERS_2021, ("1.1 First", "", "Kerry", "Oct 2024", "", "")))
    result = runner.invoke(args=["plan", "import-docx", str(path), "--year", "2024"])
    assert result.exit_code == 1
    assert "plan.docx: '2024' is not a plan year: write it like 2024-25. Nothing has been imported." in result.output
    assert _plans() == 0


def test_title_option_and_id_on_the_last_line(runner, app, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(hand_made(HEADERS_2021, ("1.1 First", "Indicator 2", "Kerry", "Oct 2024", "", "")))
    result = runner.invoke(args=["plan", "import-docx", str(path), "--year", "2024-25", "--title", "Our plan"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    plan = db.session.get(Plan, int(lines[-1]))
    assert lines[-2] == "Draft plan 2024-25 'Our plan' created; its id is:"
    assert (plan.title, [a.ref for a in plan.actions]) == ("Our plan", ["1.1"])
