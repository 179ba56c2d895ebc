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


@pytest.mark.parametrize("role", ["admin", "reviewer", "viewer"])
def test_with_a_wres_and_a_wdes_plan_current_for_the_same_year_the_home_page_lists_both_with_their_overviews(
        client, sign_in, make_user, make_plan, role):
    wres = _plan(make_plan, "2024-25")
    wdes = make_plan(year="2024-25", title="WDES Action Plan 2024-25", standard="wdes")
    wdes.status = "approved"
    db.session.commit()
    sign_in(make_user(role))
    assert client.get("/").location == "/plans/"
    page = client.get("/plans/").get_data(as_text=True)
    assert "Open a plan to see its actions, or its overview for its RAG counts and charts." in page
    for plan, label in ((wres, "WRES plan"), (wdes, "WDES plan")):
        assert f'>{plan.title}</a> <strong class="nhsuk-tag nhsuk-tag--white">{label}</strong>' in page
        assert (f'href="/plans/{plan.id}/overview">Overview<span class="nhsuk-u-visually-hidden"> of {plan.title}'
                '</span></a>') in page
    overview = client.get(f"/plans/{wdes.id}/overview").get_data(as_text=True)
    assert "<title>Overview of the 2024-25 WDES plan" in overview


def test_my_actions_links_each_current_plans_overview_when_there_are_several(client, sign_in, make_user, make_plan,
                                                                          make_action):
    owner = make_user("owner")
    wres = _plan(make_plan, "2024-25")
    wdes = make_plan(year="2024-25", title="WDES Action Plan 2024-25", standard="wdes")
    make_action(wres, "1.1", owners=[owner])
    sign_in(owner)
    page = client.get("/my-actions").get_data(as_text=True)
    assert "How each current plan is doing:" in page and "How the whole plan is doing" not in page
    assert f'href="/plans/{wres.id}/overview">{wres.label} overview</a>' in page
    assert f'href="/plans/{wdes.id}/overview">{wdes.label} overview</a>' in page
