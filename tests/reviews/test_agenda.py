"""A meeting's agenda: built by the daily run when the update requests go out (or by hand for a meeting
that never had one), with each owner's rating kept, refreshed until the meeting, kept afterwards."""
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
from tracker.reminders.service import run_reminders
from tracker.reviews.models import AgendaItem, MeetingAgenda

BUILD_DAY = date(2024, 11, 2)  # the 12 November meeting's update requests go out 10 days before


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
    post_update(actions["1.5"], date(2024, 10, 20), "Panels trained. " + "Every panel has a trained member. " * 20)
    post_update(actions["1.6"], date(2024, 10, 7), "Old news")
    closed = make_plan(year="2023-24", status=PlanStatus.CLOSED.value)
    make_action(closed, "9.9", rag="red", forums=[world.council], text="Closed plan action")
    return actions


def _daily_run(day: date):
    report = run_reminders(day, send=False)
    db.session.commit()
    return report


def test_the_daily_run_builds_the_agenda_when_the_update_requests_go_out(client, sign_in, world, agenda_world,
                                                                         fixed_today):
    assert _daily_run(TODAY).agendas_built == []
    assert db.session.get(MeetingAgenda, world.meeting.id) is None
    page = text(sign_in(world.viewer).get(world.agenda_url()).get_data(as_text=True))
    assert "This agenda is built on 2 November 2024, when the update requests for the meeting go out" in page
    assert db.session.get(MeetingAgenda, world.meeting.id) is None, "opening the page builds nothing"

    fixed_today(BUILD_DAY)
    assert _daily_run(BUILD_DAY).agendas_built == ["Inclusion Council on 12 November 2024"]

    assert stored(world.meeting) == {
        "1.1": ["overdue"], "1.2": ["red"], "1.3": ["amber"], "1.4": ["due_before_next_meeting"],
        "1.5": ["updated_since_last_meeting"],
    }
    html = client.get(world.agenda_url()).get_data(as_text=True)
    assert refs_on_agenda(html) == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    page = text(html)
    assert "<h1>Meeting on 12 November 2024: agenda</h1>" in page
    assert "5 actions, each under the first reason it is here." in page
    assert "Previous meeting: 8 October 2024. Next meeting: 14 January 2025." in page
    for heading in ("Overdue (1)", "Rated Red by their owners (1)", "Rated Amber by their owners (1)",
                    "Due before the next meeting (1)", "Updated since the last meeting (1)"):
        assert f'">{heading.split(" (")[0]} <span class="nhsuk-u-secondary-text-colour">({heading[-2]})</span>' in page
    for absent in ("Updated before the last meeting", "Not reported to the council", "Due on the next meeting day",
                   "Achieved", "Cancelled red", "Closed plan action"):
        assert absent not in page, absent
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "agenda built"))
    assert event.subject_type == "meeting" and event.subject_id == world.meeting.id
    assert event.changes == {"actions": [None, 5]} and event.actor_id is None
    assert _daily_run(BUILD_DAY).agendas_built == [], "built once"


def test_each_item_shows_its_reasons_owner_rating_and_a_long_update_folded(client, sign_in, world, agenda_world,
                                                                           build):
    build(world.meeting)
    html = sign_in(world.viewer).get(world.agenda_url()).get_data(as_text=True)

    updated = row(html, item_of(world.meeting, agenda_world["1.5"]).id)
    assert "<dt>Why it is here</dt><dd>Updated since the last meeting</dd>" in updated
    assert "<strong>20 October 2024</strong>" in updated
    assert "Panels trained. Every panel has a trained member." in updated
    assert "Read the rest of the update<span class=\"nhsuk-u-visually-hidden\"> on action 1.5</span>" in updated
    assert "Ola Owner" in updated and "31/03/2025" in updated and "Not reviewed yet" in updated
    assert tags(updated)[0] == ("green", "Green") and "rated as at 20 October 2024" in updated
    assert "Owners' status and RAG as they stood on 1 November 2024." in text(html)
    assert "as it stood on" not in updated, "only an item read on another day says when"


def test_owner_ratings_are_taken_again_by_the_daily_run_until_the_meeting_then_kept(client, sign_in, world,
                                                                                   agenda_world, build, fixed_today,
                                                                                   post_update):
    build(world.meeting)
    item = item_of(world.meeting, agenda_world["1.3"])
    assert (item.owner_rag, item.owner_status) == ("amber", None)
    post_update(agenda_world["1.3"], date(2024, 11, 5), "Panels back on track", rag="green")
    assert item_of(world.meeting, agenda_world["1.3"]).owner_rag == "amber", "kept until taken again"

    fixed_today(date(2024, 11, 6))
    _daily_run(date(2024, 11, 6))
    item = item_of(world.meeting, agenda_world["1.3"])
    assert (item.owner_rag, item.owner_status, item.owner_rag_as_at) == ("green", "PROGRESS MADE", date(2024, 11, 5))

    fixed_today(date(2024, 11, 13))
    post_update(agenda_world["1.3"], date(2024, 11, 13), "Slipped after the meeting", rag="red")
    _daily_run(date(2024, 11, 13))
    assert item_of(world.meeting, agenda_world["1.3"]).owner_rag == "green", "after the meeting it stays"
    html = sign_in(world.viewer).get(world.agenda_url()).get_data(as_text=True)
    cells = row(html, item.id)
    assert tags(cells)[0] == ("green", "Green") and "Slipped after the meeting" not in cells
    assert "Owners' status and RAG as they stood on 6 November 2024." in text(html)


def test_refresh_adds_what_became_due_and_takes_nothing_off(client, sign_in, world, agenda_world, build,
                                                           post_update):
    build(world.meeting)
    sign_in(world.admin)
    post_update(agenda_world["1.6"], date(2024, 10, 30), "Slipping", rag="red")
    add_meeting(world.council, date(2024, 12, 10), None)
    db.session.commit()

    response = client.post(world.agenda_url() + "/refresh", follow_redirects=True)

    page = text(response.get_data(as_text=True))
    assert "Agenda refreshed: 1 added, 6 on the agenda. Owners&#39; ratings were taken again." in page
    assert stored(world.meeting)["1.6"] == ["red", "updated_since_last_meeting"]
    assert stored(world.meeting)["1.4"] == ["due_before_next_meeting"], "no longer due before the next meeting, kept"
    assert refs_on_agenda(response.get_data(as_text=True)) == ["1.1", "1.2", "1.6", "1.3", "1.4", "1.5"]
    assert db.session.get(MeetingAgenda, world.meeting.id).refreshed_at is not None


def test_refresh_is_refused_after_the_meeting_and_the_agenda_is_kept(client, sign_in, world, agenda_world, build,
                                                                     fixed_today, post_update):
    build(world.meeting)
    sign_in(world.admin)
    fixed_today(date(2024, 11, 13))
    post_update(agenda_world["1.6"], date(2024, 11, 13), "Now red", rag="red")

    response = client.post(world.agenda_url() + "/refresh", follow_redirects=True)

    page = text(response.get_data(as_text=True))
    assert "The meeting on 12 November 2024 has taken place, so its agenda is kept as it was." in page
    assert "Refresh the agenda" not in page
    assert list(stored(world.meeting)) == ["1.1", "1.2", "1.3", "1.4", "1.5"]


def test_a_past_meeting_shows_the_update_posted_by_the_meeting_day(client, sign_in, world, agenda_world, build,
                                                                   fixed_today, post_update):
    build(world.meeting)
    fixed_today(date(2024, 11, 20))
    post_update(agenda_world["1.5"], date(2024, 11, 20), "After the meeting", rag="red")

    html = sign_in(world.viewer).get(world.agenda_url()).get_data(as_text=True)

    updated = row(html, item_of(world.meeting, agenda_world["1.5"]).id)
    assert "After the meeting" not in updated and "20 October 2024" in updated
    assert tags(updated)[0] == ("green", "Green")
    assert "The meeting has taken place, so its agenda is kept as it was." in text(html)


def test_a_past_meeting_that_never_had_an_agenda_is_built_as_the_actions_stood_that_day(
        client, sign_in, world, council_action, post_update, fixed_today):
    slipping = council_action("2.1", rag="green", text="Slipped in September", rag_as_at=date(2024, 9, 1))
    post_update(slipping, date(2024, 9, 20), "Behind plan", rag="red", status="DELAYED")
    post_update(slipping, date(2024, 10, 20), "Recovered", rag="green")
    council_action("2.2", rag="red", text="Red only after the meeting", rag_as_at=date(2024, 10, 25))

    html = sign_in(world.reviewer).get(world.agenda_url(world.previous)).get_data(as_text=True)
    assert "No agenda was built for this meeting." in text(html)
    assert "Build the agenda as the actions stood on 8 October 2024" in html

    response = client.post(world.agenda_url(world.previous) + "/build", follow_redirects=True)

    assert "Agenda built: 1 action on it." in text(response.get_data(as_text=True))
    assert stored(world.previous) == {"2.1": ["red", "updated_within_60_days"]}
    item = item_of(world.previous, slipping)
    assert (item.owner_rag, item.owner_status, item.owner_rag_as_at) == ("red", "DELAYED", date(2024, 9, 20))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "agenda built"))
    assert event.summary == ("Agenda of Inclusion Council on 8 October 2024 built as the actions stood on "
                             "8 October 2024: 1 action") and event.actor_id == world.reviewer.id
    again = client.post(world.agenda_url(world.previous) + "/build", follow_redirects=True)
    assert "The agenda of the meeting on 8 October 2024 is already built." in text(again.get_data(as_text=True))


def test_owners_and_viewers_cannot_build_an_agenda(client, sign_in, world, agenda_world):
    for person in (world.owner, world.viewer):
        assert sign_in(person).post(world.agenda_url(world.previous) + "/build").status_code == 403
    assert db.session.get(MeetingAgenda, world.previous.id) is None


def test_the_edi_lead_adds_and_removes_an_action(client, sign_in, world, agenda_world, build):
    build(world.meeting)
    sign_in(world.admin)

    response = client.post(world.agenda_url() + "/items", data={"plan": world.plan.id, "ref": " 1.6 "},
                           follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Action 1.6 added to the agenda." in html
    item = item_of(world.meeting, agenda_world["1.6"])
    assert item.reasons == ["added"] and item.added_by_id == world.admin.id and item.position == 6
    assert item.owner_rag == "green" and item.rated_at is not None
    assert "Added by the EDI lead" in row(html, item.id)
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
def test_adding_says_what_is_wrong(client, sign_in, world, agenda_world, build, form, message):
    build(world.meeting)
    sign_in(world.admin)
    before = stored(world.meeting)
    form = {key: str(world.plan.id) if value == "PLAN" else value for key, value in form.items()}

    response = client.post(world.agenda_url() + "/items", data=form)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and message in html and "<title>Error:" in html
    assert stored(world.meeting) == before


def test_only_added_actions_can_be_removed(client, sign_in, world, agenda_world, build):
    build(world.meeting)
    sign_in(world.admin)
    item = item_of(world.meeting, agenda_world["1.2"])

    response = client.post(f"{world.agenda_url()}/items/{item.id}/remove", follow_redirects=True)

    assert "Action 1.2 (2024-25) was not added by hand: the agenda rules put it here." in \
        response.get_data(as_text=True)
    assert db.session.get(AgendaItem, item.id) is not None


def test_removing_an_added_action_that_qualifies_anyway_keeps_it(client, sign_in, world, agenda_world, build,
                                                                 post_update):
    build(world.meeting)
    sign_in(world.admin)
    client.post(world.agenda_url() + "/items", data={"plan": world.plan.id, "ref": "1.6"})
    post_update(agenda_world["1.6"], date(2024, 10, 30), "Now red", rag="red")
    client.post(world.agenda_url() + "/refresh")
    item = item_of(world.meeting, agenda_world["1.6"])
    assert item.reasons == ["red", "updated_since_last_meeting", "added"]

    response = client.post(f"{world.agenda_url()}/items/{item.id}/remove", follow_redirects=True)

    assert ("Action 1.6 is no longer marked as added, but stays on the agenda "
            "(Rated Red by its owner; Updated since the last meeting).") in response.get_data(as_text=True)
    assert item_of(world.meeting, agenda_world["1.6"]).reasons == ["red", "updated_since_last_meeting"]


def test_unknown_ids_and_meetings_of_another_forum_are_not_found(client, sign_in, world, agenda_world, build):
    build(world.meeting)
    sign_in(world.admin)
    item = item_of(world.meeting, agenda_world["1.2"])
    other = f"/forums/{world.board.id}/meetings/{world.meeting.id}"
    urls = [other, other + "/pack.docx", other + f"/items/{item.id}/review", other + "/reviews",
            f"/forums/{world.council.id}/meetings/99999", f"/forums/99999/meetings/{world.meeting.id}",
            f"{world.agenda_url()}/items/99999/review",
            f"{world.agenda_url(world.next)}/items/{item.id}/review"]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in (other + "/refresh", other + "/items", other + f"/items/{item.id}/remove", other + "/build",
                other + f"/items/{item.id}/review", other + "/reviews", f"{world.agenda_url()}/items/99999/remove",
                f"{world.agenda_url(world.next)}/items/{item.id}/remove"):
        assert client.post(url, data={"plan": world.plan.id, "ref": "1.6"}).status_code == 404, url
    assert db.session.get(AgendaItem, item.id) is not None


def test_each_forum_page_links_to_its_meeting_agendas(client, sign_in, world):
    html = sign_in(world.owner).get(f"/forums/{world.council.id}").get_data(as_text=True)
    for meeting in (world.previous, world.meeting, world.next):
        assert f'<a href="/forums/{world.council.id}/meetings/{meeting.id}">Agenda' in html


def test_the_build_day_is_the_day_for_the_overdue_rule(client, sign_in, world, council_action, build):
    """An action due between the build day and the meeting is due before the next meeting, not overdue."""
    council_action("3.1", by_when="05/11/2024")
    assert TODAY < date(2024, 11, 5) < MEETING and PREVIOUS < TODAY
    build(world.meeting)
    assert stored(world.meeting) == {"3.1": ["due_before_next_meeting"]}
