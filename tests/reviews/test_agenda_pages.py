"""A long agenda is shown and reviewed a page at a time, read in the same number of queries whatever its length."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.reviews.helpers import item_of, refs_on_agenda, text
from tests.support import counting_queries
from tracker.extensions import db
from tracker.reviews import agenda_rules as rules
from tracker.reviews.models import AgendaItem, ForumReview


@pytest.fixture
def long_agenda(world, council_action, build):
    """120 actions rated Red on the 12 November agenda (1.1 to 1.120, in that order)."""
    actions = [council_action(f"1.{n}", rag="red") for n in range(1, 121)]
    build(world.meeting)
    return actions


def _rows_shown(html: str) -> int:
    return len(re.findall(r'class="nhsuk-card app-agenda-item"', html))


def test_a_long_agenda_shows_one_page_of_items_and_counts_the_whole(client, sign_in, world, long_agenda):
    html = sign_in(world.reviewer).get(world.agenda_url()).get_data(as_text=True)

    assert _rows_shown(html) == 25
    assert refs_on_agenda(html) == [f"1.{n}" for n in range(1, 26)]
    page = text(html)
    assert "120 actions, each under the first reason it is here. The forum has reviewed 0 of them." in page
    assert "Items 1 to 25 of 120 (page 1 of 5)." in page
    assert "Rated Red by their owners (120)" in page
    assert 'href="/forums/' in page and "?page=2#agenda" in page


def test_page_three_shows_its_items_under_the_continued_section(client, sign_in, world, long_agenda):
    html = sign_in(world.reviewer).get(world.agenda_url() + "?page=3").get_data(as_text=True)

    assert refs_on_agenda(html) == [f"1.{n}" for n in range(51, 76)]
    assert "Items 51 to 75 of 120 (page 3 of 5)." in text(html)
    assert "(120, continued)" in text(html)


def test_a_page_past_the_end_shows_the_last_page(client, sign_in, world, long_agenda):
    response = sign_in(world.reviewer).get(world.agenda_url() + "?page=99")

    assert response.status_code == 200
    assert refs_on_agenda(response.get_data(as_text=True)) == [f"1.{n}" for n in range(101, 121)]
    assert "Items 101 to 120 of 120 (page 5 of 5)." in text(response.get_data(as_text=True))


def test_the_agenda_page_reads_in_the_same_number_of_queries_for_5_and_120_items(client, sign_in, world,
                                                                                 council_action, build, make_plan):
    from tracker.governance.service import add_meeting

    sign_in(world.admin)
    short = world.meeting
    for n in range(1, 6):
        council_action(f"2.{n}", rag="amber")
    build(short)
    client.get(world.agenda_url(short))
    with counting_queries() as few:
        assert client.get(world.agenda_url(short)).status_code == 200

    other = add_meeting(world.council, world.next.held_on.replace(day=28), None)
    db.session.commit()
    for n in range(1, 116):
        council_action(f"3.{n}", rag="red")
    build(other)
    client.get(world.agenda_url(other))
    with counting_queries() as many:
        html = client.get(world.agenda_url(other)).get_data(as_text=True)
    assert "Items 1 to 25 of 120" in text(html)
    assert many[0] == few[0]


def test_the_review_page_records_the_rows_of_its_page_and_leaves_the_rest(client, sign_in, world, long_agenda):
    sign_in(world.reviewer)
    url = world.agenda_url() + "/reviews?page=2"
    html = client.get(url).get_data(as_text=True)
    seen = dict(re.findall(r'<input id="(item-\d+-seen)" name="[^"]+" type="hidden" value="(\d+)">', html))
    assert len(seen) == 25
    on_page = item_of(world.meeting, long_agenda[30])
    elsewhere = item_of(world.meeting, long_agenda[0])
    assert f"item-{on_page.id}-seen" in seen and f"item-{elsewhere.id}-seen" not in seen
    data = {**seen, f"item-{on_page.id}-reviewed_rag": "red", f"item-{on_page.id}-decision": "noted"}

    response = client.post(url, data=data, follow_redirects=True)

    assert "1 review recorded." in response.get_data(as_text=True)
    reviews = db.session.scalars(select(ForumReview)).all()
    assert [(r.action.ref, r.reviewed_rag, r.decision) for r in reviews] == [("1.31", "red", "noted")]


def test_a_row_posted_for_another_meetings_item_is_not_recorded(client, sign_in, world, long_agenda, council_action,
                                                                 build):
    council_action("9.1", rag="red")
    build(world.next)
    foreign = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == world.next.id))
    mine = item_of(world.meeting, long_agenda[0])
    sign_in(world.reviewer)
    url = world.agenda_url() + "/reviews"
    client.get(url)

    client.post(url, data={f"item-{mine.id}-seen": "0", f"item-{mine.id}-reviewed_rag": "red",
                           f"item-{mine.id}-decision": "noted", f"item-{foreign.id}-seen": "0",
                           f"item-{foreign.id}-reviewed_rag": "red", f"item-{foreign.id}-decision": "noted"})

    assert [r.action_id for r in db.session.scalars(select(ForumReview))] == [mine.action_id]


@pytest.mark.parametrize("reasons", [
    ["overdue", "red"], ["amber", "due_before_next_meeting"], ["escalated"], ["escalated", "red"],
    ["due_within_60_days", "updated_since_last_meeting"], ["updated_within_60_days"], ["added"], [],
    ["added", "updated_since_last_meeting"],
])
def test_an_item_keeps_the_section_the_rules_put_it_in(app, world, council_action, reasons):
    action = council_action("4.1")
    item = AgendaItem(meeting_id=world.meeting.id, action_id=action.id, reasons=reasons)
    db.session.add(item)
    db.session.commit()
    db.session.expire_all()

    stored = db.session.scalar(select(AgendaItem.section).where(AgendaItem.id == item.id))

    assert rules.SECTIONS[stored] == rules.group_of(reasons)


def test_an_items_section_follows_its_reasons_when_they_change(app, world, council_action):
    item = AgendaItem(meeting_id=world.meeting.id, action_id=council_action("4.1").id, reasons=["added"])
    db.session.add(item)
    db.session.commit()

    item.reasons = ["updated_since_last_meeting", "added"]
    db.session.commit()
    assert db.session.scalar(select(AgendaItem.section).where(AgendaItem.id == item.id)) == \
        rules.SECTIONS.index("updated_since_last_meeting")

    item.reasons = ["escalated", "updated_since_last_meeting"]
    db.session.commit()
    assert db.session.scalar(select(AgendaItem.section).where(AgendaItem.id == item.id)) == \
        rules.SECTIONS.index("escalated")


def test_the_page_shows_an_item_under_the_section_its_changed_reasons_give(client, sign_in, world, council_action):
    """Reasons merged into an item already on the agenda move it: the page shows it in its new section."""
    item = AgendaItem(meeting_id=world.meeting.id, action_id=council_action("4.1").id, reasons=["added"])
    db.session.add(item)
    db.session.commit()
    item.reasons = rules.ordered_reasons(item.reasons + ["escalated"])
    db.session.commit()

    html = sign_in(world.reviewer).get(world.agenda_url()).get_data(as_text=True)

    assert 'id="section-escalated"' in html and 'id="section-added"' not in html
    assert html.index('id="section-escalated"') < html.index(f'id="item-{item.id}"')
