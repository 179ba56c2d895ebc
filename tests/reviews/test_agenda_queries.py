"""The agenda page sends the same number of SQL statements for 5 and for 100 actions on the agenda."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.reviews.conftest import MEETING
from tests.support import counting_queries
from tracker.extensions import db
from tracker.reviews.models import AgendaItem, ForumReview


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
    from."""
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

    assert counts == {("reviewer", ""): 6, ("admin", ""): 7, ("reviewer", "/reviews"): 6}
