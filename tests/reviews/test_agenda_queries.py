"""The agenda page sends the same number of SQL statements for 5 and for 100 actions on the agenda."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.reviews.conftest import MEETING
from tests.support import counting_queries, generic_and_custom_plans
from tracker import clock
from tracker.extensions import db
from tracker.reviews.models import AgendaItem, ForumReview
from tracker.reviews.queries import agenda_page


def _grow(world, council_action, post_update, make_user, start: int, stop: int) -> None:
    for n in range(start, stop):
        action = council_action(f"1.{n}", rag="red", owners=[world.owner, make_user("owner", name=f"Co Owner {n}")])
        post_update(action, date(2024, 10, 20), f"Update on action {n}", rag="red")


def _queries(client, world) -> tuple[int, int]:
    client.get(world.agenda_url())
    with counting_queries() as page:
        response = client.get(world.agenda_url())
    assert response.status_code == 200
    with counting_queries() as pack:
        assert client.get(world.agenda_url() + "/pack.docx").status_code == 200
    return page[0], pack[0]


def _review_every_item(client, world) -> None:
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == world.meeting.id)).all()
    for item in items:
        if db.session.scalar(select(func.count()).select_from(ForumReview).where(
                ForumReview.action_id == item.action_id)) == 0:
            client.post(f"{world.agenda_url()}/items/{item.id}/review",
                        data={"reviewed_rag": "amber", "decision": "noted", "comment": "Seen"})


def test_the_agenda_page_and_pack_cost_the_same_queries_for_5_and_100_actions(client, sign_in, world,
                                                                               council_action, post_update,
                                                                               make_user, fixed_today, build):
    _grow(world, council_action, post_update, make_user, 1, 6)
    build(world.meeting)
    sign_in(world.admin)
    fixed_today(MEETING)
    _review_every_item(client, world)
    small = _queries(client, world)
    fixed_today(date(2024, 11, 1))
    _grow(world, council_action, post_update, make_user, 6, 101)
    client.post(world.agenda_url() + "/refresh")
    fixed_today(MEETING)
    _review_every_item(client, world)

    large = _queries(client, world)

    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 100
    assert small[0] > 0 and db.session.scalar(select(func.count()).select_from(AgendaItem).where(
        AgendaItem.rated_at.is_(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(ForumReview)) == 100
    assert large == small, f"queries (page, pack) for 5 actions {small}, for 100 actions {large}"


def test_the_agenda_page_reads_in_six_statements_and_its_review_page_in_six(sign_in, world, council_action,
                                                                            post_update, make_user, build):
    """The signed-in session; the forum with its meetings and the meeting's agenda record; the sections'
    sizes with the number reviewed; the page's items with their actions, owners and latest updates; their
    reviews; the organisation's settings. The EDI lead's page also lists the plans an action may be added
    from. On PostgreSQL two more set how the items are planned and set it back."""
    _grow(world, council_action, post_update, make_user, 1, 6)
    build(world.meeting)
    counts = {}
    for person, page in ((world.reviewer, ""), (world.admin, ""), (world.reviewer, "/reviews")):
        browser = sign_in(person)
        url, role = world.agenda_url() + page, person.role
        browser.get(url)
        with counting_queries() as statements:
            html = browser.get(url).get_data(as_text=True)
        assert "Action 1.5" in html and "Update on action 5" in html and "Co Owner 5" in html
        counts[role, page] = statements[0]
        assert browser.post("/sign-out").status_code == 302

    around_items = 2 if db.engine.dialect.name == "postgresql" else 0
    assert counts == {("reviewer", ""): 6 + around_items, ("admin", ""): 7 + around_items,
                      ("reviewer", "/reviews"): 6 + around_items}


def test_postgresql_plans_the_items_once_for_any_values(world, council_action, post_update, make_user, build):
    """The statement reading a page of the agenda's items is planned once a connection (psycopg prepares it at
    its fifth run), not for each request's values: planning it cost more than running it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements' plans are PostgreSQL's (run with TEST_DATABASE_URL)")
    _grow(world, council_action, post_update, make_user, 1, 31)
    build(world.meeting)
    first = agenda_page(world.meeting, clock.today())
    pages = [agenda_page(world.meeting, clock.today(), number) for number in (2, 1, 2, 1, 2, 1, 2)]
    assert [row.ref for row in pages[1].rows] == [row.ref for row in first.rows] and len(first.rows) == 25
    assert len(pages[0].rows) == 5 and not {row.ref for row in pages[0].rows} & {row.ref for row in first.rows}
    plans = generic_and_custom_plans("SELECT agenda_items.id, agenda_items.action_id")
    assert plans and all(generic >= 1 and custom == 0 for generic, custom in plans), plans
