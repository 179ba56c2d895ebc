"""The demo has a WDES side: an illustrative WDES plan for the current year beside the trust's WRES plan,
an illustrative WDES 2024 year computed from the demo's pack, and high impact action tags on both plans."""
from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.demo.wdes import WDES_PACK, load_wdes_year, pack_files, read_demo_pack
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.indicators.models import WdesValue, WdesYear
from tracker.indicators.ratios import round_half_up
from tracker.indicators.wdes_headlines import wdes_headlines
from tracker.indicators.wdes_service import compute
from tracker.plans.models import Plan
from tracker.reviews.models import AgendaItem

PASSWORD = "demo-password-1"
TODAY = date(2026, 12, 6)
README = WDES_PACK.parent / "README.md"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(runner, fixed_today):
    fixed_today(TODAY)
    result = runner.invoke(args=["demo", "load", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    return {plan.standard: plan for plan in db.session.scalars(select(Plan).where(Plan.year == "2026-27"))}


def _readme_figures() -> dict[tuple[str, str], float]:
    block = README.read_text(encoding="utf-8").split("<!-- wdes-figures -->")[1].split("<!-- /wdes-figures -->")[0]
    rows = re.findall(r"^\| (\w+) \| (\w+) \| (-?[\d.]+) \|$", block, re.MULTILINE)
    return {(metric, measure): float(value) for metric, measure, value in rows}


def test_the_demo_loads_a_wdes_plan_beside_the_wres_plan_for_the_same_year_marked_illustrative(demo, client):
    assert set(demo) == {"wres", "wdes"}
    wdes = demo["wdes"]
    assert (wdes.title, wdes.status, wdes.standard_label) == (
        "WDES Action Plan 2026-27 (illustrative)", "approved", "WDES plan")
    assert wdes.approved_on == demo["wres"].approved_on
    assert [theme.number for theme in wdes.themes] == ["1", "2", "3", "4"]
    assert sorted(action.ref for action in wdes.actions)[:3] == ["D1.1", "D1.2", "D2.1"]
    assert not {action.ref for action in wdes.actions} & {action.ref for action in demo["wres"].actions}
    assert 10 <= len(wdes.actions) <= 15
    client.post("/sign-in", data={"email": "board.member@example.org", "password": PASSWORD})
    page = client.get(f"/plans/{wdes.id}/overview").get_data(as_text=True)
    assert "Demo data: an illustrative 2024-25 WDES plan, not the trust&#39;s" in page
    assert "with its dates moved 2 years later so that it runs in 2026-27" in page


def test_the_wdes_plans_actions_link_only_to_wdes_metrics_and_each_serves_a_high_impact_action(demo):
    actions = demo["wdes"].actions
    assert all(action.measures and all(code.startswith("wdes:") for code in action.measures) for action in actions)
    assert all(action.high_impact_actions and set(action.high_impact_actions) <= set(range(1, 7)) for action in actions)
    by_ref = {action.ref: action for action in actions}
    assert by_ref["D4.2"].measure_names == ["WDES 4a(i)", "WDES 4a(ii)", "WDES 4a(iii)", "WDES 4b"]
    assert (by_ref["D4.4"].measures, by_ref["D4.4"].high_impact_actions) == (["wdes:10"], [1])
    assert {code for action in actions for code in action.measures} >= {"wdes:1", "wdes:2", "wdes:3", "wdes:8"}


def test_the_wdes_plan_has_owners_who_can_be_reminded_progress_and_reports_to_the_inclusion_council(demo):
    actions = demo["wdes"].actions
    assert all(any(owner.active and owner.email for owner in action.owners) for action in actions)
    assert all("Inclusion Council" in {forum.name for forum in action.forums} for action in actions)
    rags = {action.rag for action in actions}
    assert {"green", "blue", "amber"} <= rags
    assert all(action.updates for action in actions)
    council = db.session.scalar(select(Forum).where(Forum.name == "Inclusion Council"))
    on_agendas = db.session.scalar(
        select(func.count()).select_from(AgendaItem).join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Action, Action.id == AgendaItem.action_id)
        .where(Meeting.forum_id == council.id, Action.plan_id == demo["wdes"].id))
    assert on_agendas >= len(actions)


def test_each_demo_actions_creation_entry_in_its_audit_trail_lists_its_measures_and_high_impact_actions(demo):
    for plan in demo.values():
        for action in plan.actions:
            created = db.session.scalar(select(AuditEvent).where(
                AuditEvent.subject_type == "action", AuditEvent.subject_id == action.id, AuditEvent.verb == "created"))
            assert created.changes.get("measures", [None, []])[1] == action.measure_names, action.ref
            assert created.changes.get("high_impact_actions", [None, []])[1] == [
                f"HIA {number}" for number in action.high_impact_actions], action.ref
    d44 = next(action for action in demo["wdes"].actions if action.ref == "D4.4")
    created = db.session.scalar(select(AuditEvent).where(
        AuditEvent.subject_type == "action", AuditEvent.subject_id == d44.id, AuditEvent.verb == "created"))
    assert created.changes["measures"] == [None, ["WDES 10"]]
    assert created.changes["high_impact_actions"] == [None, ["HIA 1"]]


def test_the_wres_plans_actions_keep_wres_indicators_and_carry_high_impact_actions_where_they_fit(demo):
    actions = {action.ref: action for action in demo["wres"].actions}
    assert all(all(code.startswith("wres:") for code in action.measures) for action in actions.values())
    assert actions["1.1"].high_impact_actions == [2]
    assert actions["2.8"].high_impact_actions == [1]
    assert actions["2.10"].high_impact_actions == [3]
    assert actions["2.9"].high_impact_actions == [2, 6]
    assert actions["2.3"].high_impact_actions == []
    assert actions["1.1"].indicators == [1, 2]


def test_the_wdes_year_is_stored_by_the_wdes_import_from_the_demo_pack_and_marked_illustrative(demo):
    year = db.session.scalar(select(WdesYear))
    assert (year.year, year.source) == (2024, "computed")
    assert year.pack_summary["illustrative"] is True
    assert year.pack_summary["note"].startswith("Illustrative WDES figures, not the trust's")
    assert [file["kind"] for file in year.pack_summary["files"]] == [
        "workforce by disability", "recruitment", "capability", "survey", "board by disability"]
    assert (year.pack_summary["missing"], year.pack_summary["ignored"]) == ([], [])
    assert year.result["metrics"]["9b"]["answer"] == "yes"
    stored = {(value.metric, value.measure): value.value for value in year.values}
    computed = {(h.metric, h.measure): h.value for h in wdes_headlines(compute(read_demo_pack()))}
    assert stored == computed
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "wdes_year")
                                .order_by(AuditEvent.id)).all()
    assert [(event.verb, event.summary) for event in events] == [
        ("imported", "WDES 2024 results computed from a data pack"),
        ("demo data", "Demo data: illustrative WDES figures, not the trust's (the demo's sources hold no WDES report "
                      "of it)")]


def test_the_demo_year_is_stored_as_an_upload_of_its_files_at_wdes_import_would_store_it(app, client, make_user,
                                                                                     sign_in):
    sign_in(make_user("admin"))
    response = client.post("/wdes/import", data={"year": "2024", "files": [
        (io.BytesIO(data), name) for name, data in pack_files().items()]}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.post(response.headers["Location"]).status_code == 302
    uploaded = db.session.scalar(select(WdesYear))
    uploaded_values = {(v.metric, v.measure): (v.value, v.ci_low, v.ci_high, v.small_numbers) for v in uploaded.values}
    uploaded_summary, uploaded_result = dict(uploaded.pack_summary), uploaded.result

    demo_year = load_wdes_year()
    db.session.commit()
    assert {(v.metric, v.measure): (v.value, v.ci_low, v.ci_high, v.small_numbers)
            for v in demo_year.values} == uploaded_values
    assert demo_year.result == uploaded_result
    assert {key: value for key, value in demo_year.pack_summary.items()
            if key not in ("illustrative", "note")} == uploaded_summary


def test_the_figures_computed_from_the_demo_pack_are_those_the_readme_lists(app):
    result = compute(read_demo_pack())
    computed = {(h.metric, h.measure): round_half_up(h.value, 2) for h in wdes_headlines(result)}
    assert None not in computed.values()
    assert computed == _readme_figures()
    assert result.workforce.overall.headcount == 1935
    assert (result.board.voting.headcount, result.board.executive.headcount) == (11, 7)
    assert result.capability.likelihood.small_numbers


def test_the_workforce_pack_uses_esr_values_in_realistic_shares(app):
    text = (WDES_PACK / "workforce.csv").read_text(encoding="utf-8")
    assert {"Yes", "No", "Not Declared", "Prefer Not To Answer", "Unspecified", ""} <= {
        line.split(",")[2] for line in text.splitlines()[1:]}
    overall = compute(read_demo_pack()).workforce.overall
    assert 3 <= overall.disabled_percent <= 5
    assert overall.not_declared_percent >= 8


def test_loading_the_wdes_year_again_replaces_it(demo):
    load_wdes_year()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(WdesYear)) == 1
    assert db.session.scalar(select(func.count()).select_from(WdesValue)) == len(
        wdes_headlines(compute(read_demo_pack())))


def test_loading_the_demo_again_changes_nothing(demo, runner):
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 3
    assert db.session.scalar(select(func.count()).select_from(WdesYear)) == 1


def test_the_makefiles_demo_command_loads_both_plans_and_the_wdes_year_into_a_fresh_database(tmp_path):
    database = tmp_path / "fresh.db"
    env = {**os.environ, "TRACKER_ENV": "development", "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["demo", "load", "--password", PASSWORD]):
        done = subprocess.run(flask + command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    assert "edi.lead@example.org" in done.stdout
    with sqlite3.connect(database) as connection:
        plans = connection.execute("SELECT standard, COUNT(*) FROM plans GROUP BY standard ORDER BY standard").fetchall()
        years = connection.execute("SELECT year, source FROM wdes_years").fetchall()
    assert plans == [("wdes", 1), ("wres", 2)]
    assert years == [(2024, "computed")]
