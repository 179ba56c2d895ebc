"""A meeting's agenda: built from the rules when first opened, refreshed until the meeting, kept afterwards."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.reviews.conftest import MEETING, PREVIOUS, TODAY
from tests.reviews.helpers import item_of, refs_on_agenda, row, stored, tags, text
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.governance.service import add_meeting
from tracker.plans.models import PlanStatus
from tracker.reviews.models import AgendaItem, MeetingAgenda


@pytest.fixture
def agenda_world(world, council_action, post_update, make_plan, make_action):
    """One action per reason, and actions that must stay off the agenda."""
    actions = {
        "1.1": council_action("1.1", by_when="31/10/2024", text="Overdue toolkit"),
        "1.2": council_action("1.2", rag="red", text="Red mentoring"),
        "1.3": council_action("1.3", rag="amber", text="Amber panels"),
        "1.4": council_action("1.4", by_when="31/12/2024", text="Due before the next meeting"),
        "1.5": council_action("1.5", text="Updated since the last meeting"),
        "1.6": council_action("1.6", text="Updated before the last meeting"),
        "1.7": council_action("1.7", rag="red", forums=[], text="Not reported to the council"),
        "1.8": council_action("1.8", by_when="14/01/2025", text="Due on the next meeting day"),
        "1.9": council_action("1.9", by_when="31/10/2024", status="ACHIEVED", rag="blue", text="Achieved"),
        "1.10": council_action("1.10", rag="red", status="CANCELLED", cancelled_reason="Merged into 1.2",
                               text="Cancelled red"),
    }
    post_update(actions["1.5"], date(2024, 10, 20), "Panels trained " + "x" * 400)
    post_update(actions["1.6"], date(2024, 10, 7), "Old news")
    closed = make_plan(year="2023-24", status=PlanStatus.CLOSED.value)
    make_action(closed, "9.9", rag="red", forums=[world.council], text="Closed plan action")
    return actions


def test_first_opening_builds_the_agenda_with_each_reason(client, sign_in, world, agenda_world):
    response = sign_in(world.viewer).get(world.agenda_url())

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert stored(world.meeting) == {
        "1.1": ["overdue"], "1.2": ["red"], "1.3": ["amber"], "1.4": ["due_before_next_meeting"],
        "1.5": ["updated_since_last_meeting"],
    }
    assert refs_on_agenda(html) == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    page = text(html)
    assert "<h1>Meeting on 12 November 2024: agenda</h1>" in page
    assert "5 actions on the agenda of Inclusion Council on 12 November 2024" in page
    assert "Previous meeting: 8 October 2024. Next meeting: 14 January 2025." in page
    for absent in ("Updated before the last meeting", "Not reported to the council", "Due on the next meeting day",
                   "Achieved", "Cancelled red", "Closed plan action"):
        assert absent not in page, absent
    updated = row(html, item_of(world.meeting, agenda_world["1.5"]).id)
    assert "<li>Updated since the last meeting</li>" in updated
    assert "<strong>20 October 2024</strong><br><span class=\"app-pre-line\">Panels trained " + "x" * 285 + "…</span>" \
        in updated
    assert "Ola Owner" in updated and "31/03/2025" in updated and "Not reviewed yet" in updated
    assert tags(updated) == [("green", "Green")] and "as at 20 October 2024" in updated
    assert "<li>Overdue</li>" in row(html, item_of(world.meeting, agenda_world["1.1"]).id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "agenda built"))
    assert event.subject_type == "meeting" and event.subject_id == world.meeting.id
    assert event.changes == {"actions": [None, 5]} and event.actor_id == world.viewer.id


def test_the_stored_agenda_changes_only_when_the_admin_refreshes_it(client, sign_in, world, agenda_world,
                                                                    post_update):
    sign_in(world.admin)
    client.get(world.agenda_url())
    post_update(agenda_world["1.6"], date(2024, 10, 30), "Slipping", rag="red")
    assert "1.6" not in refs_on_agenda(client.get(world.agenda_url()).get_data(as_text=True))

    response = client.post(world.agenda_url() + "/refresh", follow_redirects=True)

    page = text(response.get_data(as_text=True))
    assert "Agenda refreshed: 1 added, 0 removed, 6 on the agenda." in page
    assert stored(world.meeting)["1.6"] == ["red", "updated_since_last_meeting"]
    assert refs_on_agenda(response.get_data(as_text=True)) == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]
    assert db.session.get(MeetingAgenda, world.meeting.id).refreshed_at is not None


def test_refresh_removes_actions_that_no_longer_qualify(client, sign_in, world, agenda_world):
    sign_in(world.admin)
    client.get(world.agenda_url())
    add_meeting(world.council, date(2024, 12, 10), None)
    db.session.commit()

    response = client.post(world.agenda_url() + "/refresh", follow_redirects=True)

    assert "Agenda refreshed: 0 added, 1 removed, 4 on the agenda." in text(response.get_data(as_text=True))
    assert "1.4" not in stored(world.meeting)


def test_refresh_is_refused_after_the_meeting_and_the_agenda_is_kept(client, sign_in, world, agenda_world,
                                                                     fixed_today, post_update):
    sign_in(world.admin)
    client.get(world.agenda_url())
    fixed_today(date(2024, 11, 13))
    post_update(agenda_world["1.6"], date(2024, 11, 13), "Now red", rag="red")

    response = client.post(world.agenda_url() + "/refresh", follow_redirects=True)

    page = text(response.get_data(as_text=True))
    assert "The meeting on 12 November 2024 has taken place, so its agenda is kept as it was." in page
    assert "Refresh the agenda" not in page
    assert list(stored(world.meeting)) == ["1.1", "1.2", "1.3", "1.4", "1.5"]


def test_a_past_meeting_shows_updates_and_rag_as_they_stood_on_the_meeting_day(client, sign_in, world,
                                                                               agenda_world, fixed_today,
                                                                               post_update):
    sign_in(world.viewer)
    client.get(world.agenda_url())
    fixed_today(date(2024, 11, 20))
    post_update(agenda_world["1.5"], date(2024, 11, 20), "After the meeting", rag="red")

    html = client.get(world.agenda_url()).get_data(as_text=True)

    updated = row(html, item_of(world.meeting, agenda_world["1.5"]).id)
    assert "After the meeting" not in updated and "20 October 2024" in updated
    assert tags(updated) == [("green", "Green")]
    assert "The meeting has taken place, so its agenda is kept as it was." in text(html)


def test_a_past_meeting_never_opened_gets_no_agenda(client, sign_in, world, agenda_world):
    html = sign_in(world.admin).get(world.agenda_url(world.previous)).get_data(as_text=True)

    assert "No agenda was built before this meeting took place" in text(html)
    assert "No actions are on this agenda." in html
    assert db.session.get(MeetingAgenda, world.previous.id) is None
    assert stored(world.previous) == {}


def test_the_edi_lead_adds_and_removes_an_action(client, sign_in, world, agenda_world):
    sign_in(world.admin)
    client.get(world.agenda_url())

    response = client.post(world.agenda_url() + "/items", data={"plan": world.plan.id, "ref": " 1.6 "},
                           follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Action 1.6 added to the agenda." in html
    item = item_of(world.meeting, agenda_world["1.6"])
    assert item.reasons == ["added"] and item.added_by_id == world.admin.id and item.position == 6
    assert "<li>Added by the EDI lead</li>" in row(html, item.id)
    assert "Remove<span class=\"nhsuk-u-visually-hidden\"> action 1.6 (2024-25) from the agenda</span>" in html

    response = client.post(f"{world.agenda_url()}/items/{item.id}/remove", follow_redirects=True)

    assert "Action 1.6 taken off the agenda." in response.get_data(as_text=True)
    assert "1.6" not in stored(world.meeting)


@pytest.mark.parametrize("form,message", [
    ({"plan": "0", "ref": "1.1"}, "Choose the plan the action is in"),
    ({"plan": "PLAN", "ref": ""}, "Enter the action&#39;s reference, for example 1.1"),
    ({"plan": "PLAN", "ref": "9.9"}, "The 2024-25 plan has no action 9.9"),
    ({"plan": "PLAN", "ref": "1.2"}, "Action 1.2 (2024-25) is already on this agenda"),
    ({"plan": "99999", "ref": "1.2"}, "Choose a plan from the list"),
], ids=["no plan", "no ref", "unknown ref", "already there", "unknown plan"])
def test_adding_says_what_is_wrong(client, sign_in, world, agenda_world, form, message):
    sign_in(world.admin)
    client.get(world.agenda_url())
    before = stored(world.meeting)
    form = {key: str(world.plan.id) if value == "PLAN" else value for key, value in form.items()}

    response = client.post(world.agenda_url() + "/items", data=form)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and message in html and "<title>Error:" in html
    assert stored(world.meeting) == before


def test_only_added_actions_can_be_removed(client, sign_in, world, agenda_world):
    sign_in(world.admin)
    client.get(world.agenda_url())
    item = item_of(world.meeting, agenda_world["1.2"])

    response = client.post(f"{world.agenda_url()}/items/{item.id}/remove", follow_redirects=True)

    assert "Action 1.2 (2024-25) was not added by hand: the agenda rules put it here." in \
        response.get_data(as_text=True)
    assert db.session.get(AgendaItem, item.id) is not None


def test_removing_an_added_action_that_qualifies_anyway_keeps_it(client, sign_in, world, agenda_world, post_update):
    sign_in(world.admin)
    client.get(world.agenda_url())
    client.post(world.agenda_url() + "/items", data={"plan": world.plan.id, "ref": "1.6"})
    post_update(agenda_world["1.6"], date(2024, 10, 30), "Now red", rag="red")
    client.post(world.agenda_url() + "/refresh")
    item = item_of(world.meeting, agenda_world["1.6"])
    assert item.reasons == ["red", "updated_since_last_meeting", "added"]

    response = client.post(f"{world.agenda_url()}/items/{item.id}/remove", follow_redirects=True)

    assert ("Action 1.6 is no longer marked as added, but stays on the agenda "
            "(Rated Red by its owner; Updated since the last meeting).") in response.get_data(as_text=True)
    assert item_of(world.meeting, agenda_world["1.6"]).reasons == ["red", "updated_since_last_meeting"]


def test_unknown_ids_and_meetings_of_another_forum_are_not_found(client, sign_in, world, agenda_world):
    sign_in(world.admin)
    client.get(world.agenda_url())
    item = item_of(world.meeting, agenda_world["1.2"])
    other = f"/forums/{world.board.id}/meetings/{world.meeting.id}"
    urls = [other, other + "/pack.docx", other + f"/items/{item.id}/review",
            f"/forums/{world.council.id}/meetings/99999", f"/forums/99999/meetings/{world.meeting.id}",
            f"{world.agenda_url()}/items/99999/review",
            f"{world.agenda_url(world.next)}/items/{item.id}/review"]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in (other + "/refresh", other + "/items", other + f"/items/{item.id}/remove",
                other + f"/items/{item.id}/review", f"{world.agenda_url()}/items/99999/remove",
                f"{world.agenda_url(world.next)}/items/{item.id}/remove"):
        assert client.post(url, data={"plan": world.plan.id, "ref": "1.6"}).status_code == 404, url
    assert db.session.get(AgendaItem, item.id) is not None


def test_each_forum_page_links_to_its_meeting_agendas(client, sign_in, world):
    html = sign_in(world.owner).get(f"/forums/{world.council.id}").get_data(as_text=True)
    for meeting in (world.previous, world.meeting, world.next):
        assert f'<a href="/forums/{world.council.id}/meetings/{meeting.id}">Agenda' in html


def test_today_is_the_build_day_for_the_overdue_rule(client, sign_in, world, council_action, fixed_today):
    """An action due between today and the meeting is due before the next meeting, not overdue, when built."""
    council_action("3.1", by_when="05/11/2024")
    assert TODAY < date(2024, 11, 5) < MEETING and PREVIOUS < TODAY
    sign_in(world.viewer).get(world.agenda_url())
    assert stored(world.meeting) == {"3.1": ["due_before_next_meeting"]}
