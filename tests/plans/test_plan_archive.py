"""Archiving, restoring and deleting a plan: the rules, the audit trail and the confirmation pages."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action, ActionMeasure, ProgressUpdate, action_forums, action_owners
from tracker.actions.service import PlanArchived, UpdateData, post_update
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.service import add_meeting, create_forum
from tracker.plans.models import Plan, Theme
from tracker.plans.service import PlanError, archive_plan, delete_plan, deletion_blockers, restore_plan
from tracker.reviews.models import AgendaItem, ForumReview

TODAY = date(2024, 11, 1)
ARCHIVE_INSTEAD = "Archive it instead: an archived plan is hidden from lists and reminders, and can be restored."


@pytest.fixture
def admin(make_user, fixed_today):
    fixed_today(TODAY)
    return make_user("admin", name="Lesley Faux")


def _count(table) -> int:
    return db.session.scalar(select(func.count()).select_from(table))


def _events(verb: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb == verb).order_by(AuditEvent.id)))


def _text(page: str) -> str:
    return " ".join(page.split())


def _draft_with_actions(make_plan, make_action, owner, forum, how_many: int = 3) -> Plan:
    plan = make_plan("2025-26", title="Inclusion plan 2025-26", themes=("Recruitment", "Speaking up"))
    for n in range(1, how_many + 1):
        make_action(plan, f"1.{n}", owners=[owner], forums=[forum], indicators=[2, 5], by_when="Dec 2025")
    return plan


# The rules ------------------------------------------------------------------------------------

def test_archive_then_restore_round_trip_is_audited(admin, make_plan):
    plan = make_plan("2023-24", title="WRES Action Plan 2023-24", status="closed")
    archive_plan(plan, admin)
    db.session.commit()
    assert (plan.archived_at, plan.archived_by_id, plan.archived_on) == (datetime.combine(TODAY, time(9)), admin.id, TODAY)
    assert plan.is_archived and not plan.is_live
    with pytest.raises(PlanError, match="The 2023-24 plan is already archived."):
        archive_plan(plan, admin)
    restore_plan(plan, admin)
    db.session.commit()
    assert (plan.archived_at, plan.archived_by_id, plan.is_archived) == (None, None, False)
    with pytest.raises(PlanError, match="The 2023-24 plan is not archived, so there is nothing to restore."):
        restore_plan(plan, admin)
    events = _events("archived") + _events("restored")
    assert [(e.subject_type, e.subject_id, e.actor_id, e.changes, e.summary) for e in events] == [
        ("plan", plan.id, admin.id, {"archived": [False, True]}, "Plan 2023-24 archived: WRES Action Plan 2023-24"),
        ("plan", plan.id, admin.id, {"archived": [True, False]}, "Plan 2023-24 restored: WRES Action Plan 2023-24"),
    ]


def test_a_plan_is_live_unless_closed_or_archived(admin, make_plan):
    draft, approved, closed = make_plan("2025-26"), make_plan("2024-25", status="approved"), make_plan(
        "2023-24", status="closed")
    archived = make_plan("2022-23", status="approved")
    archive_plan(archived, admin)
    db.session.commit()
    assert [p.is_live for p in (draft, approved, closed, archived)] == [True, True, False, False]
    live = db.session.scalars(select(Plan.year).where(Plan.is_live).order_by(Plan.year)).all()
    assert live == ["2024-25", "2025-26"]


def test_deleting_a_draft_removes_its_themes_actions_and_links_and_keeps_the_audit_event(
        admin, make_user, make_plan, make_action):
    owner, council = make_user("owner"), create_forum("Inclusion Council", None)
    kept = make_plan("2024-25", title="Kept plan")
    kept_action = make_action(kept, "1.1", owners=[owner], forums=[council], indicators=[2])
    plan = _draft_with_actions(make_plan, make_action, owner, council)
    plan_id = plan.id
    deleted = delete_plan(plan, admin)
    db.session.commit()
    assert (deleted.year, deleted.title, deleted.actions, deleted.themes) == ("2025-26", "Inclusion plan 2025-26", 3, 2)
    assert db.session.get(Plan, plan_id) is None
    assert db.session.scalars(select(Action.plan_id)).all() == [kept.id]
    assert db.session.scalars(select(Theme.plan_id)).all() == [kept.id]
    assert (_count(action_owners), _count(action_forums), _count(ActionMeasure)) == (1, 1, 1)
    assert db.session.get(Action, kept_action.id).owners == [owner]
    [event] = _events("deleted")
    assert (event.subject_type, event.subject_id, event.actor_id) == ("plan", plan_id, admin.id)
    assert event.summary == "Plan 2025-26 deleted with its 3 actions and 2 themes: Inclusion plan 2025-26"
    assert event.changes == {"year": ["2025-26", None], "title": ["Inclusion plan 2025-26", None],
                             "actions": [3, None], "themes": [2, None]}


def test_ids_of_a_deleted_plan_and_its_actions_are_never_given_again(admin, make_plan, make_action):
    plan = make_plan("2025-26")
    action = make_action(plan, "1.1")
    old_plan_id, old_action_id = plan.id, action.id
    delete_plan(plan, admin)
    db.session.commit()
    again = make_plan("2025-26")
    new_action = make_action(again, "1.1")
    assert again.id > old_plan_id and new_action.id > old_action_id
    assert [e.verb for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "action", AuditEvent.subject_id == new_action.id))] == ["created"]


def test_only_a_draft_can_be_deleted(admin, make_plan):
    plan = make_plan("2024-25", status="approved")
    with pytest.raises(PlanError) as refused:
        delete_plan(plan, admin)
    assert str(refused.value) == (
        f"The 2024-25 plan cannot be deleted: it is approved, and only a draft plan can be deleted. {ARCHIVE_INSTEAD}")
    db.session.rollback()
    assert db.session.get(Plan, plan.id) is not None and _events("deleted") == []


def test_a_plan_with_progress_updates_cannot_be_deleted_and_every_reason_is_given(admin, make_plan, make_action):
    plan = make_plan("2024-25", status="approved")
    action = make_action(plan, "1.1")
    post_update(action, UpdateData(status="PROGRESS MADE", rag="green", narrative="Panels trained",
                                   as_at=date(2024, 10, 1)), admin, historical=True)
    db.session.commit()
    with pytest.raises(PlanError) as refused:
        delete_plan(plan, admin)
    assert str(refused.value) == (
        "The 2024-25 plan cannot be deleted: it is approved, and only a draft plan can be deleted; and 1 progress "
        f"update has been posted on its actions. {ARCHIVE_INSTEAD}")
    db.session.rollback()
    assert _count(ProgressUpdate) == 1 and db.session.get(Action, action.id) is not None


def test_a_draft_whose_actions_a_forum_reviewed_or_put_on_an_agenda_cannot_be_deleted(admin, make_plan, make_action):
    council = create_forum("Inclusion Council", None)
    meeting = add_meeting(council, date(2024, 11, 12), None)
    plan = make_plan("2025-26")
    on_agenda, reviewed = make_action(plan, "1.1"), make_action(plan, "1.2")
    db.session.add_all([AgendaItem(meeting_id=meeting.id, action_id=on_agenda.id, reasons=["added"]),
                        AgendaItem(meeting_id=meeting.id, action_id=reviewed.id, reasons=["red"]),
                        ForumReview(meeting_id=meeting.id, action_id=reviewed.id, reviewed_rag="red", decision="noted")])
    db.session.commit()
    assert deletion_blockers(plan) == ["a forum has recorded 1 review of its actions",
                                       "its actions are on meeting agendas (2 agenda items)"]
    with pytest.raises(PlanError, match="its actions are on meeting agendas"):
        delete_plan(plan, admin)


def test_a_draft_linked_to_another_year_by_carried_actions_cannot_be_deleted(admin, make_plan, make_action):
    last_year, next_year = make_plan("2024-25", status="approved"), make_plan("2025-26")
    origin = make_action(last_year, "2.3")
    copy = make_action(next_year, "1.1")
    make_action(next_year, "1.2")
    copy.carried_from_id = origin.id
    db.session.commit()
    assert deletion_blockers(next_year) == [
        "its action 1.1 was carried forward from the 2024-25 plan"]
    draft_origin = make_plan("2026-27")
    source = make_action(draft_origin, "4.1")
    later = make_plan("2027-28")
    copies = [copy, make_action(later, "1.1"), make_action(later, "1.2")]
    for carried in copies:
        carried.carried_from_id = source.id
    db.session.commit()
    assert deletion_blockers(draft_origin) == [
        "its action 4.1 was carried forward to the 2025-26 and 2027-28 plans"]
    with pytest.raises(PlanError, match="its action 4.1 was carried forward to the 2025-26 and 2027-28 plans"):
        delete_plan(draft_origin, admin)


# Progress updates on an archived plan's actions -------------------------------------------------

def test_an_archived_plans_actions_take_no_progress_updates(admin, make_plan, make_action):
    plan = make_plan("2024-25", status="approved")
    action = make_action(plan, "1.1")
    archive_plan(plan, admin)
    db.session.commit()
    with pytest.raises(PlanArchived) as refused:
        post_update(action, UpdateData(status="PROGRESS MADE", rag=None, narrative="More news"), admin)
    assert str(refused.value) == ("The 2024-25 plan is archived, so its actions take no new progress updates. "
                                  "If work on this action goes on, ask the EDI lead to restore the plan.")
    db.session.rollback()
    assert _count(ProgressUpdate) == 0


def test_an_owner_sees_that_the_plan_is_archived_and_cannot_post(client, admin, make_user, make_plan, make_action,
                                                                  sign_in):
    owner = make_user("owner", name="Ola Owner")
    plan = make_plan("2024-25", status="approved")
    action = make_action(plan, "1.1", owners=[owner])
    sign_in(owner)
    assert "Post a progress update" in client.get(f"/actions/{action.id}").get_data(as_text=True)
    archive_plan(plan, admin)
    db.session.commit()
    page = _text(client.get(f"/actions/{action.id}").get_data(as_text=True))
    assert "This action's plan is archived: it takes no new progress updates, and is left out of lists and reminders." in page
    assert "Post a progress update" not in page and "restore the 2024-25 plan" not in page
    for response in (client.get(f"/actions/{action.id}/update"),
                     client.post(f"/actions/{action.id}/update", data={"narrative": "News", "status": "", "rag": ""})):
        assert response.status_code == 302 and response.location == f"/actions/{action.id}"
    page = _text(client.get(f"/actions/{action.id}").get_data(as_text=True))
    assert "The 2024-25 plan is archived, so its actions take no new progress updates." in page
    assert _count(ProgressUpdate) == 0


# The pages ----------------------------------------------------------------------------------------

def test_archive_confirmation_then_archive(client, admin, make_plan, make_action, sign_in):
    plan = make_plan("2023-24", title="WRES Action Plan 2023-24", status="closed")
    for ref in ("1.1", "1.2"):
        make_action(plan, ref)
    sign_in(admin)
    detail = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert f'<a href="/plans/{plan.id}/archive">Archive plan</a>' in detail and "Delete plan" not in detail
    page = _text(client.get(f"/plans/{plan.id}/archive").get_data(as_text=True))
    assert "<h1>Archive the 2023-24 plan?</h1>" in page
    assert "It is hidden from the plans list, My actions, the forums' pages and meeting agendas" in page
    assert "While it is archived its 2 actions take no progress updates." in page and "You can restore it." in page
    assert 'name="csrf_token"' in page and ">Archive this plan</button>" in page
    assert db.session.get(Plan, plan.id).archived_at is None, "the confirmation page changes nothing"
    response = client.post(f"/plans/{plan.id}/archive")
    assert response.status_code == 302 and response.location == "/plans/"
    assert db.session.get(Plan, plan.id).archived_by_id == admin.id
    listing = _text(client.get("/plans/").get_data(as_text=True))
    assert ("The 2023-24 plan is archived. It is listed under Show archived plans, where you can open and restore it."
            in listing)
    again = client.post(f"/plans/{plan.id}/archive")
    assert again.status_code == 400 and "The 2023-24 plan is already archived." in again.get_data(as_text=True)
    assert len(_events("archived")) == 1


def test_an_archived_plans_pages_open_with_a_notice_and_restore(client, admin, make_user, make_plan, sign_in):
    plan = make_plan("2023-24", title="WRES Action Plan 2023-24")
    archive_plan(plan, admin)
    db.session.commit()
    sign_in(make_user("viewer"))
    for url in (f"/plans/{plan.id}", f"/plans/{plan.id}/overview"):
        page = _text(client.get(url).get_data(as_text=True))
        assert "This plan is archived</span>" in page
        assert ("It was archived on 1 November 2024 by Lesley Faux. It is hidden from the plans list, My actions, "
                "forums, agendas and reminders, and its actions take no progress updates.") in page
        assert "Restore this plan" not in page
    client.post("/sign-out")
    sign_in(admin)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert f'href="/plans/{plan.id}/restore">Restore this plan</a>' in page
    assert f'<a href="/plans/{plan.id}/restore">Restore plan</a>' in page and "Archive plan" not in page
    confirm = _text(client.get(f"/plans/{plan.id}/restore").get_data(as_text=True))
    assert "<h1>Restore the 2023-24 plan?</h1>" in confirm and ">Restore this plan</button>" in confirm
    response = client.post(f"/plans/{plan.id}/restore")
    assert response.status_code == 302 and response.location == f"/plans/{plan.id}"
    page = _text(client.get(response.location).get_data(as_text=True))
    assert "The 2023-24 plan is restored: it is listed, reviewed and reminded of again." in page
    assert "This plan is archived" not in page
    assert db.session.get(Plan, plan.id).archived_at is None
    assert "The 2023-24 plan is not archived" in client.get(f"/plans/{plan.id}/restore").get_data(as_text=True)


def test_delete_confirmation_then_delete(client, admin, make_user, make_plan, make_action, sign_in):
    owner, council = make_user("owner"), create_forum("Inclusion Council", None)
    plan = _draft_with_actions(make_plan, make_action, owner, council, how_many=12)
    plan_id = plan.id
    sign_in(admin)
    assert f'<a href="/plans/{plan.id}/delete">Delete plan</a>' in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    page = _text(client.get(f"/plans/{plan.id}/delete").get_data(as_text=True))
    assert "<h1>Delete the 2025-26 draft plan and its 12 actions?</h1>" in page
    assert "This cannot be undone." in page and "its 2 themes and its 12 actions" in page
    assert 'class="nhsuk-button nhsuk-button--warning" type="submit">Delete this plan</button>' in page
    response = client.post(f"/plans/{plan.id}/delete")
    assert response.status_code == 302 and response.location == "/plans/"
    listing = _text(client.get("/plans/").get_data(as_text=True))
    assert "The 2025-26 draft plan Inclusion plan 2025-26 and its 12 actions were deleted." in listing
    assert client.get(f"/plans/{plan_id}").status_code == 404
    assert _count(Action) == 0 and len(_events("deleted")) == 1


def test_delete_page_of_a_plan_with_history_says_why_and_offers_archive(client, admin, make_plan, make_action,
                                                                         sign_in):
    plan = make_plan("2024-25", status="approved")
    action = make_action(plan, "1.1")
    post_update(action, UpdateData(status="DELAYED", rag="red", narrative="Late", as_at=date(2024, 10, 1)), admin,
                historical=True)
    db.session.commit()
    sign_in(admin)
    detail = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Delete plan" not in detail
    page = _text(client.get(f"/plans/{plan.id}/delete").get_data(as_text=True))
    assert "<h1>The 2024-25 plan cannot be deleted</h1>" in page
    assert "<li>it is approved, and only a draft plan can be deleted</li>" in page
    assert "<li>1 progress update has been posted on its actions</li>" in page
    assert f'href="/plans/{plan.id}/archive">Archive this plan instead</a>' in page and "Delete this plan" not in page
    refused = client.post(f"/plans/{plan.id}/delete")
    assert refused.status_code == 400
    refused_page = _text(refused.get_data(as_text=True))
    assert "There is a problem" in refused_page and "The 2024-25 plan cannot be deleted: it is approved" in refused_page
    assert db.session.get(Plan, plan.id) is not None and _count(ProgressUpdate) == 1


@pytest.mark.parametrize("role", ["owner", "reviewer", "viewer"])
def test_only_admins_may_archive_restore_or_delete(client, admin, make_user, make_plan, sign_in, role):
    plan = make_plan("2025-26")
    sign_in(make_user(role))
    for name in ("archive", "restore", "delete"):
        assert client.get(f"/plans/{plan.id}/{name}").status_code == 403, name
        assert client.post(f"/plans/{plan.id}/{name}").status_code == 403, name
    detail = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Archive plan" not in detail and "Delete plan" not in detail
    stored = db.session.get(Plan, plan.id)
    assert stored is not None and stored.archived_at is None


def test_unknown_plans_are_404(client, admin, sign_in):
    sign_in(admin)
    for name in ("archive", "restore", "delete"):
        assert client.get(f"/plans/999/{name}").status_code == 404, name
        assert client.post(f"/plans/999/{name}").status_code == 404, name
