"""The year rollover: carrying unfinished actions into next year's draft plan, once, then closing."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tracker.actions.models import Action
from tracker.actions.service import ActionData, UpdateData, create_action, post_update
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.service import create_forum
from tracker.plans import rollover
from tracker.plans.models import Plan, Theme
from tracker.plans.service import PlanData, add_theme, create_plan


def test_next_and_previous_year():
    assert [rollover.next_year(y) for y in ("2024-25", "2098-99", "2009-10")] == ["2025-26", "2099-00", "2010-11"]
    assert [rollover.previous_year(y) for y in ("2024-25", "2000-01")] == ["2023-24", "1999-00"]
    with pytest.raises(ValueError, match="write it like 2024-25"):
        rollover.next_year("2024")


@pytest.fixture
def plan(app, make_user, fixed_today):
    """An approved 2024-25 plan with one action of each kind of status."""
    fixed_today(date(2025, 3, 20))
    kerry, amir = make_user("owner", name="Kerry Smith"), make_user("owner", name="Amir Khan")
    council = create_forum("Inclusion Council", None)
    plan = create_plan(PlanData(year="2024-25", title="Inclusion and Belonging Action Plan 2024-25",
                                status="approved", edi_goals_key="1. Belonging"), None)
    recruitment = add_theme(plan, "1", "Inclusive recruitment", None)
    add_theme(plan, "2", "Reducing inequalities", None, notes="Board priority")
    statuses = {"1.1": "PROGRESS MADE", "1.2": "ACHIEVED", "1.3": None, "2.1": "CANCELLED",
                "2.2": "ACHIEVED AND ONGOING", "2.10": "DELAYED"}
    for ref, status in statuses.items():
        action = create_action(plan, ActionData(
            ref=ref, text=f"Action {ref}", theme=recruitment if ref.startswith("1") else plan.themes[1],
            owners=[kerry], supporting_leads=[amir], forums=[council], indicators=[2, 5], priority="Must",
            equality_objectives="4", edi_goals="1", outcome="Measured", lead_text="People Team",
            by_when="Throughout year", cancelled_reason="Superseded" if status == "CANCELLED" else ""), None)
        if status:
            post_update(action, UpdateData(status=status, rag="amber", narrative=f"News on {ref}",
                                           as_at=date(2025, 1, 10)), kerry, historical=True)
    db.session.commit()
    return plan


def _action(plan_id: int, ref: str) -> Action:
    return db.session.scalar(select(Action).where(Action.plan_id == plan_id, Action.ref == ref))


def _ids(plan: Plan, *refs: str) -> list[str]:
    return [str(_action(plan.id, ref).id) for ref in refs]


def _next_plan() -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.year == "2025-26"))


def test_page_ticks_open_actions_by_default(client, make_user, sign_in, plan):
    sign_in(make_user("admin"))
    page = client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)
    assert "<h1>Roll over to 2025-26</h1>" in page
    ticked = re.findall(r'value="(\d+)" checked', page)
    assert sorted(ticked) == sorted(_ids(plan, "1.1", "1.3", "2.10"))
    assert "1.2 Action 1.2 (ACHIEVED, amber)" in page and "1.3 Action 1.3 (no status)" in page


def test_rollover_copies_chosen_actions_into_a_new_draft(client, make_user, sign_in, plan):
    admin = make_user("admin")
    sign_in(admin)
    response = client.post(f"/plans/{plan.id}/rollover", data={"actions": _ids(plan, "1.1", "2.10")})
    assert response.status_code == 302 and response.location == f"/plans/{plan.id}/rollover/result"
    target = _next_plan()
    assert (target.title, target.status, target.edi_goals_key) == (
        "Inclusion and Belonging Action Plan 2025-26", "draft", "1. Belonging")
    assert [(t.number, t.title, t.notes) for t in target.themes] == [
        ("1", "Inclusive recruitment", ""), ("2", "Reducing inequalities", "Board priority")]
    copy, origin = _action(target.id, "1.1"), _action(plan.id, "1.1")
    assert copy.carried_from_id == origin.id and origin.carried_to == [copy]
    assert (copy.text, copy.lead_text, copy.outcome, copy.priority, copy.indicators) == (
        "Action 1.1", "People Team", "Measured", "Must", [2, 5])
    assert ([u.name for u in copy.owners], [u.name for u in copy.supporting_leads], [f.name for f in copy.forums]) == (
        ["Kerry Smith"], ["Amir Khan"], ["Inclusion Council"])
    assert (copy.equality_objectives, copy.edi_goals, copy.theme.number) == ("4", "1", "1")
    assert (copy.by_when, origin.due_on, copy.due_on) == ("Throughout year", date(2025, 3, 31), date(2026, 3, 31))
    assert (copy.status, copy.rag, copy.updates) == (None, None, [])
    assert (origin.status, origin.rag) == ("CARRIED FORWARD", "amber")
    assert _action(plan.id, "2.10").status == "CARRIED FORWARD"
    assert _action(plan.id, "1.3").status is None and _action(target.id, "1.3") is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "carried forward")
                                .order_by(AuditEvent.id)).all()
    assert [(e.subject_id, e.actor_id, e.changes) for e in events[:2]] == [
        (origin.id, admin.id, {"status": ["PROGRESS MADE", "CARRIED FORWARD"], "carried to": [None, "2025-26 action 1.1"]}),
        (copy.id, admin.id, {"carried from": [None, "2024-25 action 1.1"]})]
    page = client.get(response.location).get_data(as_text=True)
    assert "2 actions carried forward to the new 2025-26 draft plan (1.1, 2.10)." in page
    assert f'<a href="/actions/{copy.id}">2025-26 action 1.1</a>' in page
    assert "Close this plan" in page
    origin_page = client.get(f"/actions/{origin.id}").get_data(as_text=True)
    assert f'Carried forward to <a href="/actions/{copy.id}">2025-26 action 1.1</a>.' in origin_page
    copy_page = client.get(f"/actions/{copy.id}").get_data(as_text=True)
    assert f'Carried forward from <a href="/actions/{origin.id}">2024-25 action 1.1</a>' in copy_page
    assert "Carried forward to" not in copy_page


def test_running_again_never_copies_twice(client, make_user, sign_in, plan):
    sign_in(make_user("admin"))
    client.post(f"/plans/{plan.id}/rollover", data={"actions": _ids(plan, "1.1")})
    page = client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)
    assert "1.1 Action 1.1 (CARRIED FORWARD, amber) – already carried forward to 2025-26 as 1.1" in page
    assert sorted(re.findall(r'value="(\d+)" checked', page)) == sorted(_ids(plan, "1.3", "2.10"))
    response = client.post(f"/plans/{plan.id}/rollover", data={"actions": _ids(plan, "1.1", "1.3")})
    page = client.get(response.location).get_data(as_text=True)
    assert ("1 action carried forward to the existing 2025-26 draft plan (1.3). Skipped 1.1: already carried "
            "forward to 2025-26, so not copied again.") in page
    target = _next_plan()
    assert sorted(a.ref for a in target.actions) == ["1.1", "1.3"]
    assert db.session.scalar(select(Plan.id).where(Plan.year == "2025-26", Plan.id != target.id)) is None
    assert len(db.session.scalars(select(Theme).where(Theme.plan_id == target.id)).all()) == 2


def test_an_existing_draft_with_the_same_ref_stops_everything(client, make_user, sign_in, plan):
    draft = create_plan(PlanData(year="2025-26", title="Next year"), None)
    create_action(draft, ActionData(ref="1.1", text="Written by hand"), None)
    db.session.commit()
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{plan.id}/rollover", data={"actions": _ids(plan, "1.1", "1.3")})
    assert response.status_code == 400
    assert ("The 2025-26 draft plan already has actions numbered 1.1 that were not carried from this plan."
            in response.get_data(as_text=True))
    assert [a.ref for a in draft.actions] == ["1.1"] and draft.themes == []
    assert _action(plan.id, "1.3").status is None


def test_an_approved_next_year_plan_is_not_touched(client, make_user, sign_in, plan):
    create_plan(PlanData(year="2025-26", title="Next year", status="approved"), None)
    db.session.commit()
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{plan.id}/rollover", data={"actions": _ids(plan, "1.1")})
    assert response.status_code == 400
    assert "The 2025-26 plan is already approved: actions can only be carried into a draft plan." in (
        response.get_data(as_text=True))
    assert _action(plan.id, "1.1").status == "PROGRESS MADE"


@pytest.mark.parametrize("status, message", [
    ("draft", "The 2024-25 plan is still a draft: only an approved plan can be rolled over."),
    ("closed", "The 2024-25 plan is closed: it cannot be rolled over again."),
])
def test_draft_and_closed_plans_are_refused(client, make_user, sign_in, plan, status, message):
    plan.status = status
    db.session.commit()
    sign_in(make_user("admin"))
    page = client.get(f"/plans/{plan.id}/rollover")
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert 'name="actions"' not in page.get_data(as_text=True)
    response = client.post(f"/plans/{plan.id}/rollover", data={"actions": _ids(plan, "1.1")})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _next_plan() is None and _action(plan.id, "1.1").status == "PROGRESS MADE"


def test_an_action_of_another_plan_cannot_be_chosen(client, make_user, sign_in, plan, make_plan, make_action):
    other = make_action(make_plan(year="2023-24"), "1.1")
    sign_in(make_user("admin"))
    response = client.post(f"/plans/{plan.id}/rollover", data={"actions": [str(other.id)]})
    assert response.status_code == 400
    assert "Choose only actions of this plan: reload the page and choose again" in response.get_data(as_text=True)
    assert _next_plan() is None


def test_closing_the_plan(client, make_user, sign_in, plan):
    admin = make_user("admin")
    sign_in(admin)
    response = client.post(f"/plans/{plan.id}/close")
    assert response.status_code == 302 and response.location == f"/plans/{plan.id}"
    assert db.session.get(Plan, plan.id).status == "closed"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "closed"))
    assert (event.subject_type, event.subject_id, event.actor_id, event.changes) == (
        "plan", plan.id, admin.id, {"status": ["approved", "closed"]})
    again = client.post(f"/plans/{plan.id}/close")
    assert again.status_code == 400
    assert "Only an approved plan can be closed: the 2024-25 plan is closed." in again.get_data(as_text=True)


def test_copies_keep_their_plan_when_the_origin_is_deleted(client, make_user, sign_in, plan):
    sign_in(make_user("admin"))
    client.post(f"/plans/{plan.id}/rollover", data={"actions": _ids(plan, "1.1")})
    db.session.delete(db.session.get(Plan, plan.id))
    db.session.commit()
    copy = _action(_next_plan().id, "1.1")
    assert (copy.carried_from_id, copy.carried_from) == (None, None)


@pytest.mark.parametrize("role", ["reviewer", "owner", "viewer"])
def test_only_admins_roll_over_and_close(client, make_user, sign_in, plan, role):
    sign_in(make_user(role))
    assert client.get(f"/plans/{plan.id}/rollover").status_code == 403
    assert client.post(f"/plans/{plan.id}/rollover", data={"actions": _ids(plan, "1.1")}).status_code == 403
    assert client.get(f"/plans/{plan.id}/rollover/result").status_code == 403
    assert client.post(f"/plans/{plan.id}/close").status_code == 403
    assert _next_plan() is None and db.session.get(Plan, plan.id).status == "approved"


def test_signed_out_users_are_sent_to_sign_in(client, plan):
    for response in (client.get(f"/plans/{plan.id}/rollover"), client.post(f"/plans/{plan.id}/rollover"),
                     client.get(f"/plans/{plan.id}/rollover/result"), client.post(f"/plans/{plan.id}/close")):
        assert response.status_code == 302 and response.location.startswith("/sign-in")
