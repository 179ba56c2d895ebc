"""The reminder rules as pure functions: dates chosen so each rule fires, and so it does not."""
from datetime import date, datetime, timedelta

import pytest

from tracker.reminders.digest import build_digest, digest_items, digest_recipients
from tracker.reminders.facts import (
    ActionFacts,
    DigestUpdate,
    DueItem,
    FirstRequest,
    MeetingFacts,
    Person,
    Rules,
    iso_week,
    parse_days,
)
from tracker.reminders.rules import (
    crossed,
    deadline_items,
    nudge_items,
    overdue_items,
    owner_items,
    plan_deliveries,
    stale_items,
    update_request_items,
    weekly_day_due,
)

MONDAY = date(2024, 11, 4)
DUE = date(2024, 12, 31)
RULES = Rules()
PEOPLE = {
    1: Person(1, "Ama Owusu", "ama@example.org", "owner"),
    2: Person(2, "Ben Cole", "ben@example.org", "owner"),
    3: Person(3, "Gone Person", "gone@example.org", "owner", active=False),
    4: Person(4, "No Email", None, "owner"),
    5: Person(5, "Lesley Lead", "lead@example.org", "admin"),
    6: Person(6, "Rita Reviewer", "rita@example.org", "reviewer"),
    7: Person(7, "Old Admin", "old@example.org", "admin", active=False),
}


def action(id=10, ref="1.3", *, due_on=DUE, owners=(1,), status=None, rag=None, created_on=date(2024, 4, 1),
           updated=None, forums=()):
    return ActionFacts(id=id, ref=ref, text="Develop an inclusive recruitment toolkit", plan_year="2024-25",
                       by_when="Dec 2024", due_on=due_on, status=status, rag=rag, created_on=created_on,
                       last_update_at=updated, owner_ids=owners, forum_ids=forums)


def keys(items: list[DueItem]) -> list[str]:
    return [item.key for item in items]


@pytest.mark.parametrize("days_left,fires", [(15, None), (14, "14d"), (13, None), (4, None), (3, "3d"), (2, None)])
def test_deadline_fires_on_the_day_each_threshold_is_reached(days_left, fires):
    today = DUE - timedelta(days=days_left)
    items = deadline_items([action()], PEOPLE, RULES, today)
    expected = [f"deadline:user1:action10:2024-12-31:{fires}"] if fires else []
    assert keys(items) == expected


def test_deadline_note_and_link_data():
    [item] = deadline_items([action()], PEOPLE, RULES, DUE - timedelta(days=14))
    assert item.rule == "deadline" and item.recipient_id == 1
    assert item.lines[0].note == "Due on 31 December 2024: 14 days to go"
    assert item.lines[0].action_id == 10 and item.lines[0].ref == "1.3"


def test_notes_write_dates_with_capitals_and_counts_in_words():
    [today_item] = deadline_items([action()], PEOPLE, Rules(deadline_days=(1,)), DUE - timedelta(days=1))
    assert today_item.lines[0].note == "Due on 31 December 2024: 1 day to go"
    digest = build_digest([action(due_on=MONDAY - timedelta(days=1))], PEOPLE, [], RULES, MONDAY,
                          since=datetime(2024, 10, 28, 7))
    assert digest.overdue[0].note == "Was due on 3 November 2024: 1 day overdue"
    reported = [action(due_on=date(2025, 3, 31), forums=(1,)),
                action(11, "1.4", due_on=None, forums=(1,), updated=datetime(2024, 10, 30, 23, 30)),
                action(12, "1.5", due_on=None, forums=(1,))]
    reported[2] = ActionFacts(**{**reported[2].__dict__, "by_when": ""})
    [item] = update_request_items(reported, [meeting(10)], PEOPLE, RULES, MONDAY)
    assert [line.note for line in item.lines] == [
        "Due on 31 March 2025; no progress update yet",
        "By when: Dec 2024; last updated on 30 October 2024",
        "No due date set; no progress update yet",
    ]


def test_an_update_late_on_a_summer_evening_counts_on_the_next_uk_day():
    at_0030_uk = action(updated=datetime(2024, 9, 5, 23, 30))   # 00:30 on 6 September in the UK
    assert at_0030_uk.last_update_on == date(2024, 9, 6)
    assert stale_items([at_0030_uk], PEOPLE, RULES, MONDAY) == []   # 59 days, not 60


def test_deadline_catches_up_thresholds_passed_since_a_missed_run():
    today = DUE - timedelta(days=12)
    assert keys(deadline_items([action()], PEOPLE, RULES, today, last_run=today - timedelta(days=3))) == [
        "deadline:user1:action10:2024-12-31:14d"]
    assert deadline_items([action()], PEOPLE, RULES, today, last_run=today - timedelta(days=1)) == []
    assert deadline_items([action()], PEOPLE, RULES, today, last_run=None) == []


def test_crossed_looks_back_at_most_a_week():
    today = date(2024, 11, 20)
    assert crossed(date(2024, 11, 14), today, date(2024, 11, 1))
    assert not crossed(date(2024, 11, 13), today, date(2024, 11, 1))
    assert not crossed(date(2024, 11, 19), today, date(2024, 11, 19))


@pytest.mark.parametrize("status,rag", [("ACHIEVED", None), ("CANCELLED", "red"), (None, "blue"),
                                        ("CARRIED FORWARD", None)])
def test_closed_actions_are_never_chased(status, rag):
    closed = action(status=status, rag=rag, due_on=MONDAY - timedelta(days=40), updated=None)
    assert owner_items([closed], [], PEOPLE, RULES, MONDAY) == []
    assert deadline_items([action(status=status, rag=rag)], PEOPLE, RULES, DUE - timedelta(days=14)) == []


def test_inactive_owners_and_owners_without_email_get_nothing():
    actions = [action(10, owners=(3,)), action(11, "1.4", owners=(4,)), action(12, "1.5", owners=(1, 3, 4))]
    items = deadline_items(actions, PEOPLE, RULES, DUE - timedelta(days=3))
    assert keys(items) == ["deadline:user1:action12:2024-12-31:3d"]


def test_overdue_is_one_weekly_item_per_owner_with_every_overdue_action():
    actions = [action(10, "1.3", due_on=date(2024, 10, 31)), action(11, "1.4", due_on=date(2024, 11, 1)),
               action(12, "1.5", due_on=MONDAY), action(13, "2.1", due_on=date(2024, 10, 1), owners=(2,))]
    items = overdue_items(actions, PEOPLE, RULES, MONDAY)
    assert [(i.key, [line.ref for line in i.lines], i.copy_admins) for i in items] == [
        ("overdue:user1:2024-W45", ["1.3", "1.4"], False),
        ("overdue:user2:2024-W45", ["2.1"], True),
    ]
    assert items[0].lines[0].note == "Was due on 31 October 2024: 4 days overdue"


def test_overdue_copies_the_edi_lead_from_30_days():
    def copied(days_overdue: int) -> bool:
        [item] = overdue_items([action(due_on=MONDAY - timedelta(days=days_overdue))], PEOPLE, RULES, MONDAY)
        return item.copy_admins

    assert (copied(29), copied(30)) == (False, True)


def test_weekly_rules_go_on_the_weekly_day_only():
    late = [action(due_on=date(2024, 10, 1), created_on=date(2024, 1, 1))]
    thursday = Rules(weekly_day=3)
    wednesday, thursday_day, friday = (MONDAY + timedelta(days=n) for n in (2, 3, 4))
    assert overdue_items(late, PEOPLE, thursday, wednesday, last_run=wednesday - timedelta(days=1)) == []
    assert keys(overdue_items(late, PEOPLE, thursday, thursday_day, last_run=wednesday)) == ["overdue:user1:2024-W45"]
    assert overdue_items(late, PEOPLE, thursday, friday, last_run=thursday_day) == []
    assert overdue_items(late, PEOPLE, thursday, friday) == []   # first run ever, on a Friday
    assert keys(stale_items([action(created_on=date(2024, 1, 1))], PEOPLE, thursday, thursday_day)) == [
        "stale:user1:2024-W45"]
    assert stale_items([action(created_on=date(2024, 1, 1))], PEOPLE, thursday, friday, last_run=thursday_day) == []


def test_a_missed_weekly_day_is_caught_up_by_the_next_run_that_week_under_that_weeks_key():
    late = [action(due_on=date(2024, 10, 1), created_on=date(2024, 1, 1))]
    thursday = Rules(weekly_day=3)
    friday = MONDAY + timedelta(days=4)
    assert keys(overdue_items(late, PEOPLE, thursday, friday, last_run=friday - timedelta(days=2))) == [
        "overdue:user1:2024-W45"]
    next_monday = MONDAY + timedelta(days=7)   # Thursday missed, last run on the Wednesday: still week 45's
    assert keys(overdue_items(late, PEOPLE, thursday, next_monday, last_run=MONDAY + timedelta(days=2))) == [
        "overdue:user1:2024-W45"]


@pytest.mark.parametrize("today,last_run,due", [
    (date(2024, 11, 4), None, date(2024, 11, 4)),               # Monday
    (date(2024, 11, 10), None, None),                           # Sunday, first run ever
    (date(2024, 11, 10), date(2024, 11, 9), None),              # Sunday, Monday's run happened
    (date(2024, 11, 5), date(2024, 11, 3), date(2024, 11, 4)),  # Tuesday after a missed Monday
    (date(2024, 11, 5), date(2024, 11, 4), None),
    (date(2024, 11, 4), date(2024, 11, 4), date(2024, 11, 4)),  # Monday again: the outbox keys stop repeats
])
def test_weekly_day_due_for_monday(today, last_run, due):
    assert weekly_day_due(today, 0, last_run) == due


def test_stale_after_60_days_without_an_update():
    fresh = action(updated=datetime(2024, 9, 6, 10))   # 59 days before MONDAY
    old = action(11, "1.4", updated=datetime(2024, 9, 5, 10))   # 60 days
    never = action(12, "1.5", created_on=date(2024, 9, 5))
    new = action(13, "1.6", created_on=date(2024, 10, 1))
    [item] = stale_items([fresh, old, never, new], PEOPLE, RULES, MONDAY)
    assert item.key == "stale:user1:2024-W45"
    assert [(line.ref, line.note) for line in item.lines] == [
        ("1.4", "No progress update since 5 September 2024"),
        ("1.5", "No progress update since it was added on 5 September 2024"),
    ]


def test_stale_leaves_out_overdue_actions():
    overdue_and_stale = action(due_on=date(2024, 10, 1), created_on=date(2024, 1, 1))
    assert stale_items([overdue_and_stale], PEOPLE, RULES, MONDAY) == []


def meeting(days_away: int, id=3) -> MeetingFacts:
    return MeetingFacts(id, 1, "Inclusion Council", MONDAY + timedelta(days=days_away))


@pytest.mark.parametrize("days_away,fires", [(11, False), (10, True), (5, True), (1, True), (0, False)])
def test_update_request_from_10_days_before_a_meeting(days_away, fires):
    reported = [action(forums=(1,)), action(11, "1.4", forums=(1,)), action(12, "1.5", forums=(2,))]
    items = update_request_items(reported, [meeting(days_away)], PEOPLE, RULES, MONDAY)
    assert [(i.key, [line.ref for line in i.lines]) for i in items] == (
        [("update-request:user1:meeting3", ["1.3", "1.4"])] if fires else [])


def test_second_nudge_only_for_actions_not_updated_since_the_first_request():
    asked = datetime(2024, 10, 28, 7)
    updated_since = action(forums=(1,), updated=datetime(2024, 10, 30, 12))
    waiting = action(11, "1.4", forums=(1,), updated=datetime(2024, 10, 1, 12))
    first = {"update-request:user1:meeting3": FirstRequest(date(2024, 10, 28), asked)}
    [item] = nudge_items([updated_since, waiting], [meeting(3)], PEOPLE, RULES, MONDAY, first)
    assert (item.key, [line.ref for line in item.lines]) == ("update-nudge:user1:meeting3", ["1.4"])
    assert nudge_items([updated_since], [meeting(3)], PEOPLE, RULES, MONDAY, first) == []
    assert nudge_items([waiting], [meeting(4)], PEOPLE, RULES, MONDAY, first) == []
    assert nudge_items([waiting], [meeting(3)], PEOPLE, RULES, MONDAY, {}) == []
    same_day = {"update-request:user1:meeting3": FirstRequest(MONDAY, asked)}
    assert nudge_items([waiting], [meeting(3)], PEOPLE, RULES, MONDAY, same_day) == []


def test_parse_days():
    assert parse_days("14, 3") == (14, 3)
    assert parse_days("3;14, 3") == (14, 3)
    with pytest.raises(ValueError, match="'two' is not a number of days from 1 to 365"):
        parse_days("14, two")
    with pytest.raises(ValueError, match="Enter at least one number of days"):
        parse_days(" , ")


def test_iso_week_names_the_period():
    assert iso_week(date(2024, 12, 31)) == "2025-W01"
    assert iso_week(MONDAY) == "2024-W45"


def test_digest_recipients_are_active_admins_and_optionally_reviewers():
    assert [p.id for p in digest_recipients(PEOPLE, RULES)] == [5]
    assert [p.id for p in digest_recipients(PEOPLE, Rules(digest_to_reviewers=True))] == [5, 6]


def test_digest_sections_list_each_action_once_with_owner_flags():
    actions = [
        action(10, "1.1", due_on=date(2024, 10, 1), rag="red", owners=(3,)),
        action(11, "1.2", rag="red", owners=(4,)),
        action(12, "1.3", created_on=date(2024, 1, 1), owners=()),
        action(13, "1.4", created_on=date(2024, 10, 1)),
        action(14, "1.5", due_on=date(2024, 10, 1), status="ACHIEVED"),
    ]
    updates = [DigestUpdate(13, "1.4", "2024-25", "Ama Owusu", datetime(2024, 11, 1, 10), "ON TRACK", "green", "Done"),
               DigestUpdate(13, "1.4", "2024-25", "Ama Owusu", datetime(2024, 10, 20, 10), None, None, "Earlier")]
    digest = build_digest(actions, PEOPLE, updates, RULES, MONDAY, since=datetime(2024, 10, 28, 7))
    assert [(line.ref, line.note, line.flags) for line in digest.overdue] == [
        ("1.1", "Was due on 1 October 2024: 34 days overdue", ("owner inactive",))]
    assert [(line.ref, line.flags) for line in digest.red] == [("1.2", ("owner has no email",))]
    assert [(line.ref, line.flags) for line in digest.stale] == [("1.3", ("no owner",))]
    assert [(line.ref, line.flags) for line in digest.cannot_remind] == [
        ("1.1", ("owner inactive",)), ("1.2", ("owner has no email",)), ("1.3", ("no owner",))]
    assert [u.narrative for u in digest.updates] == ["Done"]


def test_digest_items_weekly_with_updates_since_each_recipients_last_digest():
    now = datetime(2024, 11, 4, 7)
    updates = [DigestUpdate(10, "1.3", "2024-25", "Ama", datetime(2024, 10, 30, 10), None, None, "A"),
               DigestUpdate(10, "1.3", "2024-25", "Ama", datetime(2024, 11, 2, 10), None, None, "B")]
    items = digest_items([action()], PEOPLE, updates, Rules(digest_to_reviewers=True), MONDAY, now,
                         {5: datetime(2024, 11, 1, 7)})
    assert [(i.key, [u.narrative for u in i.digest.updates]) for i in items] == [
        ("digest:user5:2024-W45", ["B"]), ("digest:user6:2024-W45", ["B", "A"])]
    assert digest_items([action()], PEOPLE, updates, Rules(weekly_day=2), MONDAY, now, {}) == []


def test_one_delivery_per_person_grouping_every_item():
    actions = [action(10, "1.3", due_on=date(2024, 10, 1), forums=(1,)), action(11, "1.4", due_on=DUE, forums=(1,))]
    today, tuesday = DUE - timedelta(days=14), Rules(weekly_day=1)
    items = owner_items(actions, [MeetingFacts(3, 1, "Inclusion Council", today + timedelta(days=10))], PEOPLE,
                        tuesday, today)
    deliveries = plan_deliveries(items, PEOPLE, tuesday, today, held=set(), weekly_sent=set())
    assert len(deliveries) == 1
    assert [i.rule for i in deliveries[0].send] == ["update_request", "overdue", "deadline", "stale"]


def test_weekly_delivery_holds_reminders_until_the_weekly_email():
    weekly = {**PEOPLE, 1: Person(1, "Ama Owusu", "ama@example.org", "owner", delivery="digest")}
    deadline = DueItem("deadline", 1, "deadline:user1:x")
    request = DueItem("update_request", 1, "update-request:user1:meeting3")
    tuesday, thursday = Rules(weekly_day=1), Rules(weekly_day=3)
    [held] = plan_deliveries([deadline, request], weekly, thursday, MONDAY, held=set(), weekly_sent=set())
    assert ([i.key for i in held.send], [i.key for i in held.hold], held.release_held) == (
        ["update-request:user1:meeting3"], ["deadline:user1:x"], False)
    [weekly_email] = plan_deliveries([], weekly, tuesday, MONDAY + timedelta(days=1), held={1}, weekly_sent=set())
    assert ([i.key for i in weekly_email.send], weekly_email.release_held) == (["weekly-email:user1:2024-W45"], True)
    assert plan_deliveries([], weekly, tuesday, MONDAY + timedelta(days=1), held={1}, weekly_sent={1}) == []
    wednesday = MONDAY + timedelta(days=2)
    [still_held] = plan_deliveries([deadline], weekly, tuesday, wednesday, held={1}, weekly_sent=set(),
                                   last_run=MONDAY + timedelta(days=1))
    assert ([i.key for i in still_held.hold], still_held.send, still_held.release_held) == (
        ["deadline:user1:x"], (), False)


def test_nobody_is_reminded_when_reminders_are_turned_off():
    assert owner_items([action(due_on=date(2024, 10, 1))], [], PEOPLE, Rules(enabled=False), MONDAY) == []
