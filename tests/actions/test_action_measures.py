"""An action's measures (WRES indicators and WDES metrics, as its plan allows) and the EDI Improvement
Plan's high impact actions: the form, the action page, the audit trail and imports' bulk path."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action, ActionHighImpactAction, ActionMeasure
from tracker.actions.service import ActionData, ActionError, create_action, create_actions, update_action
from tracker.audit.models import AuditEvent
from tracker.extensions import db


def _form(**overrides):
    data = {"ref": "1.1", "theme": "0", "text": "Reasonable adjustments passport for every new starter",
            "owners": "", "supporting_leads": "", "lead_text": "", "by_when": "Dec 2024", "outcome": "",
            "priority": "", "equality_objectives": "", "edi_goals": "", "status": "", "rag": "", "rag_as_at": "",
            "cancelled_reason": ""}
    data.update(overrides)
    return data


def _values(page: str, name: str) -> list[str]:
    """The values of the checkboxes called `name` on the page."""
    return re.findall(rf'name="{name}"[^>]*value="([^"]*)"', page)


def _checked(page: str, name: str) -> list[str]:
    return [value for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page) if "checked" in tag
            for value in re.findall(r'value="([^"]*)"', tag)]


@pytest.fixture
def admin(make_user, sign_in):
    user = make_user("admin")
    sign_in(user)
    return user


def test_a_wres_plans_form_offers_the_wres_indicators_and_the_high_impact_actions(client, admin, make_plan):
    plan = make_plan(standard="wres")
    page = client.get(f"/plans/{plan.id}/actions/new").get_data(as_text=True)
    assert "The WRES indicators this action" in page and "The WDES metrics this action" not in page
    assert _values(page, "wres_indicators") == [f"wres:{n}" for n in range(1, 10)]
    assert _values(page, "wdes_metrics") == []
    assert "2 Recruitment" in page
    assert "EDI Improvement Plan high impact actions" in page and "June 2023" in page
    assert _values(page, "high_impact_actions") == ["1", "2", "3", "4", "5", "6"]
    assert "HIA 2: Overhaul recruitment processes and embed talent management" in page


def test_a_wdes_plans_form_offers_only_the_wdes_metrics(client, admin, make_plan):
    plan = make_plan(standard="wdes")
    page = client.get(f"/plans/{plan.id}/actions/new").get_data(as_text=True)
    assert "The WDES metrics this action" in page and "The WRES indicators this action" not in page
    assert _values(page, "wres_indicators") == []
    assert _values(page, "wdes_metrics") == [
        "wdes:1", "wdes:2", "wdes:3", "wdes:4a_i", "wdes:4a_ii", "wdes:4a_iii", "wdes:4b", "wdes:5", "wdes:6",
        "wdes:7", "wdes:8", "wdes:9a", "wdes:9b", "wdes:10"]
    assert "4a(ii) Harassment from managers" in page
    assert len(_values(page, "high_impact_actions")) == 6


def test_a_combined_plans_form_offers_both_and_saves_both(client, admin, make_plan):
    plan = make_plan(standard="combined")
    page = client.get(f"/plans/{plan.id}/actions/new").get_data(as_text=True)
    assert page.index("The WRES indicators this action") < page.index("The WDES metrics this action")
    assert len(_values(page, "wres_indicators")) == 9 and len(_values(page, "wdes_metrics")) == 14
    response = client.post(f"/plans/{plan.id}/actions/new", data=_form(
        wres_indicators=["wres:2"], wdes_metrics=["wdes:4a_ii", "wdes:1"], high_impact_actions=["2", "6"]))
    assert response.status_code == 302
    action = db.session.scalar(select(Action))
    assert action.measures == ["wres:2", "wdes:1", "wdes:4a_ii"]
    assert action.high_impact_actions == [2, 6]
    edit = client.get(f"/actions/{action.id}/edit").get_data(as_text=True)
    assert _checked(edit, "wres_indicators") == ["wres:2"]
    assert _checked(edit, "wdes_metrics") == ["wdes:1", "wdes:4a_ii"]
    assert _checked(edit, "high_impact_actions") == ["2", "6"]


def test_the_action_page_names_the_measures_with_short_titles_and_the_high_impact_actions(client, admin,
                                                                                         make_plan, make_action):
    action = make_action(make_plan(standard="combined"), "1.1", measures=["wdes:4a_ii", "wres:2"],
                         high_impact_actions=[2])
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Relates to WRES indicator(s) and WDES metric(s)" in page
    assert re.search(r'<a href="/indicators/2">WRES 2 Recruitment</a>', page)
    assert re.search(r'<a href="/wdes/4a_ii">WDES 4a\(ii\) Harassment from managers</a>', page)
    assert page.index("WRES 2 Recruitment") < page.index("WDES 4a(ii)")
    assert "<strong>HIA 2</strong> Overhaul recruitment processes and embed talent management" in page
    # The WRES indicator figures beside the action keep working: indicator 2 is listed there.
    assert 'id="indicators"' in page and "Indicator 2:" in page


def test_an_action_with_no_measures_or_high_impact_actions_says_so(client, admin, make_plan, make_action):
    action = make_action(make_plan(standard="wdes"), "1.1")
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Relates to WDES metric(s)" in page
    assert re.search(r"high impact actions</dt><dd[^>]*>\s*None", page)
    assert 'id="indicators"' not in page


def test_a_wdes_metric_on_a_wres_plan_is_refused_on_the_field_and_nothing_is_saved(client, admin, make_plan):
    plan = make_plan(standard="wres")
    response = client.post(f"/plans/{plan.id}/actions/new", data=_form(
        wres_indicators=["wres:2"], wdes_metrics=["wdes:4a_ii"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    message = "WDES 4a(ii) is a WDES metric, and the 2024-25 plan is a WRES plan: choose from its measures"
    assert message in page
    assert 'href="#wres_indicators"' in page  # the summary links to the field the page shows
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0
    assert db.session.scalar(select(func.count()).select_from(ActionMeasure)) == 0


def test_a_code_that_is_not_a_measure_is_refused_on_its_field(client, admin, make_plan, make_action):
    plan = make_plan(standard="combined")
    action = make_action(plan, "1.1", measures=["wdes:1"])
    page = client.post(f"/actions/{action.id}/edit", data=_form(
        version=str(action.version), wdes_metrics=["wdes:1", "wdes:99"], high_impact_actions=["1"])).get_data(
        as_text=True)
    assert "There is a problem" in page and "&#39;wdes:99&#39; is not a WRES indicator or WDES metric" in page
    assert 'href="#wdes_metrics"' in page
    db.session.expire_all()
    assert db.session.get(Action, action.id).measures == ["wdes:1"]
    assert db.session.get(Action, action.id).high_impact_actions == []


def test_a_high_impact_action_outside_1_to_6_is_refused(client, admin, make_plan):
    plan = make_plan()
    page = client.post(f"/plans/{plan.id}/actions/new", data=_form(high_impact_actions=["7"])).get_data(as_text=True)
    assert "There is a problem" in page and 'href="#high_impact_actions"' in page
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0
    with pytest.raises(ActionError, match="numbered 1 to 6"):
        create_action(plan, ActionData(ref="1.2", text="Pay gap", high_impact_actions=[0]), None)


def test_high_impact_actions_are_saved_and_cleared_by_editing(client, admin, make_plan, make_action):
    action = make_action(make_plan(), "1.1", indicators=[2])
    assert client.post(f"/actions/{action.id}/edit", data=_form(
        version=str(action.version), wres_indicators=["wres:2"], high_impact_actions=["1", "3"])).status_code == 302
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.high_impact_actions, action.measures) == ([1, 3], ["wres:2"])
    assert client.post(f"/actions/{action.id}/edit", data=_form(
        version=str(action.version), wres_indicators=["wres:2"])).status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).high_impact_actions == []
    assert db.session.scalar(select(func.count()).select_from(ActionHighImpactAction)) == 0


def test_audit_entries_record_measures_and_high_impact_actions_by_name(client, admin, make_plan, make_action):
    plan = make_plan(standard="combined")
    client.post(f"/plans/{plan.id}/actions/new", data=_form(wres_indicators=["wres:2"],
                                                            high_impact_actions=["2"]))
    action = db.session.scalar(select(Action))
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == action.id,
                                                         AuditEvent.verb == "created"))
    assert created.changes["measures"] == [None, ["WRES 2"]]
    assert created.changes["high_impact_actions"] == [None, ["HIA 2"]]
    client.post(f"/actions/{action.id}/edit", data=_form(
        version=str(action.version), wres_indicators=["wres:2"], wdes_metrics=["wdes:4a_ii"],
        high_impact_actions=["2", "5"]))
    edited = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == action.id,
                                                        AuditEvent.verb == "updated"))
    assert edited.changes == {"measures": [["WRES 2"], ["WRES 2", "WDES 4a(ii)"]],
                              "high_impact_actions": [["HIA 2"], ["HIA 2", "HIA 5"]]}
    trail = client.get(f"/actions/{action.id}").get_data(as_text=True)
    trail = trail[trail.index('id="audit"'):]
    assert "<strong>measures</strong>: WRES 2 → WRES 2, WDES 4a(ii)" in trail
    assert "<strong>high impact actions</strong>: HIA 2 → HIA 2, HIA 5" in trail


def test_an_audit_entry_written_with_indicators_still_reads_on_the_action_page(client, admin, make_action):
    from tracker.audit.service import record

    action = make_action(indicators=[2])
    record(None, action, "updated", {"indicators": [[2], [2, 5]]})
    db.session.commit()
    trail = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "<strong>indicators</strong>: 2 → 2, 5" in trail[trail.index('id="audit"'):]


def test_the_bulk_path_stores_every_measure_and_high_impact_action(app, make_plan):
    plan = make_plan(standard="combined")
    created = create_actions(plan, [
        (ActionData(ref="1.1", text="Passport", measures=["wdes:8", "wres:2"], high_impact_actions=[2, 6]), []),
        (ActionData(ref="1.2", text="Panels", indicators=[2, 3]), []),
    ], None)
    db.session.commit()
    first, second = (db.session.get(Action, item.id) for item in created)
    assert (first.measures, first.high_impact_actions) == (["wres:2", "wdes:8"], [2, 6])
    assert (second.measures, second.high_impact_actions) == (["wres:2", "wres:3"], [])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == first.id,
                                                       AuditEvent.verb == "created"))
    assert event.changes["measures"] == [None, ["WRES 2", "WDES 8"]]
    assert event.changes["high_impact_actions"] == [None, ["HIA 2", "HIA 6"]]


def test_the_bulk_path_refuses_a_measure_the_plan_does_not_allow_before_storing_anything(app, make_plan):
    plan = make_plan(standard="wdes")
    with pytest.raises(ActionError, match="WRES 2 is a WRES indicator"):
        create_actions(plan, [(ActionData(ref="1.1", text="A", measures=["wdes:1"]), []),
                              (ActionData(ref="1.2", text="B", indicators=[2]), [])], None)
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0


def test_editing_keeps_the_conflict_page_working_with_measures(client, admin, make_plan, make_action):
    action = make_action(make_plan(standard="combined"), "1.1", measures=["wdes:1"])
    opened = client.get(f"/actions/{action.id}/edit").get_data(as_text=True)
    token = re.search(r'name="opened"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="opened"', opened)
    token = token.group(1) or token.group(2)
    version = action.version
    update_action(action, ActionData(ref="1.1", text=action.text, by_when="Dec 2024",
                                     measures=["wdes:1", "wdes:5"]), None, version)
    db.session.commit()
    response = client.post(f"/actions/{action.id}/edit", data=_form(
        version=str(version), opened=token, text=action.text, wdes_metrics=["wdes:1"], high_impact_actions=["4"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    table = page[page.index('id="conflict-table"'):page.index("</table>", page.index('id="conflict-table"'))]
    assert "WDES metrics" in table and "5 Equal opportunities for progression" in table
    assert "EDI Improvement Plan high impact actions" in table and "HIA 4: Address health inequalities" in table
    # Their metric is kept, your high impact action is applied on top.
    assert _checked(page, "wdes_metrics") == ["wdes:1", "wdes:5"] and _checked(page, "high_impact_actions") == ["4"]
    db.session.expire_all()
    assert db.session.get(Action, action.id).high_impact_actions == []
