"""Importing a Word plan whose table names WDES metrics, measures of both standards or high impact actions."""
from __future__ import annotations

from sqlalchemy import select

from tests.reports.test_import_docx import hand_made
from tracker.actions.models import Action
from tracker.extensions import db
from tracker.reports.docx_import import import_read_plan
from tracker.reports.docx_reader import column_field, read_plan_tables


def _links(plan_id: int) -> list[tuple[str, list[str], list[int]]]:
    actions = db.session.scalars(select(Action).where(Action.plan_id == plan_id).order_by(Action.position))
    return [(a.ref, a.measures, a.high_impact_actions) for a in actions]


def test_headers_name_wdes_metrics_measures_and_high_impact_actions():
    assert column_field("WDES metric") == "wdes_metrics"
    assert column_field("Relates to WDES metric(s)") == "wdes_metrics"
    assert column_field("Measures") == "measures"
    assert column_field("WRES indicator / WDES metric") == "measures"
    assert column_field("High impact action (HIA)") == "hias"
    assert column_field("Relates to WRES indicator(s)") == "indicators"
    assert column_field("Success measure") == "outcome"


def test_a_wdes_plans_metric_column_links_wdes_metrics_and_makes_a_wdes_plan(app):
    read = read_plan_tables(hand_made(
        ("Action", "WDES metric", "High impact action", "By who", "By when"),
        ("1.1 Launch the health passport", "4a(ii)", "HIA 6", "EDI Lead", "Dec 2024"),
        ("1.2 Review the capability process", "Metric 3, Metric 5", "2", "HR Lead", "Mar 2025"),
        ("1.3 Reasonable adjustments audit", "8; 4b", "", "HR Lead", "Mar 2025"),
    ))
    assert read.warnings == ()
    result = import_read_plan(read, year="2024-25", title="WDES plan", actor=None, filename="wdes.docx")
    db.session.commit()
    assert result.plan.standard == "wdes"
    assert _links(result.plan.id) == [("1.1", ["wdes:4a_ii"], [6]), ("1.2", ["wdes:3", "wdes:5"], [2]),
                                      ("1.3", ["wdes:4b", "wdes:8"], [])]


def test_a_measures_column_of_both_standards_makes_a_combined_plan_and_unreadable_parts_are_named(app):
    read = read_plan_tables(hand_made(
        ("Action", "Measures", "HIA", "By who"),
        ("1.1 Inclusive recruitment", "WRES 2; WDES 2", "HIA 2", "EDI Lead"),
        ("1.2 Tackle harassment", "WRES 6, WDES 4a(iii), WDES 12", "HIA 6, HIA 8", "EDI Lead"),
    ))
    assert list(read.warnings) == [
        "the file, table 1, row 3, column 'Measures': 'WDES 12' is not a WRES indicator or WDES metric; "
        "kept WRES 6, WDES 4a(iii)",
        "the file, table 1, row 3, column 'High impact actions': '8' is not a high impact action "
        "(HIA 1 to 6); kept HIA 6",
    ]
    result = import_read_plan(read, year="2024-25", title="EDI plan", actor=None, filename="edi.docx")
    db.session.commit()
    assert result.plan.standard == "combined"
    assert _links(result.plan.id) == [("1.1", ["wres:2", "wdes:2"], [2]), ("1.2", ["wres:6", "wdes:4a_iii"], [6])]


def test_an_older_wres_document_still_makes_a_wres_plan(app):
    read = read_plan_tables(hand_made(
        ("Action", "Relates to WRES indicator(s)", "By who"),
        ("1.1 Recruitment audit", "Indicators 1-3", "EDI Lead"),
    ))
    result = import_read_plan(read, year="2024-25", title="WRES plan", actor=None, filename="wres.docx")
    db.session.commit()
    assert result.plan.standard == "wres"
    assert _links(result.plan.id) == [("1.1", ["wres:1", "wres:2", "wres:3"], [])]
