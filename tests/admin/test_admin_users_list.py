"""The users list: columns, filters, sorting and paging."""
import pytest

from tests.admin.helpers import add_users, user_rows


def test_users_list_shows_each_user_with_the_actions_they_own(admin_client, admin, make_user, make_plan, make_action):
    owner = make_user("owner", name="laura Reynolds", email="Laura.Reynolds@example.org",
                      job_title="Director of People")
    named = make_user("owner", name="Bob Ng", email=None)
    former = make_user("reviewer", name="Carol Hughes", job_title="Network chair", active=False)
    plan = make_plan()
    make_action(plan, "1.1", owners=[owner, named])
    make_action(plan, "1.2", owners=[owner])
    response = admin_client.get("/admin/users")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert user_rows(page) == [
        ["Bob Ng", "", "No email (cannot sign in)", "Owner", "Active", "1"],
        ["Carol Hughes", "Network chair", former.email, "Reviewer", "Inactive", "0"],
        ["laura Reynolds", "Director of People", "laura.reynolds@example.org", "Owner", "Active", "2"],
        ["Zara Ahmed", "EDI Lead", "zara.ahmed@example.org", "Admin", "Active", "0"],
    ]
    assert "<h1>Users</h1>" in page and "4 users." in page
    assert f'href="/admin/users/{named.id}"' in page
    assert 'aria-label="Admin pages"' in page and 'href="/admin/settings"' in page
    assert "Users, sorted by name</caption>" in page


@pytest.mark.parametrize("query, expected", [
    ({"role": "reviewer"}, ["Carol Hughes", "Dev Patel"]),
    ({"status": "inactive"}, ["Carol Hughes", "Eve Owen"]),
    ({"status": "active"}, ["Dev Patel", "Zara Ahmed"]),
    ({"role": "owner", "status": "inactive"}, ["Eve Owen"]),
    ({"role": "admin"}, ["Zara Ahmed"]),
    ({"role": "nonsense", "status": "whatever"}, ["Carol Hughes", "Dev Patel", "Eve Owen", "Zara Ahmed"]),
])
def test_users_list_filters_by_role_and_status(admin_client, make_user, query, expected):
    make_user("reviewer", name="Dev Patel")
    make_user("reviewer", name="Carol Hughes", active=False)
    make_user("owner", name="Eve Owen", active=False)
    response = admin_client.get("/admin/users", query_string=query)
    assert response.status_code == 200
    assert [row[0] for row in user_rows(response.get_data(as_text=True))] == expected


def test_users_list_says_when_no_user_matches(admin_client):
    page = admin_client.get("/admin/users?role=viewer").get_data(as_text=True)
    assert "No users match these filters." in page and "0 users." in page


def test_users_list_pages_at_100_keeping_the_filters(admin_client):
    add_users(250)
    first = admin_client.get("/admin/users?role=owner").get_data(as_text=True)
    rows = user_rows(first)
    assert len(rows) == 100 and rows[0][0] == "Bulk 0000" and rows[-1][0] == "Bulk 0099"
    assert "250 users, showing 1 to 100." in first
    assert "(page 1 of 3)</caption>" in first
    assert 'class="nhsuk-pagination nhsuk-pagination--numbered"' in first
    assert 'href="/admin/users?page=2&amp;role=owner" class="nhsuk-pagination__next"' in first
    last = admin_client.get("/admin/users?role=owner&page=3").get_data(as_text=True)
    assert [row[0] for row in user_rows(last)] == [f"Bulk {n:04d}" for n in range(200, 250)]
    assert "250 users, showing 201 to 250." in last
    assert 'href="/admin/users?page=2&amp;role=owner" class="nhsuk-pagination__previous"' in last
    assert 'aria-current="page"' in last and "nhsuk-pagination__next" not in last


def test_a_page_past_the_end_is_not_found(admin_client):
    add_users(5)
    assert admin_client.get("/admin/users?page=2").status_code == 404
    assert admin_client.get("/admin/users?page=abc").status_code == 200
