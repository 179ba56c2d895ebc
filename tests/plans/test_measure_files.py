"""Plan files with measures and high impact actions: the export's "measures" and "high_impact_actions"
columns, the round trip back through the import for WRES, WDES and combined plans, older files'
"indicators" and "WDES metric" columns, and unreadable measures refused with their row and column."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action
from tracker.extensions import db
from tracker.plans import file_reader, importer
from tracker.plans.file_reader import TransferError, read_plan
from tracker.plans.models import Plan

LINKS = {
    "wres": {"1.1": (["wres:2"], [2]), "1.2": (["wres:5", "wres:6"], [1, 6]), "1.3": ([], [])},
    "wdes": {"1.1": (["wdes:4a_ii"], [6]), "1.2": (["wdes:2", "wdes:9b", "wdes:10"], []), "1.3": ([], [3])},
    "combined": {"1.1": (["wres:2", "wdes:2"], [2]), "1.2": (["wres:6", "wdes:4a_ii", "wdes:4a_iii"], [1, 6]),
                 "1.3": ([], [])},
}


def _links(plan: Plan) -> dict[str, tuple[list[str], list[int]]]:
    actions = db.session.scalars(select(Action).where(Action.plan_id == plan.id)).all()
    return {a.ref: (a.measures, a.high_impact_actions) for a in actions}


@pytest.fixture
def plan_of(make_plan, make_action):
    def make(standard: str) -> Plan:
        plan = make_plan(title=f"{standard} plan")
        plan.standard = standard
        for ref, (codes, hias) in LINKS[standard].items():
            action = make_action(plan, ref, text=f"Action {ref}")
            action.measures, action.high_impact_actions = codes, hias
        db.session.commit()
        return plan
    return make


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_export_names_measures_and_high_impact_actions(client, plan_of, make_user, sign_in):
    plan = plan_of("combined")
    sign_in(make_user("viewer"))
    rows = _csv_rows(client.get(f"/plans/{plan.id}/export.csv").data)
    assert [(r["ref"], r["measures"], r["high_impact_actions"]) for r in rows] == [
        ("1.1", "WRES 2; WDES 2", "HIA 2"),
        ("1.2", "WRES 6; WDES 4a(ii); WDES 4a(iii)", "HIA 1; HIA 6"),
        ("1.3", "", ""),
    ]
    assert "indicators" not in rows[0]


@pytest.mark.parametrize("standard", ["wres", "wdes", "combined"])
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_measures_hias_and_plan_kind(client, plan_of, make_user, sign_in,
                                                                       standard, extension):
    plan = plan_of(standard)
    sign_in(make_user("viewer"))
    content = client.get(f"/plans/{plan.id}/export.{extension}").data
    read = read_plan(content, f"plan.{extension}")
    assert read.standard == standard
    result = importer.import_plan(read, year="2025-26", title="Again", actor=None, filename=f"plan.{extension}")
    db.session.commit()
    assert result.plan.standard == standard
    assert _links(result.plan) == LINKS[standard]


def test_an_older_file_with_an_indicators_column_still_imports_as_a_wres_plan(app):
    content = (b"ref,theme,action,indicators\r\n1.1,1. Recruitment,Audit shortlisting,\"1-3, 7\"\r\n"
               b"1.2,1. Recruitment,Review panels,2\r\n1.3,1. Recruitment,Budget,\r\n")
    read = read_plan(content, "old.csv")
    assert [row.measures for row in read.rows] == [["wres:1", "wres:2", "wres:3", "wres:7"], ["wres:2"], []]
    assert not any("measures" in w.message for w in read.warnings)
    result = importer.import_plan(read, year="2023-24", title="Old", actor=None, filename="old.csv")
    db.session.commit()
    assert result.plan.standard == "wres"
    assert {ref: codes for ref, (codes, _hias) in _links(result.plan).items()} == {
        "1.1": ["wres:1", "wres:2", "wres:3", "wres:7"], "1.2": ["wres:2"], "1.3": []}


def test_wres_indicators_and_wdes_metric_columns_are_read_by_their_standard(app):
    content = (b"Ref,Action,WRES indicators,WDES metric,HIA\r\n1.1,Harassment training,\"5, 6\",\"4a(ii), Metric 5\",6\r\n"
               b"1.2,Reasonable adjustments,,8,\r\n")
    read = read_plan(content, "both.csv")
    assert [(row.measures, row.high_impact_actions) for row in read.rows] == [
        (["wres:5", "wres:6", "wdes:4a_ii", "wdes:5"], [6]), (["wdes:8"], [])]
    assert read.standard == "combined"


def test_a_wdes_only_file_makes_a_wdes_plan(app):
    read = read_plan(b"ref,action,WDES metrics\r\n1.1,Passport,\"8, 4b\"\r\n", "wdes.csv")
    assert (read.rows[0].measures, read.standard) == (["wdes:4b", "wdes:8"], "wdes")
    result = importer.import_plan(read, year="2024-25", title="WDES", actor=None, filename="wdes.csv")
    assert result.plan.standard == "wdes" and "into a WDES plan" in result.summary()


@pytest.mark.parametrize(("header", "cell", "title"), [
    ("indicators", "2", "WRES action plan 2024-25"),
    ("WDES metrics", "4b", "WDES action plan 2024-25"),
    ("measures", "WRES 2; WDES 4b", "EDI action plan 2024-25"),
])
def test_an_import_without_a_title_is_named_for_its_kind(app, header, cell, title):
    read = read_plan(f"ref,action,{header}\r\n1.1,Passport,{cell}\r\n".encode(), "plan.csv")
    result = importer.import_plan(read, year="2024-25", title="", actor=None, filename="plan.csv")
    assert result.plan.title == title


def test_bare_numbers_in_the_measures_column_are_wres_unless_only_the_wdes_has_them(app):
    read = read_plan(b"ref,action,measures\r\n1.1,One,\"2, 4a(ii), 10, WDES 2\"\r\n", "plan.csv")
    assert read.rows[0].measures == ["wres:2", "wdes:2", "wdes:4a_ii", "wdes:10"]


@pytest.mark.parametrize(("cell", "column", "message"), [
    ("WRES 2; WDES 99", "measures", "'WDES 99' is not a WRES indicator or WDES metric: write measures like WRES 2; "
                                    "WDES 4a(ii)"),
    ("recruitment", "measures", "'recruitment' is not a WRES indicator or WDES metric: write measures like WRES 2; "
                                "WDES 4a(ii)"),
])
def test_an_unreadable_measure_is_a_problem_naming_its_row_and_column(app, cell, column, message):
    content = f"ref,action,measures,high_impact_actions\r\n1.1,Fine,WRES 2,HIA 1\r\n1.2,Bad,{cell},\r\n".encode()
    with pytest.raises(TransferError) as caught:
        read_plan(content, "plan.csv")
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [(3, column, message)]


def test_an_unreadable_high_impact_action_or_wdes_metric_is_a_problem_too(app):
    content = (b"ref,action,high_impact_actions,WDES metric\r\n1.1,One,HIA 9,4c\r\n1.2,Two,\"HIA 2, pay\",2\r\n")
    with pytest.raises(TransferError) as caught:
        read_plan(content, "plan.csv")
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (2, "high_impact_actions", "'9' is not a high impact action: use HIA 1 to HIA 6, like HIA 2; HIA 6"),
        (2, "wdes_metrics", "'4c' is not a WDES metric: write measures like WRES 2; WDES 4a(ii)"),
        (3, "high_impact_actions", "'pay' is not a high impact action: use HIA 1 to HIA 6, like HIA 2; HIA 6"),
    ]


def test_a_measure_outside_the_chosen_plan_kind_is_a_problem(app):
    content = b"ref,action,measures\r\n1.1,One,WDES 4a(ii)\r\n"
    with pytest.raises(TransferError) as caught:
        file_reader.read_plan(content, "plan.csv", plan_standard="wres")
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (2, "measures", "'WDES 4a(ii)' is not a measure of a WRES plan: write measures like WRES 2; WDES 4a(ii)")]


def test_the_import_page_refuses_a_bad_measure_names_it_and_stores_nothing(client, make_user, sign_in):
    sign_in(make_user("admin"))
    plans_before = db.session.scalar(select(func.count(Plan.id)))
    content = b"ref,action,measures\r\n1.1,Fine,WRES 2\r\n1.2,Bad,WDES 4d\r\n"
    response = client.post("/plans/import", data={"year": "2024-25", "file": (io.BytesIO(content), "plan.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Row 3, measures: &#39;WDES 4d&#39; is not a WRES indicator or WDES metric" in page
    assert db.session.scalar(select(func.count(Plan.id))) == plans_before
    assert db.session.scalar(select(func.count(Action.id))) == 0


def test_the_import_preview_shows_the_plan_kind_measures_and_hias(client, make_user, sign_in, tmp_path, app):
    app.config["PLAN_IMPORT_FOLDER"] = str(tmp_path)
    sign_in(make_user("admin"))
    content = b"ref,action,measures,high_impact_actions\r\n1.1,Passport,WDES 8; WRES 6,HIA 6; HIA 2\r\n"
    response = client.post("/plans/import", data={"year": "2024-25", "file": (io.BytesIO(content), "plan.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and "/plans/import/" in response.location  # columns missing: a preview
    page = client.get(response.location).get_data(as_text=True)
    assert "The plan will be a Combined EDI plan (WRES and WDES), as its actions link to both" in page
    assert "Measures: WRES 6; WDES 8\nHIA 2; HIA 6" in page
