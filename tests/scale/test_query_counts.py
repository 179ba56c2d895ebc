"""SQL queries per page do not grow with the number of actions (10 → 1,000 actions, same count).

The pages are found in the URL map: every GET route that needs nothing but a plan_id (or a
forum_id, or an export format), so list pages added later are checked without editing this file.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.support import counting_queries
from tracker.actions.models import Action
from tracker.dashboards.queries import GROUP_KEYS, GROUP_LIMIT
from tracker.demo.scale import add_actions
from tracker.extensions import db
from tracker.governance.service import create_forum

#: Values for the arguments a list page may take.
ARGUMENTS = {"plan_id", "forum_id", "format"}
#: Not pages: files, the health check, and the home address (a redirect for all but owners; owners
#: see My actions there, checked as dashboards.my_actions_page).
NOT_PAGES = {"static", "nhsuk_assets", "dashboards.health", "dashboards.home"}
#: Pages whose query count still grows, and why. Strict: a page that stops growing must be removed.
#: (selectinload sends its IN list in chunks of 500 ids, so unbounded lists use subqueryload.)
KNOWN_GROWTH: dict[str, str] = {}
MUST_BE_CHECKED = {"dashboards.my_actions_page", "plans.detail", "plans.overview", "plans.index", "governance.forums",
                   "governance.detail", "admin.users", "search.results"}



def list_page_urls(app, values: dict) -> dict[str, str]:
    """{endpoint: url} for every signed-in GET page taking at most a plan_id, forum_id or format."""
    urls = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint.startswith("auth."):
            continue
        if not set(rule.arguments) <= ARGUMENTS:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[^<>]+:)?{name}>", str(values[name]), url)
        urls[rule.endpoint] = url
    return urls


def _queries(client, url: str) -> int:
    client.get(url)  # warm up: the first request may fill per-process caches
    with counting_queries() as count:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return count[0]


@pytest.fixture
def plan_world(app, make_user, make_plan, sign_in):
    admin = make_user("admin", name="Edi Lead")
    people = [admin, make_user("owner", name="Owner One"), make_user("owner", name="Owner Two")]
    forums = [create_forum("Inclusion Council", None), create_forum("Trust Board", None)]
    plan = make_plan(themes=("Inclusive recruitment", "Disciplinary disparity", "Training and development"))
    db.session.commit()
    sign_in(admin)
    return {"plan": plan, "people": people, "forums": forums,
            "values": {"plan_id": plan.id, "forum_id": forums[0].id, "format": "csv"}}


def _grow_to(world: dict, actions: int, seed: int) -> None:
    have = db.session.scalar(select(func.count()).select_from(Action).where(Action.plan_id == world["plan"].id))
    add_actions(world["plan"], actions - have, 3 * (actions - have), world["people"], world["forums"], seed=seed)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Action)) == actions


def test_every_list_page_is_found_in_the_url_map(app, plan_world):
    assert MUST_BE_CHECKED <= set(list_page_urls(app, plan_world["values"]))


def test_queries_per_page_do_not_grow_from_10_to_1000_actions(app, client, plan_world):
    urls = list_page_urls(app, plan_world["values"])
    urls["plans.detail, every action on one page"] = urls["plans.detail"] + "?page=all"
    urls["plans.detail, last page sorted by RAG"] = urls["plans.detail"] + "?sort=rag&page=999"
    # Search: a word many actions and updates hold, its last page, two words, and archived plans too.
    urls["search.results, a common word"] = urls["search.results"] + "?q=staff"
    urls["search.results, last page"] = urls["search.results"] + "?q=staff&page=999"
    urls["search.results, two words with archived plans"] = urls["search.results"] + "?q=inclusion+council&archived=1"
    _grow_to(plan_world, 10, seed=1)
    small = {endpoint: _queries(client, url) for endpoint, url in urls.items()}
    _grow_to(plan_world, 1000, seed=2)
    large = {endpoint: _queries(client, url) for endpoint, url in urls.items()}
    # Fewer queries with more data is not growth: the overview reads its lists of overdue and stale
    # actions only when its stored counts say they have rows.
    grew = {endpoint: (small[endpoint], large[endpoint]) for endpoint in urls if large[endpoint] > small[endpoint]}
    unexpected = {endpoint: counts for endpoint, counts in grew.items() if endpoint not in KNOWN_GROWTH}
    assert unexpected == {}, f"queries per page grow (10 actions, 1,000 actions): {unexpected}"
    fixed = sorted(endpoint for endpoint in KNOWN_GROWTH if endpoint in urls and endpoint not in grew)
    assert fixed == [], f"these pages no longer grow: remove them from KNOWN_GROWTH: {fixed}"
    assert all(large - small <= 5 for small, large in grew.values()), grew


def _refs(page) -> list[str]:
    assert page.status_code == 200
    return re.findall(r'href="/actions/\d+"[^>]*>\s*([\d.]+)', page.text)


def test_my_actions_and_the_plan_page_really_show_the_1000_actions(client, plan_world):
    _grow_to(plan_world, 1000, seed=2)
    plan_url = f"/plans/{plan_world['plan'].id}"
    every = _refs(client.get(plan_url + "?page=all"))
    assert len(set(every)) == len(every) == 1000
    first = client.get(plan_url)
    assert "Showing actions 1 to 50 of 1000." in first.text
    assert _refs(first) == every[:50]
    last = client.get(plan_url + "?page=20")
    assert "Showing actions 951 to 1000 of 1000." in last.text
    assert _refs(last) == every[950:]
    home = client.get("/my-actions")
    owned = db.session.scalar(select(func.count()).select_from(Action).where(
        Action.owners.any(id=plan_world["people"][0].id) | Action.supporting_leads.any(id=plan_world["people"][0].id)))
    assert home.status_code == 200 and owned > 100
    # My actions shows each group's first actions and links to the rest of each group, a page at a time.
    assert len(re.findall(r'href="/actions/(\d+)"', home.text)) <= GROUP_LIMIT * len(GROUP_KEYS)
    listed = set()
    for key in GROUP_KEYS:
        status = client.get(f"/my-actions?group={key}").text.split('role="status">')[1].split("</p>")[0]
        count = int(re.search(r"(\d+)\.$", status.strip()).group(1) if "of" in status else status.split()[0])
        for page in range(1, -(-count // 50) + 1):
            listed |= set(re.findall(r'href="/actions/(\d+)"', client.get(f"/my-actions?group={key}&page={page}").text))
    assert len(listed) == owned
