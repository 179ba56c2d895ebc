"""The year rollover: carrying unfinished actions into a chosen draft plan, ready for the year, once; then closing."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action, ProgressUpdate
from tracker.actions.rag_rules import is_overdue
from tracker.actions.service import ActionClosedToUpdates, ActionData, UpdateData, create_action, post_update
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.models import Forum
from tracker.governance.service import create_forum
from tracker.plans import rollover
from tracker.plans.models import Plan, Theme
from tracker.plans.rollover import CarryRow, RolloverProblems
from tracker.plans.service import PlanData, add_theme, create_plan

ROLLOVER_DAY = date(2025, 3, 20)
BY_WHENS = {"1.1": "Oct 2024", "1.2": "31/10/2024", "1.3": "Q3 2024-25", "2.1": "Throughout 2024-25",
            "2.2": "Ongoing", "2.10": "TBC"}
STATUSES = {"1.1": "PROGRESS MADE", "1.2": "ACHIEVED", "1.3": None, "2.1": "CANCELLED",
            "2.2": "ACHIEVED AND ONGOING", "2.10": "DELAYED"}


def test_next_and_previous_year():
    assert [rollover.next_year(y) for y in ("2024-25", "2098-99", "2009-10")] == ["2025-26", "2099-00", "2010-11"]
    assert [rollover.previous_year(y) for y in ("2024-25", "2000-01")] == ["2023-24", "1999-00"]
    with pytest.raises(ValueError, match="write it like 2024-25"):
        rollover.next_year("2024")


@pytest.fixture
def plan(app, make_user, fixed_today):
    """An approved 2024-25 plan with one action of each kind of status and by-when."""
    fixed_today(ROLLOVER_DAY)
    kerry, amir = make_user("owner", name="Kerry Smith"), make_user("owner", name="Amir Khan")
    council = create_forum("Inclusion Council", None)
    create_forum("Trust Board", None)
    plan = create_plan(PlanData(year="2024-25", title="Inclusion and Belonging Action Plan 2024-25",
                                status="approved", edi_goals_key="1. Belonging"), None)
    recruitment = add_theme(plan, "1", "Inclusive recruitment", None)
    add_theme(plan, "2", "Reducing inequalities", None, notes="Board priority")
    for ref, status in STATUSES.items():
        action = create_action(plan, ActionData(
            ref=ref, text=f"Action {ref}", theme=recruitment if ref.startswith("1") else plan.themes[1],
            owners=[kerry], supporting_leads=[amir], forums=[council], indicators=[2, 5], priority="Must",
            equality_objectives="4", edi_goals="1", outcome="Measured", lead_text="People Team",
            by_when=BY_WHENS[ref], cancelled_reason="Superseded" if status == "CANCELLED" else ""), None)
        if status:
            post_update(action, UpdateData(status=status, rag="amber", narrative=f"News on {ref}",
                                           as_at=date(2025, 1, 10)), kerry, historical=True)
    db.session.commit()
    return plan


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Edi Lead")


def _action(plan_id: int, ref: str) -> Action:
    return db.session.scalar(select(Action).where(Action.plan_id == plan_id, Action.ref == ref))


def _next_plan() -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.year == "2025-26"))


def _rows(plan: Plan, *refs: str, **by_when) -> list[CarryRow]:
    """Rows as the table suggests them, with by-whens changed by ref (by_when={"1.1": "…"})."""
    rows = []
    for ref in refs:
        row = rollover.suggested_row(_action(plan.id, ref))
        row.by_when = by_when.get("by_when", {}).get(ref, row.by_when)
        rows.append(row)
    return rows


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# The service: choosing the target, each row's by-when, owners and forums, the opening update.

def test_rollover_copies_ticked_rows_into_a_new_draft_with_their_own_by_when_owners_and_forums(plan, admin):
    board = db.session.scalar(select(Forum).where(Forum.name == "Trust Board"))
    rows = _rows(plan, "1.1", "1.3", "2.10")
    rows[0].owners, rows[0].forum_ids = "Amir Khan; kerry smith", [board.id]
    rows[2].by_when = "Sept 2025"
    result = rollover.roll_over(plan, rows, admin)
    db.session.commit()
    target = _next_plan()
    assert (result.target, result.created_plan) == (target, True)
    assert (target.title, target.status, target.edi_goals_key) == (
        "Inclusion and Belonging Action Plan 2025-26", "draft", "1. Belonging")
    assert [(t.number, t.title, t.notes) for t in target.themes] == [
        ("1", "Inclusive recruitment", ""), ("2", "Reducing inequalities", "Board priority")]
    copy, origin = _action(target.id, "1.1"), _action(plan.id, "1.1")
    assert copy.carried_from_id == origin.id and origin.carried_to == [copy]
    assert (copy.text, copy.lead_text, copy.outcome, copy.priority, copy.indicators) == (
        "Action 1.1", "People Team", "Measured", "Must", [2, 5])
    assert ([u.name for u in copy.owners], [u.name for u in copy.supporting_leads], [f.name for f in copy.forums]) == (
        ["Amir Khan", "Kerry Smith"], ["Amir Khan"], ["Trust Board"])
    assert [(a.ref, a.by_when, a.due_on) for a in sorted(target.actions, key=lambda a: a.ref)] == [
        ("1.1", "Oct 2025", date(2025, 10, 31)), ("1.3", "Q3 2025-26", date(2025, 12, 31)),
        ("2.10", "Sept 2025", date(2025, 9, 30))]
    assert [f.name for f in _action(target.id, "1.3").forums] == ["Inclusion Council"]
    assert (origin.status, origin.rag) == ("CARRIED FORWARD", "amber")
    assert _action(plan.id, "1.2").status == "ACHIEVED" and _action(target.id, "1.2") is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "carried forward")
                                .order_by(AuditEvent.id)).all()
    assert [(e.subject_id, e.actor_id, e.changes) for e in events[:2]] == [
        (origin.id, admin.id, {"status": ["PROGRESS MADE", "CARRIED FORWARD"], "carried to": [None, "2025-26 action 1.1"]}),
        (copy.id, admin.id, {"carried from": [None, "2024-25 action 1.1"]})]


def test_each_copy_opens_with_an_update_keeping_its_origins_status_and_rag(plan, admin):
    rollover.roll_over(plan, _rows(plan, "1.1", "2.10"), admin)
    db.session.commit()
    copy = _action(_next_plan().id, "1.1")
    opening = db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.action_id == copy.id)).one()
    assert (opening.author_id, opening.posted_at.date(), opening.as_at) == (admin.id, ROLLOVER_DAY, date(2025, 1, 10))
    assert (opening.status, opening.rag, opening.proposed_rag) == ("PROGRESS MADE", "amber", None)
    assert opening.narrative == ("Carried forward from 2024-25 action 1.1. Status and RAG kept from there: "
                                 "PROGRESS MADE, Amber (as at 10 January 2025).")
    assert (copy.status, copy.rag, copy.rag_as_at, copy.last_update_at) == (
        "PROGRESS MADE", "amber", date(2025, 1, 10), opening.posted_at)
    assert _action(_next_plan().id, "2.10").status == "DELAYED"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "progress update",
                                                       AuditEvent.subject_id == copy.id))
    assert (audit.actor_id, audit.changes) == (admin.id, {"status": [None, "PROGRESS MADE"], "rag": [None, "amber"]})


def test_an_origin_with_no_status_or_rag_starts_not_started_with_the_rag_the_rules_propose(plan, admin):
    rollover.roll_over(plan, _rows(plan, "1.3"), admin)
    db.session.commit()
    copy = _action(_next_plan().id, "1.3")
    assert (copy.status, copy.rag, copy.rag_as_at) == ("NOT STARTED", "green", ROLLOVER_DAY)
    assert copy.updates[0].narrative == (
        "Carried forward from 2024-25 action 1.3. It had no status, so it starts as NOT STARTED. "
        "It had no RAG rating, so the rules propose Green (no rule applies: on track).")


def test_carried_actions_are_not_overdue_the_next_day_and_all_have_a_status_and_rag(plan, admin):
    rollover.roll_over(plan, _rows(plan, "1.1", "1.3", "2.10"), admin)
    db.session.commit()
    copies = _next_plan().actions
    tomorrow = ROLLOVER_DAY + timedelta(days=1)
    assert [is_overdue(c.due_on, c.status, c.rag, tomorrow) for c in copies] == [False, False, False]
    assert all(c.status and c.rag for c in copies)


def test_an_action_marked_carried_forward_by_hand_brings_its_last_other_status(plan, admin, make_user):
    origin = _action(plan.id, "1.1")
    post_update(origin, UpdateData(status="CARRIED FORWARD", rag="amber", narrative="To go on next year",
                                   as_at=date(2025, 2, 1)), admin, historical=True)
    db.session.commit()
    assert rollover.carried_by_default(_action(plan.id, "1.1"))
    rollover.roll_over(plan, _rows(plan, "1.1"), admin)
    assert _action(_next_plan().id, "1.1").status == "PROGRESS MADE"


def test_actions_can_be_carried_into_any_existing_draft_plan(plan, admin):
    later = create_plan(PlanData(year="2026-27", title="Plan 2026-27"), None)
    create_plan(PlanData(year="2023-24", title="Old approved plan", status="approved"), None)
    db.session.commit()
    assert [(p.title, count) for p, count in rollover.draft_targets(plan)] == [("Plan 2026-27", 0)]
    result = rollover.roll_over(plan, _rows(plan, "1.1"), admin, target_id=later.id)
    assert (result.target, result.created_plan) == (later, False)
    assert [a.ref for a in later.actions] == ["1.1"] and _next_plan() is None
    assert "1 action carried forward to the existing 2026-27 draft plan (1.1)." == result.summary()


@pytest.mark.parametrize("target, message", [
    ("approved", "The 2023-24 plan is already approved: actions can only be carried into a draft plan."),
    ("itself", "Choose a draft plan from the list, or a new one."),
    ("missing", "Choose a draft plan from the list, or a new one."),
])
def test_the_target_must_be_a_draft_plan_other_than_this_one(plan, admin, target, message):
    approved = create_plan(PlanData(year="2023-24", title="Old", status="approved"), None)
    target_id = {"approved": approved.id, "itself": plan.id, "missing": 9999}[target]
    with pytest.raises(RolloverProblems) as refused:
        rollover.roll_over(plan, _rows(plan, "1.1"), admin, target_id=target_id)
    assert [(p.action_id, p.field) for p in refused.value.problems] == [(None, "target")]
    assert refused.value.problems[0].message.startswith(message)


def test_an_archived_plan_neither_rolls_over_nor_receives_actions(plan, admin):
    from tracker.plans.service import archive_plan, restore_plan

    archived_draft = create_plan(PlanData(year="2026-27", title="Shelved draft"), None)
    archive_plan(archived_draft, admin)
    db.session.commit()
    assert rollover.draft_targets(plan) == []
    with pytest.raises(RolloverProblems) as refused:
        rollover.roll_over(plan, _rows(plan, "1.1"), admin, target_id=archived_draft.id)
    assert refused.value.problems[0].message == "Choose a draft plan from the list, or a new one."
    archive_plan(plan, admin)
    db.session.commit()
    with pytest.raises(rollover.RolloverError, match="The 2024-25 plan is archived: restore it before rolling it over"):
        rollover.check_can_roll_over(plan)
    restore_plan(plan, admin)
    db.session.commit()
    rollover.check_can_roll_over(plan)


def test_a_new_plan_is_refused_when_next_years_plan_exists(plan, admin):
    create_plan(PlanData(year="2025-26", title="Next year"), None)
    with pytest.raises(RolloverProblems) as refused:
        rollover.roll_over(plan, _rows(plan, "1.1"), admin)
    assert refused.value.problems[0].message == (
        "There is already a 2025-26 draft plan (Next year): choose it rather than making another 2025-26 plan.")


def test_one_bad_row_stops_every_row_and_nothing_is_written(plan, admin):
    rows = _rows(plan, "1.1", "1.3", "2.10")
    rows[1].owners = "Kerry Smith; Kery Smyth; nobody@example.org"
    rows[2].by_when = "x" * 201
    rows[0].forum_ids = [9999]
    events, updates = _count(AuditEvent), _count(ProgressUpdate)
    with pytest.raises(RolloverProblems) as refused:
        rollover.roll_over(plan, rows, admin)
    db.session.rollback()
    ids = {ref: _action(plan.id, ref).id for ref in ("1.1", "1.3", "2.10")}
    assert [(p.action_id, p.field, p.message) for p in refused.value.problems] == [
        (ids["1.1"], "forums", "Choose the forums for 1.1 from the list"),
        (ids["1.3"], "owners", "No user is called 'Kery Smyth', 'nobody@example.org' (owners of 1.3). "
                               "Add them in Admin, Users first, or check the spelling"),
        (ids["2.10"], "by_when", "The by when for 2.10 must be 200 characters or fewer (it has 201)")]
    assert _next_plan() is None and (_count(AuditEvent), _count(ProgressUpdate)) == (events, updates)
    assert _action(plan.id, "1.1").status == "PROGRESS MADE"


def test_nothing_ticked_is_refused(plan, admin):
    with pytest.raises(rollover.RolloverError, match="Tick the actions to carry forward"):
        rollover.roll_over(plan, [], admin)
    assert _next_plan() is None


def test_an_action_is_never_copied_twice_into_any_plan(plan, admin):
    rollover.roll_over(plan, _rows(plan, "1.1"), admin)
    other = create_plan(PlanData(year="2026-27", title="Plan 2026-27"), None)
    again = rollover.roll_over(plan, _rows(plan, "1.1", "1.3"), admin, target_id=_next_plan().id)
    assert again.summary() == ("1 action carried forward to the existing 2025-26 draft plan (1.3). Skipped 1.1: "
                               "already carried forward to 2025-26, so not copied again.")
    elsewhere = rollover.roll_over(plan, _rows(plan, "1.1", "2.10"), admin, target_id=other.id)
    assert [a.ref for a in elsewhere.skipped] == ["1.1"] and [a.ref for a in other.actions] == ["2.10"]
    assert sorted(a.ref for a in _next_plan().actions) == ["1.1", "1.3"]
    assert len(db.session.scalars(select(Theme).where(Theme.plan_id == _next_plan().id)).all()) == 2


def test_the_old_action_refuses_updates_while_its_copy_exists(plan, admin, make_user):
    rollover.roll_over(plan, _rows(plan, "1.1"), admin)
    db.session.commit()
    origin, updates = _action(plan.id, "1.1"), _count(ProgressUpdate)
    with pytest.raises(ActionClosedToUpdates) as refused:
        post_update(origin, UpdateData(status="PROGRESS MADE", rag="amber", narrative="Late news"), admin)
    assert str(refused.value) == ("Action 1.1 continued as 1.1 in 2025-26: it no longer takes progress updates. "
                                  "Post your update on action 1.1 of the 2025-26 plan.")
    assert refused.value.copy.id == _action(_next_plan().id, "1.1").id
    assert _count(ProgressUpdate) == updates
    db.session.delete(_action(_next_plan().id, "1.1"))
    db.session.commit()
    updates = _count(ProgressUpdate)
    post_update(_action(plan.id, "1.1"), UpdateData(status="PROGRESS MADE", rag="amber", narrative="Back here"),
                admin)
    assert _count(ProgressUpdate) == updates + 1


# The page: the table, its errors, the confirmation.

class _FormReader(HTMLParser):
    """The fields a browser would send for the page's POST form (no buttons)."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("method") == "post" and "/rollover" in attributes.get("action", ""):
            self._in_form = True
        if not self._in_form or tag != "input" or "name" not in attributes:
            return
        if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
            return
        self.fields.append((attributes["name"], attributes.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def _shown(page: str) -> list[tuple[str, str]]:
    reader = _FormReader()
    reader.feed(page)
    return reader.fields


def _summary(page: str) -> list[tuple[str, str]]:
    """(link, text) of each item in the error summary."""
    body = page[page.index('class="nhsuk-error-summary"'):]
    body = body[:body.index("</ul>")]
    return [(href, html.unescape(" ".join(text.split())))
            for href, text in re.findall(r'<a href="([^"]*)"\s*>(.*?)</a>', body, flags=re.S)]


def _value(fields: list[tuple[str, str]], name: str) -> str:
    return dict(fields)[name]


def _row(page: str, ref: str) -> str:
    """The row prefix ("rows-3") of the action with this ref in the table."""
    match = re.search(rf'for="(rows-\d+)-carry"><strong>{re.escape(ref)}</strong>', page)
    assert match, f"no row for {ref}"
    return match.group(1)


def _changed(fields, **values) -> list[tuple[str, str]]:
    """The fields with some replaced (name=value; a value None drops the field, as unticking does)."""
    names = {name.replace("__", "-"): value for name, value in values.items()}
    kept = [(name, names.get(name, value)) for name, value in fields if names.get(name, value) is not None]
    kept += [(name, value) for name, value in names.items() if value is not None and name not in dict(fields)]
    return kept


def _post(client, plan, fields):
    return client.post(f"/plans/{plan.id}/rollover", data=_multi(fields))


def _multi(fields):
    from werkzeug.datastructures import MultiDict

    return MultiDict(fields)


def test_the_page_shows_a_row_per_action_not_yet_carried_with_its_next_year_by_when(client, sign_in, plan, admin):
    sign_in(admin)
    page = client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)
    assert "<h1>Roll over to next year</h1>" in page
    fields = _shown(page)
    assert _value(fields, "target") == "new"
    assert "A new draft plan for 2025-26, with this plan&#39;s themes" in page
    assert sorted(name for name, _ in fields if name.endswith("-carry")) == sorted(
        f"{_row(page, ref)}-carry" for ref in ("1.1", "1.3", "2.10"))
    suggested = {ref: _value(fields, f"{_row(page, ref)}-by_when") for ref in BY_WHENS}
    assert suggested == {"1.1": "Oct 2025", "1.2": "31/10/2025", "1.3": "Q3 2025-26", "2.1": "Throughout 2025-26",
                         "2.2": "Ongoing", "2.10": "TBC"}
    assert "Was: Oct 2024" in page
    assert "Not recognised: kept as written, so the action is not chased by deadline. Check it." in page
    assert _value(fields, f"{_row(page, '1.1')}-owners") == "Kerry Smith"
    assert (f"{_row(page, '1.1')}-forums", str(_forum_id("Inclusion Council"))) in fields
    assert (f"{_row(page, '1.1')}-forums", str(_forum_id("Trust Board"))) not in fields
    assert 'class="nhsuk-table-responsive app-rollover-table" id="rollover-table"' in page


def _forum_id(name: str) -> int:
    return db.session.scalar(select(Forum.id).where(Forum.name == name))


def test_next_years_draft_is_chosen_by_default_and_drafts_are_listed(client, sign_in, plan, admin):
    draft = create_plan(PlanData(year="2025-26", title="Next year"), None)
    later = create_plan(PlanData(year="2026-27", title="Later"), None)
    create_plan(PlanData(year="2027-28", title="Approved", status="approved"), None)
    db.session.commit()
    sign_in(admin)
    page = client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)
    assert _value(_shown(page), "target") == str(draft.id)
    assert "2025-26: Next year (draft, 0 actions)" in page and f'value="{later.id}"' in page
    assert "2027-28" not in page and 'value="new"' not in page
    assert "There is already a 2025-26 draft plan (Next year): choose it" in page


def test_rolling_over_the_table_as_shown_confirms_what_was_carried(client, sign_in, plan, admin):
    sign_in(admin)
    response = _post(client, plan, _shown(client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)))
    assert response.status_code == 302 and response.location == f"/plans/{plan.id}/rollover/result"
    target = _next_plan()
    assert sorted((a.ref, a.by_when) for a in target.actions) == [
        ("1.1", "Oct 2025"), ("1.3", "Q3 2025-26"), ("2.10", "TBC")]
    page = client.get(response.location).get_data(as_text=True)
    assert "3 actions carried forward to the new 2025-26 draft plan (1.1, 1.3, 2.10)." in page
    copy = _action(target.id, "1.1")
    assert f'<a href="/actions/{copy.id}">2025-26 action 1.1</a>' in page
    row = page[page.index(f'<a href="/actions/{copy.id}">'):]
    row = " ".join(row[:row.index("</tr>")].split())
    assert "Oct 2025<br><span class=\"nhsuk-u-secondary-text-colour\">Due 31 October 2025</span>" in row
    assert "PROGRESS MADE</strong>" in row and "Amber" in row
    assert "Close this plan" in page
    again = client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)
    assert f'1.1 continued as <a href="/actions/{copy.id}">2025-26 action 1.1</a>' in again
    assert "This plan has no actions left to carry forward." not in again and 'for="rows-0-carry"' in again


def test_each_row_is_edited_and_the_all_rows_by_when_fills_the_ticked_rows_left_as_suggested(
        client, sign_in, plan, admin):
    sign_in(admin)
    page = client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)
    one, three, ten, two = (_row(page, ref) for ref in ("1.1", "1.3", "2.10", "1.2"))
    board = _forum_id("Trust Board")
    fields = _changed(_shown(page), by_when_all="March 2026", **{
        f"{three}__by_when": "Dec 2025", f"{one}__owners": "Amir Khan", f"{two}__carry": "y"})
    fields = [(n, v) for n, v in fields if n != f"{ten}-forums"] + [(f"{ten}-forums", str(board))]
    assert _post(client, plan, fields).status_code == 302
    target = _next_plan()
    assert sorted((a.ref, a.by_when) for a in target.actions) == [
        ("1.1", "March 2026"), ("1.2", "March 2026"), ("1.3", "Dec 2025"), ("2.10", "March 2026")]
    assert [u.name for u in _action(target.id, "1.1").owners] == ["Amir Khan"]
    assert [f.name for f in _action(target.id, "2.10").forums] == ["Trust Board"]
    assert _action(plan.id, "2.2").status == "ACHIEVED AND ONGOING"


def test_fill_in_shows_the_rows_filled_without_saving(client, sign_in, plan, admin):
    sign_in(admin)
    page = client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)
    three = _row(page, "1.3")
    response = _post(client, plan, _changed(_shown(page), by_when_all="Q4 2025-26", fill="y",
                                            **{f"{three}__by_when": "Jan 2026"}))
    assert response.status_code == 200
    filled = _shown(response.get_data(as_text=True))
    assert _value(filled, "by_when_all") == ""
    assert [_value(filled, f"{_row(page, ref)}-by_when") for ref in ("1.1", "1.2", "1.3", "2.10")] == [
        "Q4 2025-26", "31/10/2025", "Jan 2026", "Q4 2025-26"]
    assert _next_plan() is None


def test_a_bad_row_reshows_the_whole_table_with_what_was_typed_and_links_to_the_field(client, sign_in, plan, admin):
    sign_in(admin)
    page = client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)
    one, three = _row(page, "1.1"), _row(page, "1.3")
    response = _post(client, plan, _changed(_shown(page), **{
        f"{one}__owners": "Kery Smyth", f"{three}__by_when": "y" * 201, f"{one}__by_when": "Nov 2025"}))
    assert response.status_code == 400
    shown = response.get_data(as_text=True)
    assert shown.startswith("\n<!DOCTYPE html>") and "<title>Error: Roll over" in shown
    assert _summary(shown) == [
        (f"#{one}-owners", "No user is called 'Kery Smyth' (owners of 1.1). Add them in Admin, Users first, "
                           "or check the spelling"),
        (f"#{three}-by_when", "The by when for 1.3 must be 200 characters or fewer (it has 201)")]
    assert f'id="{one}-owners-error"' in shown and f'aria-describedby="{one}-owners-error"' in shown
    fields = _shown(shown)
    assert (_value(fields, f"{one}-owners"), _value(fields, f"{one}-by_when")) == ("Kery Smyth", "Nov 2025")
    assert _next_plan() is None and _action(plan.id, "1.1").status == "PROGRESS MADE"
    assert _count(ProgressUpdate) == 5  # the fixture's, no more


def test_an_unticked_row_is_not_checked(client, sign_in, plan, admin):
    sign_in(admin)
    page = client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)
    ten = _row(page, "2.10")
    response = _post(client, plan, _changed(_shown(page), **{f"{ten}__owners": "Nobody", f"{ten}__carry": None}))
    assert response.status_code == 302
    assert sorted(a.ref for a in _next_plan().actions) == ["1.1", "1.3"]


def test_an_existing_draft_with_the_same_ref_stops_everything(client, sign_in, plan, admin):
    draft = create_plan(PlanData(year="2025-26", title="Next year"), None)
    create_action(draft, ActionData(ref="1.1", text="Written by hand"), None)
    db.session.commit()
    sign_in(admin)
    response = _post(client, plan, _shown(client.get(f"/plans/{plan.id}/rollover").get_data(as_text=True)))
    assert response.status_code == 400
    assert _summary(response.get_data(as_text=True)) == [
        ("#target", "The 2025-26 draft plan already has actions numbered 1.1 that were not carried from this plan. "
                    "Renumber them first; nothing has been copied.")]
    assert [a.ref for a in draft.actions] == ["1.1"] and draft.themes == []
    assert _action(plan.id, "1.3").status is None


def test_with_an_approved_next_year_plan_and_no_draft_the_page_says_why(client, sign_in, plan, admin):
    create_plan(PlanData(year="2025-26", title="Next year", status="approved"), None)
    db.session.commit()
    sign_in(admin)
    message = "The 2025-26 plan is already approved: actions can only be carried into a draft plan."
    page = client.get(f"/plans/{plan.id}/rollover")
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert 'name="target"' not in page.get_data(as_text=True)
    response = client.post(f"/plans/{plan.id}/rollover", data={"target": "new"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _action(plan.id, "1.1").status == "PROGRESS MADE"


def test_nothing_ticked_is_shown_against_the_table(client, sign_in, plan, admin):
    sign_in(admin)
    response = client.post(f"/plans/{plan.id}/rollover", data={"target": "new"})
    assert response.status_code == 400
    assert _summary(response.get_data(as_text=True)) == [("#rollover-table", "Tick the actions to carry forward")]
    assert _next_plan() is None


@pytest.mark.parametrize("status, message", [
    ("draft", "The 2024-25 plan is still a draft: only an approved plan can be rolled over."),
    ("closed", "The 2024-25 plan is closed: it cannot be rolled over again."),
])
def test_draft_and_closed_plans_are_refused(client, sign_in, plan, admin, status, message):
    plan.status = status
    db.session.commit()
    sign_in(admin)
    page = client.get(f"/plans/{plan.id}/rollover")
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert 'name="target"' not in page.get_data(as_text=True)
    response = client.post(f"/plans/{plan.id}/rollover", data={"target": "new", "rows-0-action_id": "1"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _next_plan() is None and _action(plan.id, "1.1").status == "PROGRESS MADE"


def test_an_action_of_another_plan_cannot_be_carried(client, sign_in, plan, admin, make_plan, make_action):
    other = make_action(make_plan(year="2023-24"), "1.1")
    sign_in(admin)
    response = client.post(f"/plans/{plan.id}/rollover", data={
        "target": "new", "rows-0-action_id": str(other.id), "rows-0-carry": "y", "rows-0-by_when": "Oct 2025"})
    assert response.status_code == 400
    assert "Some of the chosen actions are not in this plan: reload the page and choose again." in (
        response.get_data(as_text=True))
    assert _next_plan() is None


def test_closing_the_plan(client, sign_in, plan, admin):
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


def test_copies_keep_their_plan_when_the_origin_is_deleted(plan, admin):
    rollover.roll_over(plan, _rows(plan, "1.1"), admin)
    db.session.commit()
    db.session.delete(db.session.get(Plan, plan.id))
    db.session.commit()
    copy = _action(_next_plan().id, "1.1")
    assert (copy.carried_from_id, copy.carried_from) == (None, None)
    assert [u.narrative[:40] for u in copy.updates] == ["Carried forward from 2024-25 action 1.1."]


@pytest.mark.parametrize("role", ["reviewer", "owner", "viewer"])
def test_only_admins_roll_over_and_close(client, make_user, sign_in, plan, role):
    sign_in(make_user(role))
    assert client.get(f"/plans/{plan.id}/rollover").status_code == 403
    assert client.post(f"/plans/{plan.id}/rollover", data={"target": "new"}).status_code == 403
    assert client.get(f"/plans/{plan.id}/rollover/result").status_code == 403
    assert client.post(f"/plans/{plan.id}/close").status_code == 403
    assert _next_plan() is None and db.session.get(Plan, plan.id).status == "approved"


def test_signed_out_users_are_sent_to_sign_in(client, plan):
    for response in (client.get(f"/plans/{plan.id}/rollover"), client.post(f"/plans/{plan.id}/rollover"),
                     client.get(f"/plans/{plan.id}/rollover/result"), client.post(f"/plans/{plan.id}/close")):
        assert response.status_code == 302 and response.location.startswith("/sign-in")
