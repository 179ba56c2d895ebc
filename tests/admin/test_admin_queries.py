"""The users list runs a fixed number of SQL queries, however many users there are."""
from sqlalchemy import event

from tests.admin.helpers import add_users, user_rows
from tracker.extensions import db


def _queries_for(client, path: str) -> tuple[int, str]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get(path).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements), page


def _owning_users(make_plan, make_action, count: int):
    people = add_users(count, prefix=f"Group{count}")
    plan = make_plan(year=f"20{count % 90 + 10}-{count % 90 + 11}")
    make_action(plan, "1.1", owners=people)
    make_action(plan, "1.2", owners=people[::2])
    return people


def test_users_list_queries_do_not_grow_with_the_number_of_users(app, admin_client, make_plan, make_action):
    _owning_users(make_plan, make_action, 5)
    few, few_page = _queries_for(admin_client, "/admin/users")
    assert len(user_rows(few_page)) == 6
    assert user_rows(few_page)[0][5] == "2" and user_rows(few_page)[1][5] == "1"

    _owning_users(make_plan, make_action, 200)
    many, many_page = _queries_for(admin_client, "/admin/users")
    assert len(user_rows(many_page)) == 100
    assert many == few
    assert few <= 6
