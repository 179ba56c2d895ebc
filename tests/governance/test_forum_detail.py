"""A forum's page: summary, members, meetings and the open actions reported to it."""
import re
from datetime import date

import pytest

from tracker.demo.scale import add_actions
from tracker.extensions import db
from tracker.governance.service import add_meeting, add_member
from tracker.plans.models import PlanStatus


@pytest.fixture
def council(make_forum, make_user):
    board = make_forum("Trust Board")
    pcdc = make_forum("People and Culture Development Committee", short_name="PCDC", parent=board)
    council = make_forum("Inclusion Council", short_name="IC", parent=pcdc,
                         description="Reviews each action's status and RAG rating every two months.")
    add_member(council, make_user("reviewer", name="Ama Owusu", job_title="Chief People Officer"), None)
    add_member(council, make_user("owner", name="Ben Clarke"), None)
    add_meeting(council, date(2024, 10, 8), None, notes="Reviewed theme 1")
    add_meeting(council, date(2024, 12, 10), None)
    db.session.commit()
    return council


@pytest.mark.parametrize("role", ["admin", "reviewer", "owner", "viewer"])
def test_every_signed_in_role_reads_the_forum_page(client, make_user, sign_in, council, make_plan, make_action,
                                                    fixed_today, role):
    fixed_today(date(2024, 11, 1))
    owner = make_user("owner", name="Dawn Ainsworth")
    plan = make_plan(year="2024-25")
    mentoring = make_action(plan, "2.1", owners=[owner], by_when="March 2025", text="Reverse mentoring for the board",
                forums=[council], rag="amber")
    make_action(plan, "1.3", text="Inclusive recruitment toolkit", forums=[council], rag="green")
    make_action(plan, "1.4", text="Not reported to the council")
    old = make_plan(year="2023-24", status=PlanStatus.CLOSED.value)
    make_action(old, "9.9", text="Last year's closed plan action", forums=[council])

    response = sign_in(make_user(role)).get(f"/forums/{council.id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in ("<h1>Inclusion Council</h1>", ">IC<", "Reviews each action&#39;s status and RAG rating",
                 "People and Culture Development Committee", "Ama Owusu", "Chief People Officer",
                 "Reviewer (forum member)", "Ben Clarke", "Action owner",
                 "8 October 2024", "Reviewed theme 1", "10 December 2024",
                 "Reverse mentoring for the board", "Dawn Ainsworth", "March 2025", "Amber",
                 "Inclusive recruitment toolkit", "Green"):
        assert text in page, text
    assert page.index("Upcoming") < page.index("10 December 2024") < page.index("Past") < page.index("8 October 2024")
    assert "Not reported to the council" not in page and "Last year&#39;s closed plan action" not in page
    assert page.index(">1.3</a>") < page.index(">2.1</a>")
    assert f'<a href="/actions/{mentoring.id}">2.1</a>' in page
    assert ("Manage members" in page) is (role == "admin")


def test_parent_page_lists_the_forums_escalating_to_it(client, make_user, sign_in, council):
    pcdc = council.parent
    page = sign_in(make_user("viewer")).get(f"/forums/{pcdc.id}").get_data(as_text=True)
    assert "Escalated to it by" in page and "Inclusion Council" in page and "Trust Board" in page
    assert "No actions in open plans are reported to this forum." in page
    assert "No members yet." in page and "No meetings planned." in page


def test_unknown_forum_is_404(client, make_user, sign_in):
    response = sign_in(make_user("reviewer")).get("/forums/9999")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_busy_forum_lists_its_open_actions_50_to_a_page(client, make_user, sign_in, council, make_plan):
    people = [make_user("owner")]
    older, newer = make_plan(year="2024-25"), make_plan(year="2025-26")
    add_actions(older, 70, 0, people, [council], seed=7)
    add_actions(newer, 50, 0, people, [council], seed=8)
    db.session.commit()
    sign_in(make_user("reviewer"))
    url = f"/forums/{council.id}"
    first = client.get(url).get_data(as_text=True)
    assert "Showing actions 1 to 50 of 120." in first
    assert f'href="{url}?page=2#actions"' in first and f'href="{url}?page=all#actions"' in first
    assert first.count("(2025-26)") == 50 and "(2024-25)" not in first
    pages = [client.get(url, query_string={"page": n}).get_data(as_text=True) for n in (1, 2, 3)]
    every = client.get(url, query_string={"page": "all"}).get_data(as_text=True)
    shown = [re.findall(r'href="/actions/(\d+)"', page) for page in pages]
    assert [len(ids) for ids in shown] == [50, 50, 20]
    assert [i for ids in shown for i in ids] == re.findall(r'href="/actions/(\d+)"', every)
    assert "120 actions shown." in every


def test_every_page_of_a_forum_is_the_plain_reading_of_its_live_plans_in_order(app, council, make_plan, make_action):
    """Pages read each live plan's first actions from forum_links; put together they are exactly every
    reported action of the live plans, newest plan year first then by reference, two plans of the same
    year interleaving, closed and archived plans left out, whichever way a page is read."""
    from sqlalchemy import select

    from tracker.actions.models import Action
    from tracker.governance.queries import open_actions
    from tracker.plans.service import archive_plan

    wres, wdes = make_plan(year="2025-26", title="WRES"), make_plan(year="2025-26", title="WDES")
    older = make_plan(year="2024-25")
    closed = make_plan(year="2023-24", status=PlanStatus.CLOSED.value)
    archived = make_plan(year="2022-23")
    other = make_plan(year="2025-26", title="Not reported")
    for plan, refs in ((wres, ["1.1", "1.10", "2.3", "10.1", "3.2"]), (wdes, ["1.2", "2.1", "2.10", "4.4"]),
                       (older, ["1.1", "1.2", "1.3", "2.1", "5.5", "6.1"]), (closed, ["1.1"]), (archived, ["7.7"])):
        for ref in refs:
            make_action(plan, ref, forums=[council])
    make_action(other, "1.1")
    archive_plan(archived, None)
    moved = make_action(older, "9.9", forums=[council])
    moved.plan_id = wdes.id
    db.session.commit()
    live = (wres.id, wdes.id, older.id)
    plain = [action.id for action in db.session.scalars(
        select(Action).join(Action.plan).where(Action.plan_id.in_(live), Action.forums.contains(council)))]
    plain.sort(key=lambda id: (-int(db.session.get(Action, id).plan.year[:4]), db.session.get(Action, id).ref_order, id))
    assert len(plain) == 16
    for size in (1, 2, 3, 5, 7, 16, 50):
        pages = [open_actions(council, number, size) for number in range(1, -(-16 // size) + 1)]
        assert all(page.total == 16 for page in pages)
        assert [row.id for page in pages for row in page.actions] == plain, size
    assert [row.id for row in open_actions(council, 1, None).actions] == plain
    past_the_end = open_actions(council, 99, 5)
    assert past_the_end.number == 4 and [row.id for row in past_the_end.actions] == plain[15:]
