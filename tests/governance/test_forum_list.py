"""The forums list: what each row says, and that it costs the same queries for 3 or 30 forums."""
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from tracker.extensions import db
from tracker.governance.queries import list_forums
from tracker.governance.service import add_meeting, add_member
from tracker.plans.models import PlanStatus


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _row_cells(page: str, name: str) -> str:
    """The text of the table row that links to the forum called `name`."""
    start = page.index(f">{name}</a>")
    return page[start:page.index("</tr>", start)]


def test_list_shows_short_name_parent_members_next_meeting_open_actions_and_status(
        client, make_user, sign_in, make_forum, make_plan, make_action, fixed_today):
    fixed_today(date(2024, 11, 1))
    board = make_forum("Trust Board")
    pcdc = make_forum("People and Culture Development Committee", short_name="PCDC", parent=board)
    council = make_forum("Inclusion Council", parent=pcdc)
    make_forum("ICS People Board", active=False)
    for held_on in (date(2024, 10, 8), date(2024, 12, 10), date(2025, 2, 11), date(2024, 11, 1)):
        add_meeting(council, held_on, None)
    add_meeting(pcdc, date(2024, 9, 18), None)
    for name in ("Ama Owusu", "Ben Clarke"):
        add_member(council, make_user("reviewer", name=name), None)
    db.session.commit()
    open_plan = make_plan(year="2024-25")
    closed_plan = make_plan(year="2023-24", status=PlanStatus.CLOSED.value)
    make_action(open_plan, "1.1", forums=[council, pcdc])
    make_action(open_plan, "1.2", forums=[council])
    make_action(closed_plan, "1.1", forums=[council])

    response = sign_in(make_user("viewer")).get("/forums/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    council_row = _row_cells(page, "Inclusion Council")
    for cell in (">PCDC<", ">2<", "1 November 2024", ">2<", "Active"):
        assert cell in council_row
    pcdc_row = _row_cells(page, "People and Culture Development Committee")
    for cell in (">PCDC<", ">Trust Board<", ">0<", "None planned", ">1<", "Active"):
        assert cell in pcdc_row
    assert "Inactive" in _row_cells(page, "ICS People Board")
    assert "Add a forum" not in page
    rows = {row.forum.name: (row.members, row.next_meeting, row.open_actions) for row in list_forums(date(2024, 11, 1))}
    assert rows == {
        "Inclusion Council": (2, date(2024, 11, 1), 2),
        "People and Culture Development Committee": (0, None, 1),
        "Trust Board": (0, None, 0),
        "ICS People Board": (0, None, 0),
    }


def test_active_forums_come_first_then_by_name(make_forum):
    make_forum("Zeta Group")
    make_forum("Alpha Group", active=False)
    make_forum("Beta Group")
    assert [row.forum.name for row in list_forums(date(2024, 11, 1))] == ["Beta Group", "Zeta Group", "Alpha Group"]


def test_admin_sees_the_add_link(admin_client):
    page = admin_client.get("/forums/").get_data(as_text=True)
    assert 'href="/forums/new"' in page and "There are no forums yet." in page


def _add_forums(first: int, last: int, plan, make_forum, make_user, make_action) -> None:
    for n in range(first, last + 1):
        forum = make_forum(f"Forum {n:02d}", short_name=f"F{n}")
        add_member(forum, make_user("reviewer"), None)
        add_meeting(forum, date(2025, 1, n % 28 + 1), None)
        db.session.commit()
        make_action(plan, f"{n}.1", forums=[forum])


def _queries_for_list(client) -> tuple[int, str]:
    db.session.expire_all()
    with counting_queries() as statements:
        response = client.get("/forums/")
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_list_issues_the_same_number_of_queries_for_3_and_30_forums(
        client, make_user, sign_in, make_forum, make_plan, make_action, fixed_today):
    fixed_today(date(2024, 11, 1))
    sign_in(make_user("reviewer"))
    plan = make_plan()
    _add_forums(1, 3, plan, make_forum, make_user, make_action)
    few, page = _queries_for_list(client)
    assert page.count('href="/forums/') >= 3
    _add_forums(4, 30, plan, make_forum, make_user, make_action)
    many, page = _queries_for_list(client)
    assert "Forum 30" in page and "Forum 01" in page
    assert many == few
