"""The EDI lead changes many actions of a plan at once: select on the plan page, choose one change, see
what it does on a confirmation page, confirm; each action changed gets its own audit entry, and an action
someone else saved in the meantime is skipped, not overwritten."""
import re
from datetime import date

import pytest

from tracker.actions.by_when import parse_by_when
from tracker.actions.models import Action
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.service import create_forum
from tracker.plans.service import archive_plan

BULK_ROUTES = ("/plans/{id}/actions/bulk", "/plans/{id}/actions/bulk/confirm", "/plans/{id}/actions/bulk/apply")


@pytest.fixture
def lead(make_user, sign_in):
    user = make_user("admin", name="Edi Lead")
    sign_in(user)
    return user


@pytest.fixture
def plan(make_plan, make_action, make_user, fixed_today):
    fixed_today(date(2024, 11, 1))
    plan = make_plan(themes=("Recruitment", "Speaking up"))
    laura = make_user("owner", name="Laura Reynolds")
    for n in range(1, 6):
        make_action(plan, f"1.{n}", owners=[laura], by_when="Dec 2024", text=f"Action 1.{n}")
    return plan


def _actions(plan) -> dict[str, Action]:
    db.session.expire_all()
    return {a.ref: a for a in db.session.scalars(db.select(Action).where(Action.plan_id == plan.id))}


def _selection(plan, *refs) -> list[str]:
    actions = _actions(plan)
    return [f"{actions[ref].id}:{actions[ref].version}" for ref in refs]


def _events(plan) -> list[AuditEvent]:
    ids = [a.id for a in _actions(plan).values()]
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.subject_type == "action", AuditEvent.subject_id.in_(ids), AuditEvent.verb == "updated")))


def _apply(client, plan, refs, **change):
    data = {"selected": _selection(plan, *refs), "back": "rag=amber", **change}
    confirm = client.post(f"/plans/{plan.id}/actions/bulk/confirm", data=data)
    assert confirm.status_code == 200, confirm.get_data(as_text=True)
    return confirm, client.post(f"/plans/{plan.id}/actions/bulk/apply", data=data)


def test_the_plan_page_gives_the_edi_lead_a_labelled_checkbox_on_each_row_and_a_plain_submit_button(client, lead, plan):
    page = client.get(f"/plans/{plan.id}?rag=&sort=ref").get_data(as_text=True)
    action = _actions(plan)["1.3"]
    assert f'value="{action.id}:{action.version}"' in page
    assert '<span class="nhsuk-u-visually-hidden">Select action 1.3</span>' in page
    assert "Select all 5 actions matching this filter" in page
    assert '<button class="nhsuk-button nhsuk-button--secondary" type="submit">Change selected actions</button>' in page
    assert 'name="back" value="rag=&amp;sort=ref"' in page


@pytest.mark.parametrize("role", ["owner", "reviewer", "viewer"])
def test_others_see_no_checkboxes_on_the_plan_page(client, make_user, sign_in, plan, role):
    sign_in(make_user(role))
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert 'name="selected"' not in page and "Change selected actions" not in page


def test_choosing_shows_how_many_actions_are_selected_and_carries_them(client, lead, plan):
    response = client.post(f"/plans/{plan.id}/actions/bulk", data={"selected": _selection(plan, "1.1", "1.2"),
                                                                   "back": "rag=amber&page=3&evil=1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Change 2 actions</h1>" in page
    assert page.count('name="selected"') == 2
    assert 'name="back" value="rag=amber"' in page
    assert f'href="/plans/{plan.id}?rag=amber">Cancel</a>' in page


def test_the_confirmation_page_lists_each_change_and_the_actions_already_as_asked(client, lead, plan):
    parsed = parse_by_when("31/03/2025", plan_year=plan.year)
    action = _actions(plan)["1.2"]
    action.by_when, action.by_when_kind, action.due_on, action.starts_on = (
        parsed.text, parsed.kind.value, parsed.due, parsed.starts)
    db.session.commit()
    data = {"selected": _selection(plan, "1.1", "1.2", "1.3"), "kind": "by_when", "by_when": "31/03/2025"}
    confirm = client.post(f"/plans/{plan.id}/actions/bulk/confirm", data=data)
    page = confirm.get_data(as_text=True)
    assert "<h1>Change the by when of 2 actions?</h1>" in page
    rows = re.findall(r">(1\.\d)</a></td>\s*<td[^>]*><span[^>]*>Now </span>([^<]*)</td>\s*<td[^>]*>"
                      r"<span[^>]*>After </span><span class=\"app-bulk-after\"><span aria-hidden=\"true\">→ </span>([^<]*)</span></td>", page)
    assert rows == [("1.1", "Dec 2024", "31/03/2025"), ("1.3", "Dec 2024", "31/03/2025")]
    assert "1 of the 3 selected actions already has this value and will not change: 1.2." in page
    assert ">Confirm</button>" in page and ">Cancel</a>" in page
    assert _events(plan) == [] and _actions(plan)["1.1"].by_when == "Dec 2024"


def test_re_dating_writes_the_by_when_due_date_and_one_audit_entry_per_changed_action(client, lead, plan):
    _, result = _apply(client, plan, ["1.1", "1.2", "1.3"], kind="by_when", by_when="Q4 2024-25")
    page = result.get_data(as_text=True)
    assert result.status_code == 200 and "<h1>3 actions changed</h1>" in page
    actions = _actions(plan)
    assert [(actions[r].by_when, actions[r].due_on) for r in ("1.1", "1.2", "1.3", "1.4")] == [
        ("Q4 2024-25", date(2025, 3, 31))] * 3 + [("Dec 2024", date(2024, 12, 31))]
    events = _events(plan)
    assert sorted(db.session.get(Action, e.subject_id).ref for e in events) == ["1.1", "1.2", "1.3"]
    assert all(e.changes == {"by_when": ["Dec 2024", "Q4 2024-25"]} and e.actor_id == lead.id for e in events)
    assert f'href="/plans/{plan.id}?rag=amber">Back to the 2024-25 plan</a>' in page


def test_owners_are_added_to_or_replace_those_there(client, lead, plan, make_user):
    make_user("owner", name="Sam Patel")
    _apply(client, plan, ["1.1"], kind="owners", owners="Sam Patel", owners_mode="add")
    _apply(client, plan, ["1.2"], kind="owners", owners="Sam Patel", owners_mode="replace")
    actions = _actions(plan)
    assert [u.name for u in actions["1.1"].owners] == ["Laura Reynolds", "Sam Patel"]
    assert [u.name for u in actions["1.2"].owners] == ["Sam Patel"]
    assert [u.name for u in actions["1.3"].owners] == ["Laura Reynolds"]
    changes = {db.session.get(Action, e.subject_id).ref: e.changes for e in _events(plan)}
    assert changes == {"1.1": {"owners": [["Laura Reynolds"], ["Laura Reynolds", "Sam Patel"]]},
                       "1.2": {"owners": [["Laura Reynolds"], ["Sam Patel"]]}}


def test_supporting_leads_are_added_or_replaced(client, lead, plan, make_user):
    make_user("owner", name="Sam Patel")
    make_user("owner", name="Jo Bloggs")
    _apply(client, plan, ["1.1", "1.2"], kind="supporting_leads", supporting_leads="Sam Patel",
           supporting_leads_mode="add")
    _apply(client, plan, ["1.2"], kind="supporting_leads", supporting_leads="Jo Bloggs",
           supporting_leads_mode="replace")
    actions = _actions(plan)
    assert [u.name for u in actions["1.1"].supporting_leads] == ["Sam Patel"]
    assert [u.name for u in actions["1.2"].supporting_leads] == ["Jo Bloggs"]


def test_the_forum_priority_and_theme_are_set(client, lead, plan):
    council = create_forum("Inclusion Council", None)
    db.session.commit()
    speaking_up = plan.themes[1]
    _apply(client, plan, ["1.1", "1.2"], kind="forums", forum=str(council.id), forums_mode="replace")
    _apply(client, plan, ["1.2", "1.3"], kind="priority", priority="Must")
    _apply(client, plan, ["1.3"], kind="theme", theme=str(speaking_up.id))
    actions = _actions(plan)
    assert [[f.name for f in actions[r].forums] for r in ("1.1", "1.2", "1.3")] == [
        ["Inclusion Council"], ["Inclusion Council"], []]
    assert [actions[r].priority for r in ("1.1", "1.2", "1.3")] == [None, "Must", "Must"]
    assert [actions[r].theme.title for r in ("1.2", "1.3")] == ["Recruitment", "Speaking up"]
    assert len(_events(plan)) == 5


def test_an_action_saved_by_someone_else_after_the_confirmation_page_is_skipped_not_overwritten(client, lead, plan):
    data = {"selected": _selection(plan, "1.1", "1.2"), "kind": "priority", "priority": "Could"}
    assert client.post(f"/plans/{plan.id}/actions/bulk/confirm", data=data).status_code == 200
    other = _actions(plan)["1.2"]
    other.priority = "Should"  # someone else's edit, saved between the confirmation page and "Confirm"
    db.session.commit()
    page = client.post(f"/plans/{plan.id}/actions/bulk/apply", data=data).get_data(as_text=True)
    actions = _actions(plan)
    assert (actions["1.1"].priority, actions["1.2"].priority) == ("Could", "Should")
    assert "<h1>1 action changed</h1>" in page
    assert "1 not changed: saved by someone else" in page
    assert re.search(rf'<li><a href="/actions/{other.id}">1.2</a>: Must, Should or Could is Should</li>', page)
    assert [db.session.get(Action, e.subject_id).ref for e in _events(plan)] == ["1.1"]


def test_select_all_matching_acts_on_every_action_the_filters_match_across_pages(client, lead, make_plan, make_action):
    big = make_plan(year="2025-26")
    for n in range(1, 56):
        action = make_action(big, f"1.{n}", by_when="Dec 2025")
        if n % 5 == 0:
            db.session.get(Action, action.id).rag = "amber"
    db.session.commit()
    page = client.get(f"/plans/{big.id}?rag=amber").get_data(as_text=True)
    assert "Select all 11 actions matching this filter" in page
    everything = client.get(f"/plans/{big.id}").get_data(as_text=True)
    assert "Select all 55 actions matching this filter (on every page, not only this one)" in everything
    choose = client.post(f"/plans/{big.id}/actions/bulk", data={"all_matching": "y", "back": "rag=amber"})
    assert "<h1>Change 11 actions</h1>" in choose.get_data(as_text=True)
    selected = re.findall(r'name="selected" value="([^"]+)"', choose.get_data(as_text=True))
    data = {"selected": selected, "kind": "priority", "priority": "Should"}
    client.post(f"/plans/{big.id}/actions/bulk/apply", data=data)
    db.session.expire_all()
    should = sorted(db.session.scalars(db.select(Action.ref).where(Action.plan_id == big.id,
                                                                     Action.priority == "Should")))
    assert should == sorted(f"1.{n}" for n in range(5, 56, 5))


@pytest.mark.parametrize("role", ["owner", "reviewer", "viewer"])
def test_only_the_edi_lead_may_use_any_bulk_route(client, make_user, sign_in, plan, role):
    sign_in(make_user(role))
    data = {"selected": _selection(plan, "1.1"), "kind": "priority", "priority": "Must"}
    for route in BULK_ROUTES:
        url = route.format(id=plan.id)
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url, data=data).status_code == 403, url
    assert _actions(plan)["1.1"].priority is None


@pytest.mark.parametrize("data, message", [
    ({"kind": "priority", "priority": "Must"}, "Select at least one action to change"),
    ({"selected": "SEL"}, "Choose what to change"),
    ({"selected": "SEL", "kind": "by_when", "by_when": "when the funding comes"},
     "&#39;when the funding comes&#39; is not a by when the tracker can read"),
    ({"selected": "SEL", "kind": "by_when", "by_when": ""}, "Enter the new by when"),
    ({"selected": "SEL", "kind": "owners", "owners": "Nobody Known"}, "No user is called &#39;Nobody Known&#39;"),
    ({"selected": "SEL", "kind": "owners", "owners": ""}, "Enter at least one name"),
    ({"selected": "SEL", "kind": "forums", "forum": "0"}, "Choose a forum"),
])
def test_bad_input_shows_the_error_summary_and_writes_nothing(client, lead, plan, data, message):
    if data.get("selected") == "SEL":
        data = {**data, "selected": _selection(plan, "1.1", "1.2")}
    for step in ("confirm", "apply"):
        response = client.post(f"/plans/{plan.id}/actions/bulk/{step}", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "There is a problem" in page and message in page, page
    assert _events(plan) == []
    assert {a.by_when for a in _actions(plan).values()} == {"Dec 2024"}


def test_ticking_nothing_on_the_plan_page_says_so(client, lead, plan):
    response = client.post(f"/plans/{plan.id}/actions/bulk", data={"back": ""})
    assert response.status_code == 400
    assert "Select at least one action to change" in response.get_data(as_text=True)


def test_an_archived_plan_refuses_bulk_changes(client, lead, plan):
    data = {"selected": _selection(plan, "1.1"), "kind": "priority", "priority": "Must"}
    archive_plan(plan, None)
    db.session.commit()
    assert 'name="selected"' not in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    chosen = client.post(f"/plans/{plan.id}/actions/bulk", data=data)
    assert chosen.status_code == 400 and "is archived, so its actions cannot be changed" in chosen.get_data(as_text=True)
    for step in ("confirm", "apply"):
        response = client.post(f"/plans/{plan.id}/actions/bulk/{step}", data=data)
        assert response.status_code == 400
        assert "is archived, so its actions cannot be changed" in response.get_data(as_text=True)
    assert _actions(plan)["1.1"].priority is None and _events(plan) == []


def test_a_save_in_the_same_instant_as_the_bulk_write_stops_it_with_a_clear_page_and_keeps_nothing(
        client, lead, plan, monkeypatch):
    """The version carried from the plan page still matched when the bulk change read the action, but someone
    saved it before the write: the database's version check stops the write, and nothing of the change is kept."""
    from tracker.actions import service

    read_and_checked = service._bulk_row
    others_saved = []

    def saved_by_someone_else_meanwhile(action, change, values):
        if action.ref == "1.3" and not others_saved:
            db.session.execute(db.update(Action).where(Action.id == action.id).values(version=Action.version + 1)
                               .execution_options(synchronize_session=False))
            others_saved.append(action.ref)
        return read_and_checked(action, change, values)

    before = {ref: (a.by_when, a.due_on) for ref, a in _actions(plan).items()}
    data = {"selected": _selection(plan, "1.1", "1.2", "1.3", "1.4"), "back": "", "kind": "by_when",
            "by_when": "March 2025"}
    assert client.post(f"/plans/{plan.id}/actions/bulk/confirm", data=data).status_code == 200
    monkeypatch.setattr(service, "_bulk_row", saved_by_someone_else_meanwhile)
    response = client.post(f"/plans/{plan.id}/actions/bulk/apply", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409, page
    assert "Someone else saved this at the same moment" in page and "Nothing you sent was saved" in page
    assert {ref: (a.by_when, a.due_on) for ref, a in _actions(plan).items()} == before
    assert _events(plan) == []
