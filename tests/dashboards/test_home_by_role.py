"""The home page by role: owners land on My actions, everyone else on how the current plan is doing."""
from datetime import datetime

import pytest

from tracker.extensions import db
from tracker.plans.models import Plan


def _plan(make_plan, year: str, status: str = "approved", archived: bool = False) -> Plan:
    plan = make_plan(year=year)
    plan.status = status
    if archived:
        plan.archived_at = datetime(2026, 1, 1)
    db.session.commit()
    return plan


@pytest.mark.parametrize("role", ["admin", "reviewer", "viewer"])
def test_admins_reviewers_and_viewers_land_on_the_current_plans_overview(client, sign_in, make_user, make_plan, role):
    _plan(make_plan, "2023-24", status="closed")
    current = _plan(make_plan, "2024-25")
    sign_in(make_user(role))
    response = client.get("/")
    assert response.status_code == 302 and response.location == f"/plans/{current.id}/overview"
    page = client.get(response.location).get_data(as_text=True)
    assert "2024-25" in page and "You do not own or support any actions" not in page


def test_next_years_draft_beside_the_approved_plan_does_not_change_the_landing(client, sign_in, make_user, make_plan):
    current = _plan(make_plan, "2024-25")
    _plan(make_plan, "2025-26", status="draft")
    sign_in(make_user("reviewer"))
    assert client.get("/").location == f"/plans/{current.id}/overview"


def test_with_several_current_plans_or_none_the_home_page_is_the_plans_list(client, sign_in, make_user, make_plan):
    sign_in(make_user("viewer"))
    assert client.get("/").location == "/plans/"
    _plan(make_plan, "2024-25")
    _plan(make_plan, "2025-26")
    assert client.get("/").location == "/plans/"


def test_archived_plans_are_not_a_landing(client, sign_in, make_user, make_plan):
    _plan(make_plan, "2023-24", archived=True)
    sign_in(make_user("admin"))
    assert client.get("/").location == "/plans/"


def test_owners_land_on_my_actions_with_the_overview_one_click_away(client, sign_in, make_user, make_plan, make_action):
    owner = make_user("owner", name="Dawn Ainsworth")
    plan = _plan(make_plan, "2024-25")
    make_action(plan, "1.1", owners=[owner], text="Reverse mentoring")
    sign_in(owner)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>My actions</h1>" in page and "Reverse mentoring" in page
    assert f'href="/plans/{plan.id}/overview">{plan.label} overview</a>' in page


def test_my_actions_has_its_own_address_for_every_role_and_the_header_links_to_it(client, sign_in, make_user, make_plan):
    _plan(make_plan, "2024-25")
    sign_in(make_user("reviewer"))
    page = client.get("/my-actions").get_data(as_text=True)
    assert "<h1>My actions</h1>" in page and 'href="/my-actions"' in page
