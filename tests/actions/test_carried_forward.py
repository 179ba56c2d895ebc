"""An action carried forward: the old one is closed to updates and points to its copy; the copy's
timeline shows its own updates, then its origin's history, in a fixed number of queries."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.support import counting_queries
from tracker.actions.models import Action, ProgressUpdate
from tracker.actions.service import UpdateData, post_update
from tracker.extensions import db
from tracker.plans import rollover
from tracker.plans.models import Plan
from tracker.plans.service import PlanData, create_plan


def _update_form(**overrides):
    return {"narrative": "Late news for the old action", "status": "PROGRESS MADE", "rag": "amber",
            "rag_reason": "Still amber", "evidence_url": "", **overrides}


def _roll_over(plan: Plan, actor, *, to: str) -> Action:
    """Approve the plan and carry its one action into a new draft for next year; returns the copy."""
    plan.status = "approved"
    result = rollover.roll_over(plan, [rollover.suggested_row(a) for a in rollover.plan_actions(plan)], actor)
    assert result.target.year == to
    db.session.commit()
    return result.carried[0][1]


@pytest.fixture
def carried(make_user, make_plan, make_action, fixed_today):
    """2023-24 action 1.3 with two updates, carried into 2024-25, then into 2025-26 with one update there."""
    fixed_today(date(2024, 3, 25))
    lead, owner = make_user("admin", name="Edi Lead"), make_user("owner", name="Laura Reynolds")
    first = make_action(make_plan("2023-24"), "1.3", owners=[owner], by_when="Oct 2023", text="Mentoring scheme")
    for day, text in ((date(2023, 6, 1), "Scheme designed"), (date(2023, 11, 1), "First cohort recruited")):
        post_update(db.session.get(Action, first.id), UpdateData("PROGRESS MADE", "amber", text, as_at=day),
                    owner, historical=True)
    db.session.commit()
    middle = _roll_over(first.plan, lead, to="2024-25")
    post_update(middle, UpdateData("DELAYED", "red", "Second cohort postponed", as_at=date(2024, 9, 1)),
                owner, historical=True)
    db.session.commit()
    fixed_today(date(2025, 3, 25))
    latest = _roll_over(middle.plan, lead, to="2025-26")
    return {"lead": lead, "owner": owner, "first": first.id, "middle": middle.id, "latest": latest.id}


def _texts(page: str) -> list[str]:
    return re.findall(r'<p class="app-pre-line">([^<]*)</p>', page)


def test_the_copys_timeline_shows_its_own_updates_then_each_origins_under_a_heading(client, sign_in, carried):
    sign_in(carried["owner"])
    page = client.get(f"/actions/{carried['latest']}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]
    assert _texts(timeline) == [
        "Carried forward from 2024-25 action 1.3. Status and RAG kept from there: DELAYED, Red (as at 1 September 2024).",
        "Second cohort postponed",
        "Carried forward from 2023-24 action 1.3. Status and RAG kept from there: PROGRESS MADE, Amber "
        "(as at 1 November 2023).",
        "First cohort recruited", "Scheme designed"]
    assert timeline.index("<h3") > timeline.index("Carried forward from 2024-25")
    headings = re.findall(r"<h3[^>]*>([^<]*)</h3>", timeline)
    assert headings == ["From 2024-25 action 1.3", "From 2023-24 action 1.3"]
    assert timeline.index("From 2024-25 action 1.3</h3>") < timeline.index("Second cohort postponed")
    assert '<ol class="app-timeline" reversed start="1">' in timeline
    assert timeline.count('<strong class="nhsuk-tag nhsuk-tag--white">2023-24 action 1.3</strong>') == 2
    assert "by Edi Lead" in timeline and "(as at 1 September 2024)" in timeline


def test_the_copys_page_reads_the_same_number_of_queries_however_long_its_history(client, sign_in, carried,
                                                                                   make_plan, make_action):
    sign_in(carried["owner"])
    fresh = make_action(make_plan("2030-31"), "1.1", owners=[carried["owner"]], text="No history at all")

    def queries(action_id: int) -> int:
        client.get(f"/actions/{action_id}")
        with counting_queries() as count:
            assert client.get(f"/actions/{action_id}").status_code == 200
        return count[0]

    # A copy reads its chain (with the counts) first, then one query for the updates however many plans back
    # they are; an action with no origins has its count loaded with it.
    assert queries(carried["latest"]) == queries(carried["middle"]) == queries(fresh.id) + 1


def test_a_long_history_is_cut_at_twenty_entries_counting_the_origins(client, sign_in, carried):
    first = db.session.get(Action, carried["first"])
    for n in range(25):
        db.session.add(ProgressUpdate(action_id=first.id, author_id=carried["owner"].id, as_at=date(2023, 5, 1),
                                      posted_at=first.updates[-1].posted_at.replace(year=2023, month=4), narrative=f"Old {n}"))
    db.session.commit()
    sign_in(carried["owner"])
    page = client.get(f"/actions/{carried['latest']}").get_data(as_text=True)
    assert "The latest 20 of 30 updates." in page and len(_texts(page[page.index('id="timeline"'):])) == 20
    everything = client.get(f"/actions/{carried['latest']}?history=all").get_data(as_text=True)
    assert len(_texts(everything[everything.index('id="timeline"'):])) == 30


def test_the_old_actions_page_says_where_it_continued_and_offers_no_update(client, sign_in, carried):
    sign_in(carried["owner"])
    page = client.get(f"/actions/{carried['middle']}").get_data(as_text=True)
    assert (f'This action continued as <a href="/actions/{carried["latest"]}">1.3 in 2025-26</a>: '
            "post progress updates there.") in page
    assert "Post a progress update" not in page
    assert "Post a progress update" in client.get(f"/actions/{carried['latest']}").get_data(as_text=True)


def test_the_old_update_link_says_where_it_continued_with_no_form(client, sign_in, carried):
    sign_in(carried["owner"])
    response = client.get(f"/actions/{carried['middle']}/update")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>This action continued as 1.3 in 2025-26</h1>" in page
    assert f'href="/actions/{carried["latest"]}">1.3 in 2025-26</a>' in page
    assert 'name="narrative"' not in page and "Save update" not in page


@pytest.mark.parametrize("who", ["owner", "lead"])
def test_posting_to_the_old_update_form_is_refused_with_409_and_nothing_is_stored(client, sign_in, carried, who):
    sign_in(carried[who])
    before = db.session.scalar(select(func.count()).select_from(ProgressUpdate))
    response = client.post(f"/actions/{carried['middle']}/update", data=_update_form())
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "<title>Error: Action 1.3 continued as 1.3 in 2025-26" in page
    assert ("Your update was not saved. Action 1.3 continued as 1.3 in 2025-26: it no longer takes progress "
            "updates. Post your update on action 1.3 of the 2025-26 plan.") in " ".join(page.split())
    assert f'href="/actions/{carried["latest"]}"' in page
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == before
    assert db.session.get(Action, carried["middle"]).status == "CARRIED FORWARD"


def test_an_update_form_opened_before_the_rollover_is_refused_after_it(client, sign_in, make_user, make_plan,
                                                                       make_action, fixed_today):
    fixed_today(date(2025, 3, 1))
    owner, lead = make_user("owner"), make_user("admin")
    action = make_action(make_plan("2024-25"), "2.1", owners=[owner], by_when="Mar 2025")
    sign_in(owner)
    assert 'name="narrative"' in client.get(f"/actions/{action.id}/update").get_data(as_text=True)
    _roll_over(db.session.get(Plan, action.plan_id), lead, to="2025-26")
    response = client.post(f"/actions/{action.id}/update", data=_update_form(rag="red", rag_reason=""))
    assert response.status_code == 409 and "continued as 2.1 in 2025-26" in response.get_data(as_text=True)


def test_someone_who_may_not_update_still_gets_403(client, sign_in, make_user, carried):
    sign_in(make_user("owner"))
    assert client.get(f"/actions/{carried['middle']}/update").status_code == 403
    assert client.post(f"/actions/{carried['middle']}/update", data=_update_form()).status_code == 403


def test_plans_that_are_not_rolled_over_keep_taking_updates(client, sign_in, make_user, make_action, fixed_today):
    fixed_today(date(2024, 10, 1))
    owner = make_user("owner")
    action = make_action(owners=[owner], by_when="Mar 2025", status="CARRIED FORWARD")
    create_plan(PlanData(year="2025-26", title="Next"), None)
    db.session.commit()
    sign_in(owner)
    response = client.post(f"/actions/{action.id}/update", data=_update_form(rag="green", rag_reason=""))
    assert response.status_code == 302


@pytest.mark.parametrize("posted", [16, 17, 18, 19])
def test_the_twenty_entries_end_inside_the_chain_where_the_counts_say(client, sign_in, carried, posted):
    for n in range(1, posted + 1):
        post_update(db.session.get(Action, carried["latest"]), UpdateData("PROGRESS MADE", "green", f"Own {n}",
                                                                           as_at=date(2025, 3, 1)),
                    carried["owner"], historical=True)
    db.session.commit()
    sign_in(carried["owner"])
    page = client.get(f"/actions/{carried['latest']}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]
    # Newest first: the copy's own (its opening update, posted today, first), then 2024-25's two, then 2023-24's.
    own = ["Carried forward from 2024-25"] + [f"Own {n}" for n in range(posted, 0, -1)]
    first = ["First cohort recruited", "Scheme designed"]
    middle = ["Second cohort postponed", "Carried forward from 2023-24"]
    expected = (own + middle + first)[:20]
    assert [text.split(" action")[0] for text in _texts(timeline)] == expected
    shown = [group for group in (own, middle, first) if set(group) & set(expected)]
    headings = ["From 2024-25 action 1.3", "From 2023-24 action 1.3"][:len(shown) - 1]
    assert re.findall(r"<h3[^>]*>([^<]*)</h3>", timeline) == headings
    assert f"The latest 20 of {posted + 5} updates." in page
    # Each action's list is numbered from its own count, however few of its updates the page shows.
    starts = [str(posted + 1), "2", "2"][:len(shown)]
    assert re.findall(r'<ol class="app-timeline" reversed start="(\d+)"', timeline) == starts
