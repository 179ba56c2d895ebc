"""Loaded on any day, the demo shows a year in progress: every RAG colour, few actions overdue, forums
with members, council meetings with agendas and reviews, WRES figures with trends, and owners who can
be reminded. Checked on a day in May and a day in February (both Mondays, the digest's day)."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tracker.actions.models import Action, ProgressUpdate
from tracker.auth.models import User
from tracker.dashboards.queries import my_actions
from tracker.extensions import db
from tracker.governance.models import Forum, Meeting
from tracker.indicators.models import ENTERED
from tracker.indicators.queries import indicator_table
from tracker.plans.models import Plan
from tracker.reviews.models import AgendaItem, ForumReview, MeetingAgenda
from tracker.reviews.queries import AGENDA_PAGE_SIZE

PASSWORD = "demo-password-1"
MAY, FEBRUARY = date(2027, 5, 10), date(2027, 2, 8)
#: (today, the current plan's year, years moved from the published 2024-25)
DAYS = [(MAY, "2027-28", 3), (FEBRUARY, "2026-27", 2)]
RAG_LINK = re.compile(r"<strong>(\d+)</strong> <a href=\"[^\"]*[?&]rag=(\w+)\"")
OVERDUE_LINK = re.compile(r"<strong>(\d+)</strong> <a href=\"[^\"]*[?&]overdue=y\">overdue")


@pytest.fixture(params=DAYS, ids=["May", "February"])
def demo(request, runner, fixed_today):
    today, year, moved = request.param
    fixed_today(today)
    result = runner.invoke(args=["demo", "load", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    return {"today": today, "year": year, "moved": moved,
            "plan": db.session.scalar(select(Plan).where(Plan.year == year, Plan.standard == "wres"))}


def _signed_in(client, email: str):
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_current_plans_overview_shows_every_rag_colour_and_fewer_than_a_third_overdue(demo, client):
    page = html.unescape(_signed_in(client, "board.member@example.org").get(
        f"/plans/{demo['plan'].id}/overview").get_data(as_text=True))
    counts = {rag: int(count) for count, rag in RAG_LINK.findall(page)}
    assert set(counts) == {"red", "amber", "green", "blue", "none"}
    assert all(counts.values()), counts
    assert counts["green"] > max(counts["red"], counts["amber"], counts["blue"], counts["none"])
    assert sum(counts.values()) == 29
    overdue = int(OVERDUE_LINK.search(page).group(1))
    assert overdue * 3 < 29
    assert counts["none"] <= 2
    assert (f"Demo data: the trust's published 2024-25 plan, with its dates moved {demo['moved']} years later "
            f"so that it runs in {demo['year']}") in page


def test_each_action_has_at_most_three_updates_dated_since_the_plan_was_approved(demo):
    plan, today = demo["plan"], demo["today"]
    counts = dict(db.session.execute(
        select(Action.ref, func.count(ProgressUpdate.id)).outerjoin(ProgressUpdate, ProgressUpdate.action_id == Action.id)
        .where(Action.plan_id == plan.id).group_by(Action.ref)).all())
    assert all(count <= 3 for count in counts.values()), counts
    assert sorted(ref for ref, count in counts.items() if count == 0) == ["4.2", "4.6"]
    first, last = db.session.execute(select(func.min(ProgressUpdate.as_at), func.max(ProgressUpdate.as_at))
                                     .join(Action).where(Action.plan_id == plan.id)).one()
    assert plan.approved_on < first and last < today
    assert today - timedelta(days=45) <= last


def test_the_closed_plan_is_last_years_and_no_closed_or_carried_forward_action_shows_in_my_actions(demo):
    closed = db.session.scalar(select(Plan).where(Plan.status == "closed"))
    assert int(closed.year[:4]) == int(demo["year"][:4]) - 1
    owners = db.session.scalars(select(User).where(User.active.is_(True))).all()
    listed = [row for user in owners for group in vars(my_actions(user, demo["today"])).values() for row in group]
    assert listed, "the demo's owners have actions"
    assert {row.plan_year for row in listed} == {demo["year"]}
    assert all(row.status != "CARRIED FORWARD" for row in listed)


def test_each_forum_has_members(demo):
    forums = db.session.scalars(select(Forum)).all()
    assert len(forums) == 5
    assert all(forum.members for forum in forums), [forum.name for forum in forums if not forum.members]
    council = next(forum for forum in forums if forum.name == "Inclusion Council")
    assert "council.member@example.org" in {member.email for member in council.members}


def test_the_inclusion_council_has_past_meetings_with_reviews_and_an_upcoming_meeting_with_its_agenda(demo, client):
    council = db.session.scalar(select(Forum).where(Forum.name == "Inclusion Council"))
    today = demo["today"]
    reviewed = db.session.execute(
        select(Meeting.held_on, func.count(ForumReview.id), func.min(ForumReview.created_at))
        .join(ForumReview, ForumReview.meeting_id == Meeting.id)
        .where(Meeting.forum_id == council.id).group_by(Meeting.held_on)).all()
    assert reviewed and all(held_on < today and count >= 1 for held_on, count, _ in reviewed)
    assert all(recorded.date() == held_on for held_on, _, recorded in reviewed)
    assert "noted" in set(db.session.scalars(select(ForumReview.decision)))
    upcoming = [m for m in council.meetings if today <= m.held_on <= today + timedelta(days=10)]
    assert len(upcoming) == 1
    meeting = upcoming[0]
    assert db.session.get(MeetingAgenda, meeting.id) is not None
    items = db.session.scalar(select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    assert items >= 3
    page = _signed_in(client, "council.member@example.org").get(
        f"/forums/{council.id}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Owners' ratings are taken again each morning until the meeting day." in page
    shown = min(items, AGENDA_PAGE_SIZE)
    assert page.count("Not reviewed yet") == shown
    if items > shown:
        assert f"Items 1 to {shown} of {items}" in page


def test_the_indicators_table_has_the_published_figures_of_at_least_three_years(demo, client):
    table = indicator_table()
    entered = [column.year for column in table.years if column.source == ENTERED]
    assert {2018, 2021, 2022, 2023, 2024} <= set(entered)
    values = {line.number: line for line in table.lines if line.measure == "value"}
    assert [round(values[2].value(year), 2) for year in (2022, 2023, 2024)] == [1.27, 1.14, 1.21]
    page = _signed_in(client, "board.member@example.org").get("/indicators/").get_data(as_text=True)
    assert "11.11%" in page and "21.43%" in page


def test_every_active_user_has_an_example_org_email_and_the_digest_flags_only_a_handful(demo, runner):
    active = db.session.scalars(select(User).where(User.active.is_(True))).all()
    assert len(active) >= 20
    assert all(user.email and user.email.endswith("@example.org") for user in active)
    result = runner.invoke(args=["reminders", "run", "--dry-run", "--today", demo["today"].isoformat()])
    assert result.exit_code == 0, result.output
    digest = re.search(r"weekly digest: .*?(\d+) cannot be reminded", result.output)
    assert digest, result.output
    assert int(digest.group(1)) <= 5
    reminded = set(re.findall(r"^Would queue for .*<(\S+@example\.org)>:", result.output, re.MULTILINE))
    assert len(reminded) >= 10
