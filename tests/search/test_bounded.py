"""Search at any size: a search ranks and counts only the newest matches (queries.RANKED), says so
in plain words when more rows hold the words, and still finds a rare word however old."""
from __future__ import annotations

import re

import pytest

from tests.support import counting_queries
from tracker.search import queries


@pytest.fixture
def owner(make_user):
    return make_user("owner", name="Laura Reynolds")


@pytest.fixture
def signed_in(client, owner, sign_in):
    sign_in(owner)
    return client


@pytest.fixture
def ranked(monkeypatch):
    """Rank and count only the 30 newest matches, so that a test needs dozens of rows, not thousands."""
    monkeypatch.setattr(queries, "RANKED", 30)
    return 30


def _results(page) -> list[str]:
    assert page.status_code == 200
    return [re.sub(r"<[^>]+>", "", heading).strip()
            for heading in re.findall(r'<h2 class="nhsuk-heading-s app-search-result__title">(.*?)</h2>', page.text, re.S)]


def _status(page) -> str:
    return " ".join(re.search(r'<p role="status" class="app-search-count">(.*?)</p>', page.text, re.S).group(1).split())


def test_more_matches_than_are_ranked_says_so_and_pages_only_through_the_newest(signed_in, make_plan, make_action, ranked):
    plan = make_plan()
    for number in range(1, 46):
        make_action(plan, f"3.{number}", text=f"Reverse mentoring cohort {number}")
    first = signed_in.get("/search?q=cohort")
    assert _status(first) == ("More than 30 results for “cohort”, archived plans left out: showing the best matches "
                              "among the 30 newest (1 to 20). Add another word to narrow them down.")
    assert _results(first)[0] == "Action 3.45: Reverse mentoring cohort 45"
    assert "page=2" in first.text and "page=3" not in first.text
    last = signed_in.get("/search?q=cohort&page=2")
    assert len(_results(last)) == 10 and "(21 to 30)" in _status(last)
    assert 'rel="next"' not in last.text and "page=3" not in last.text
    assert _results(signed_in.get("/search?q=cohort&page=999")) == _results(last)
    shown = {heading for heading in _results(first) + _results(last)}
    assert shown == {f"Action 3.{number}: Reverse mentoring cohort {number}" for number in range(16, 46)}


def test_as_many_matches_as_are_ranked_shows_the_exact_count(signed_in, make_plan, make_action, ranked):
    plan = make_plan()
    for number in range(1, 31):
        make_action(plan, f"3.{number}", text=f"Reverse mentoring cohort {number}")
    page = signed_in.get("/search?q=cohort")
    assert _status(page) == "30 results for “cohort”, showing 1 to 20, archived plans left out."
    assert "newest" not in page.text and "More than" not in page.text
    make_action(plan, "3.31", text="Reverse mentoring cohort 31")
    assert _status(signed_in.get("/search?q=cohort")).startswith("More than 30 results for “cohort”")


def test_results_come_best_first_then_newest_first(signed_in, owner, make_user, make_plan, make_action, post_update):
    plan = make_plan()
    titled = make_action(plan, "1.1", text="Okoro fellowship for aspiring leaders")
    grace = make_user("owner", name="Grace Okoro")
    owned = make_action(plan, "1.2", text="Refresh the staff networks", owners=[grace], by_when="Ongoing")
    make_action(plan, "1.3", text="Publish the WRES data", owners=[owner])
    older = post_update(owned, "Session one held with Okoro and the network chairs.", owner)
    newer = post_update(owned, "Session two held with Okoro and the network chairs.", owner)
    page = signed_in.get("/search?q=okoro")
    assert _results(page) == [
        f"Action 1.1: {titled.text}",  # the word in the action's text: oldest, yet first
        "Action 1.2: Refresh the staff networks",  # in its owners' names
        "Progress update on action 1.2: Refresh the staff networks",  # in updates, newest first
        "Progress update on action 1.2: Refresh the staff networks",
    ]
    assert page.text.index(f"#update-{newer.id}") < page.text.index(f"#update-{older.id}")
    assert _status(page) == "4 results for “okoro”, archived plans left out."


def test_an_older_match_beyond_the_newest_ranked_is_left_out_and_the_page_says_why(
        signed_in, owner, make_plan, make_action, post_update, ranked):
    plan = make_plan()
    make_action(plan, "1.1", text="Allyship training for managers")
    action = make_action(plan, "1.2", text="Refresh the staff networks", owners=[owner], by_when="Ongoing")
    for number in range(ranked):
        post_update(action, f"Allyship session {number} held.", owner)
    page = signed_in.get("/search?q=allyship")
    assert "Action 1.1: Allyship training for managers" not in _results(page)
    assert "showing the best matches among the 30 newest" in _status(page)
    narrowed = signed_in.get("/search?q=allyship+managers")
    assert _results(narrowed) == ["Action 1.1: Allyship training for managers"]


def test_current_plans_come_first_among_the_newest(signed_in, make_plan, make_action, ranked):
    closed = make_plan(year="2023-24", status="closed")
    for number in range(1, 41):
        make_action(closed, f"2.{number}", text=f"Coaching cohort {number}")
    current = make_plan(year="2025-26", status="approved")
    make_action(current, "1.1", text="Support for new managers", outcome="Every new manager has coaching")
    page = signed_in.get("/search?q=coaching")
    assert "More than 30 results" in _status(page)
    years = re.findall(r'>(\d{4}-\d{2}) plan</a>', page.text)
    # The current plan's action first, though the closed plan's hold the word in their text.
    assert years[0] == "2025-26" and set(years[1:]) == {"2023-24"}
    assert _results(page)[1] == "Action 2.40: Coaching cohort 40"


def test_a_rare_word_is_found_however_old_among_many_newer_rows(signed_in, owner, make_plan, make_action, post_update,
                                                                 ranked):
    plan = make_plan()
    old = make_action(plan, "1.1", text="Bystander intervention training", owners=[owner], by_when="Ongoing")
    for number in range(2 * ranked):
        post_update(old, f"Staff session {number} held.", owner)
    page = signed_in.get("/search?q=bystander")
    assert _results(page) == ["Action 1.1: Bystander intervention training"]
    assert _status(page) == "1 result for “bystander”, archived plans left out."
    assert "More than 30 results for “staff”" in _status(signed_in.get("/search?q=staff"))
    response = signed_in.get("/search?q=1.1")
    assert response.status_code == 302 and response.location == f"/actions/{old.id}"


def test_a_search_sends_the_same_number_of_queries_however_many_rows_hold_its_words(
        signed_in, owner, make_plan, make_action, post_update, ranked):
    plan = make_plan()
    action = make_action(plan, "1.1", text="Bystander intervention training", owners=[owner], by_when="Ongoing")
    for number in range(2 * ranked):
        post_update(action, f"Staff session {number} held.", owner)
    signed_in.get("/search?q=staff")  # the session's user loaded once, as on every page
    with counting_queries() as few:
        assert len(_results(signed_in.get("/search?q=bystander"))) == 1
    with counting_queries() as many:
        assert len(_results(signed_in.get("/search?q=staff&page=2"))) == 10
    assert few[0] == many[0]


def test_on_postgresql_a_search_is_planned_for_its_own_words_for_the_rest_of_its_request_only(app, make_action):
    from sqlalchemy import text

    from tracker.extensions import db
    from tracker.search.text import read_search

    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements' generic plans are PostgreSQL's")
    make_action(text="Staff survey results shared with every network")
    setting = text("SHOW plan_cache_mode")
    assert db.session.execute(setting).scalar() == "auto"
    assert [result.action_text for result in queries.search(read_search("staff")).results] == [
        "Staff survey results shared with every network"]
    assert db.session.execute(setting).scalar() == "force_custom_plan"
    db.session.rollback()
    assert db.session.execute(setting).scalar() == "auto"
