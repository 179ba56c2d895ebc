"""An archived plan is left out of every list of plans and open actions, and comes back when restored.

Each test looks at one place with the plan live, then archived (and sometimes restored), so it
fails if that place ignores the archive.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tracker.actions.service import UpdateData, post_update
from tracker.extensions import db
from tracker.governance.queries import list_forums
from tracker.governance.service import add_meeting, create_forum
from tracker.indicators.queries import linked_actions
from tracker.plans.service import archive_plan, restore_plan
from tracker.reminders.feed import feed_for
from tracker.reminders.queries import load_actions, load_people, load_updates
from tracker.reviews.agendas import build_agenda, refresh_agenda
from tracker.reviews.models import AgendaItem

TODAY = date(2024, 11, 1)


@dataclass
class World:
    admin: object
    owner: object
    council: object
    meeting: object
    kept_plan: object
    old_plan: object
    kept: object
    old: object

    def archive(self) -> None:
        archive_plan(self.old_plan, self.admin)
        db.session.commit()

    def restore(self) -> None:
        restore_plan(self.old_plan, self.admin)
        db.session.commit()


@pytest.fixture
def world(app, make_user, make_plan, make_action, fixed_today) -> World:
    """Two approved plans, each with an overdue action owned by Ola Owner, reported to the Inclusion
    Council and linked to indicator 2; the 2023-24 one is the plan that gets archived."""
    fixed_today(TODAY)
    admin, owner = make_user("admin", name="Lesley Faux"), make_user("owner", name="Ola Owner")
    council = create_forum("Inclusion Council", None)
    meeting = add_meeting(council, date(2024, 11, 12), None)
    db.session.commit()
    kept_plan = make_plan("2024-25", title="Inclusion and Belonging 2024-25", status="approved")
    old_plan = make_plan("2023-24", title="WRES Action Plan 2023-24", status="approved")
    common = {"owners": [owner], "forums": [council], "indicators": [2], "by_when": "31/10/2024"}
    kept = make_action(kept_plan, "1.1", text="Kept recruitment panels", **common)
    old = make_action(old_plan, "2.1", text="Archived reverse mentoring", **common)
    return World(admin, owner, council, meeting, kept_plan, old_plan, kept, old)


def _text(page: str) -> str:
    return " ".join(page.split())


def _titles_listed(page: str) -> list[str]:
    return re.findall(r'<a href="/plans/\d+">([^<]+)</a>', page)


def test_plans_list_hides_archived_plans_behind_show_archived(client, world, make_user, sign_in):
    sign_in(make_user("viewer"))
    page = client.get("/plans/").get_data(as_text=True)
    assert _titles_listed(page) == ["Inclusion and Belonging 2024-25", "WRES Action Plan 2023-24"]
    assert "Show archived plans" not in page
    world.archive()
    page = client.get("/plans/").get_data(as_text=True)
    assert _titles_listed(page) == ["Inclusion and Belonging 2024-25"]
    assert '<a href="/plans/?archived=1">Show archived plans (1)</a>' in page
    archived = _text(client.get("/plans/?archived=1").get_data(as_text=True))
    assert "<h1>Archived plans</h1>" in archived
    assert _titles_listed(archived) == ["WRES Action Plan 2023-24"]
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Archived</strong> on 1 November 2024' in archived
    world.restore()
    assert "No plans are archived." in client.get("/plans/?archived=1").get_data(as_text=True)


def test_my_actions_leave_out_archived_plans(client, world, sign_in):
    sign_in(world.owner)
    page = client.get("/my-actions").get_data(as_text=True)
    assert "Kept recruitment panels" in page and "Archived reverse mentoring" in page
    world.archive()
    page = client.get("/my-actions").get_data(as_text=True)
    assert "Kept recruitment panels" in page and "Archived reverse mentoring" not in page


def test_a_forums_open_actions_and_the_forums_list_count_leave_out_archived_plans(client, world, sign_in):
    sign_in(world.owner)
    assert [row.open_actions for row in list_forums(TODAY)] == [2]
    assert "Archived reverse mentoring" in client.get(f"/forums/{world.council.id}").get_data(as_text=True)
    world.archive()
    assert [row.open_actions for row in list_forums(TODAY)] == [1]
    page = client.get(f"/forums/{world.council.id}").get_data(as_text=True)
    assert "Kept recruitment panels" in page and "Archived reverse mentoring" not in page


def test_agendas_leave_out_archived_plans_actions(world):
    def on_agenda() -> list[int]:
        return list(db.session.scalars(select(AgendaItem.action_id).where(AgendaItem.meeting_id == world.meeting.id)
                                       .order_by(AgendaItem.action_id)))

    world.archive()
    build_agenda(world.meeting, TODAY, world.admin)
    db.session.commit()
    assert on_agenda() == [world.kept.id]
    world.restore()
    refresh_agenda(world.meeting, TODAY, world.admin)
    db.session.commit()
    assert on_agenda() == sorted([world.kept.id, world.old.id])


def test_reminders_and_the_digest_leave_out_archived_plans(world):
    post_update(world.old, UpdateData(status="DELAYED", rag="red", narrative="Mentors found late"), world.owner)
    db.session.commit()
    since = datetime(2024, 10, 1)
    assert {facts.id for facts in load_actions(load_people())} == {world.kept.id, world.old.id}
    assert [update.action_id for update in load_updates(since)] == [world.old.id]
    world.archive()
    assert [facts.id for facts in load_actions(load_people())] == [world.kept.id]
    assert load_updates(since) == []


def test_calendar_feeds_leave_out_archived_plans_deadlines(world):
    now = datetime(2024, 11, 1, 9)
    assert f"action-{world.old.id}@" in feed_for(world.owner, "https://wres.example.nhs.uk", now)
    world.archive()
    feed = feed_for(world.owner, "https://wres.example.nhs.uk", now)
    assert f"action-{world.kept.id}@" in feed and f"action-{world.old.id}@" not in feed


def test_word_documents_offer_no_archived_plan_except_the_plan_itself(client, world, make_user, sign_in):
    sign_in(make_user("reviewer"))

    def choices(plan) -> list[str]:
        page = client.get(f"/plans/{plan.id}/documents").get_data(as_text=True)
        select = page[page.index('name="pack-appendix1_plan"'):]
        return re.findall(r"<option[^>]*>([^<]+)</option>", select[:select.index("</select>")])

    assert choices(world.kept_plan) == ["2024-25: Inclusion and Belonging 2024-25 (approved)",
                                        "2023-24: WRES Action Plan 2023-24 (approved)"]
    world.archive()
    assert choices(world.kept_plan) == ["2024-25: Inclusion and Belonging 2024-25 (approved)"]
    assert choices(world.old_plan) == ["2024-25: Inclusion and Belonging 2024-25 (approved)",
                                       "2023-24: WRES Action Plan 2023-24 (approved)"]


def test_the_indicator_page_links_no_archived_plans_actions(client, world, sign_in):
    def linked_ids():
        return [item.action.id for group in linked_actions(2) for item in group.shown]

    assert linked_ids() == [world.kept.id, world.old.id]
    world.archive()
    assert linked_ids() == [world.kept.id]
    sign_in(world.owner)
    page = client.get("/indicators/2").get_data(as_text=True)
    assert f'href="/actions/{world.kept.id}"' in page and f'href="/actions/{world.old.id}"' not in page
