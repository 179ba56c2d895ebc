"""Search: the box in the header, what it finds, how it shows it, and input that must not break it."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tracker.extensions import db
from tracker.governance.service import add_meeting, create_forum


@pytest.fixture
def owner(make_user):
    return make_user("owner", name="Laura Reynolds")


@pytest.fixture
def signed_in(client, owner, sign_in):
    sign_in(owner)
    return client


def _results(page) -> list[str]:
    """The results' headings, as text."""
    assert page.status_code == 200
    return [re.sub(r"<[^>]+>", "", heading).strip()
            for heading in re.findall(r'<h2 class="nhsuk-heading-s app-search-result__title">(.*?)</h2>', page.text, re.S)]


def test_every_signed_in_page_has_the_search_box_in_its_header(signed_in):
    page = signed_in.get("/my-actions")
    assert 'action="/search"' in page.text and 'name="q" type="search"' in page.text
    assert "Search actions, updates, forums and meetings" in page.text


def test_the_sign_in_page_has_no_search_box(client):
    assert 'action="/search"' not in client.get("/sign-in").text


def test_empty_search_shows_only_the_box(signed_in):
    for url in ("/search", "/search?q=", "/search?q=%20%20", "/search?q=---"):
        page = signed_in.get(url)
        assert page.status_code == 200
        assert "<h1>Search</h1>" in page.text and 'id="q"' in page.text
        assert "result" not in page.text.split("</form>", 2)[-1].lower()


def test_an_action_is_found_by_its_text_with_the_word_highlighted_and_its_plan_named(signed_in, make_plan, make_action):
    plan = make_plan(year="2025-26", title="Inclusion and Belonging Action Plan")
    action = make_action(plan, "2.3", text="Deliver reciprocal mentoring for senior leaders")
    make_action(plan, "2.4", text="Review the shortlisting process")
    page = signed_in.get("/search?q=mentoring")
    assert _results(page) == ["Action 2.3: Deliver reciprocal mentoring for senior leaders"]
    assert "<mark>mentoring</mark>" in page.text
    assert f'href="/actions/{action.id}"' in page.text
    assert f'<a href="/plans/{plan.id}">2025-26 plan</a>: Inclusion and Belonging Action Plan' in page.text
    assert "1 result for “mentoring”" in page.text


def test_words_are_found_in_any_form_and_every_word_must_be_found(signed_in, make_action):
    make_action(text="Train recruiting managers in inclusive interviewing")
    make_action(text="Training for line managers on disciplinary cases")
    assert len(_results(signed_in.get("/search?q=trained"))) == 2
    assert _results(signed_in.get("/search?q=train+disciplinary")) == [
        "Action " + _results(signed_in.get("/search?q=disciplinary"))[0].removeprefix("Action ")]
    assert len(_results(signed_in.get("/search?q=training+disciplinary"))) == 1


def test_an_action_is_found_by_outcome_lead_text_owners_and_supporting_leads(signed_in, make_user, make_action):
    helper = make_user("owner", name="Kerry Smith")
    boss = make_user("owner", name="Amir Khan")
    action = make_action(text="Refresh the staff networks", outcome="Network membership doubles",
                         lead_text="Head of Organisational Development", owners=[boss], supporting_leads=[helper])
    for query in ("membership", "organisational", "Amir", "kerry smith"):
        assert _results(signed_in.get(f"/search?q={query}")) == [f"Action {action.ref}: Refresh the staff networks"], query
    page = signed_in.get("/search?q=kerry")
    assert "<mark>Kerry</mark> Smith" in page.text and "Owners and supporting leads: " in page.text


def test_a_progress_update_is_found_and_links_to_itself_on_its_actions_page(signed_in, owner, make_action, post_update):
    action = make_action(ref="1.4", owners=[owner], text="Publish the WRES data", by_when="Ongoing")
    update = post_update(action, "The figures went to the Trust Board in the quarterly portfolio.", owner)
    page = signed_in.get("/search?q=portfolio")
    assert _results(page) == ["Progress update on action 1.4: Publish the WRES data"]
    assert f'href="/actions/{action.id}?history=all#update-{update.id}"' in page.text
    assert "quarterly <mark>portfolio</mark>." in page.text
    detail = signed_in.get(f"/actions/{action.id}?history=all")
    assert f'id="update-{update.id}"' in detail.text


def test_forums_and_meeting_notes_are_found(signed_in, app):
    forum = create_forum("People and Culture Development Committee", None, description="Escalations from the council")
    meeting = add_meeting(forum, date(2025, 3, 12), None, notes="Discussed the apprenticeship levy.")
    db.session.commit()
    page = signed_in.get("/search?q=culture")
    assert _results(page) == ["Forum: People and Culture Development Committee"]
    assert f'href="/forums/{forum.id}"' in page.text
    page = signed_in.get("/search?q=apprenticeship")
    assert _results(page) == ["People and Culture Development Committee meeting, 12 March 2025"]
    assert f'href="/forums/{forum.id}/meetings/{meeting.id}"' in page.text


def test_stored_text_is_escaped_and_only_the_highlight_becomes_markup(signed_in, make_action):
    make_action(text='Stop <script>alert("x")</script> bias & <b>harassment</b>')
    page = signed_in.get("/search?q=harassment")
    assert "<script>alert" not in page.text and "<b>" not in page.text
    assert "&lt;b&gt;<mark>harassment</mark>&lt;/b&gt;" in page.text
    assert "&amp;" in page.text


def test_results_from_current_plans_come_before_closed_plans_and_archived_plans_only_when_asked(
        signed_in, make_plan, make_action, app):
    from tracker.plans.service import archive_plan

    closed = make_plan(year="2023-24", status="closed")
    current = make_plan(year="2025-26", status="approved")
    archived = make_plan(year="2021-22", status="closed")
    make_action(closed, "1.1", text="Coaching coaching coaching for managers")
    make_action(current, "1.1", text="Coaching for managers")
    make_action(archived, "1.1", text="Coaching programme coaching")
    archive_plan(archived, None)
    db.session.commit()
    page = signed_in.get("/search?q=coaching")
    years = re.findall(r'>(\d{4}-\d{2}) plan</a>', page.text)
    assert years == ["2025-26", "2023-24"]
    assert "2 results for “coaching”, archived plans left out." in page.text
    page = signed_in.get("/search?q=coaching&archived=1")
    assert re.findall(r'>(\d{4}-\d{2}) plan</a>', page.text) == ["2025-26", "2023-24", "2021-22"]
    assert "Archived</strong>" in page.text and "Closed</strong>" in page.text
    assert 'id="archived" name="archived" type="checkbox" value="1" checked' in page.text


def test_results_come_20_a_page_with_pagination(signed_in, make_plan, make_action):
    plan = make_plan()
    for number in range(1, 46):
        make_action(plan, f"3.{number}", text=f"Reverse mentoring cohort {number}")
    first = signed_in.get("/search?q=cohort")
    assert len(_results(first)) == 20
    assert "45 results for “cohort”, showing 1 to 20" in first.text
    assert 'aria-label="Pages of search results"' in first.text and "page=3" in first.text
    last = signed_in.get("/search?q=cohort&page=3")
    assert len(_results(last)) == 5 and "showing 41 to 45" in last.text
    everything = {heading for page in (1, 2, 3) for heading in _results(signed_in.get(f"/search?q=cohort&page={page}"))}
    assert len(everything) == 45
    assert _results(signed_in.get("/search?q=cohort&page=999")) == _results(last)


def test_no_results_says_what_to_try(signed_in, make_action):
    make_action(text="Reciprocal mentoring")
    page = signed_in.get("/search?q=zebra")
    assert "No results for “zebra”." in page.text
    assert "checking the spelling" in page.text and "an action's reference, such as 3.5" in page.text
    assert "ticking “Include archived plans”" in page.text


def test_a_reference_typed_exactly_opens_the_action_when_one_current_plan_has_it(signed_in, make_plan, make_action):
    current = make_plan(year="2025-26", status="approved")
    closed = make_plan(year="2024-25", status="closed")
    action = make_action(current, "3.5", text="Launch the speak up guardians")
    make_action(closed, "3.5", text="Launch the speak up guardians")
    for query in ("3.5", " 3.5 ", "WRES 3.5", "wres 3.5", "Action 3.5"):
        response = signed_in.get("/search", query_string={"q": query})
        assert response.status_code == 302 and response.location == f"/actions/{action.id}", query
    assert signed_in.get("/search?q=3.6").status_code == 200


def test_a_reference_two_current_plans_share_lists_both(signed_in, make_plan, make_action):
    make_action(make_plan(year="2025-26", status="approved"), "3.5", text="Launch the speak up guardians")
    make_action(make_plan(year="2026-27"), "3.5", text="Launch the speak up guardians again")
    page = signed_in.get("/search?q=3.5")
    assert page.status_code == 200 and len(_results(page)) == 2


HOSTILE = ['"', '""', '"unbalanced', "mentor*", "*", "NEAR", "NEAR(mentoring reverse)", "mentoring AND", "OR",
           "AND OR NOT", "(", "())", "-", "- mentoring", "mentoring -reverse", "a:b", "title:mentoring", "^mentoring",
           "'; DROP TABLE actions; --", "{mentoring}", "men\u00adtoring", "\u00e9quit\u00e9", "🙂", "mentoring!!!",
           "%", "_", "\\", "<mark>", "\ue000mentoring\ue001", "3.5.", "...", "NOT mentoring", "+mentoring"]


@pytest.mark.parametrize("query", HOSTILE)
def test_search_syntax_in_what_people_type_never_breaks_the_page(signed_in, make_action, query):
    make_action(text="Reverse mentoring for the board")
    page = signed_in.get("/search", query_string={"q": query})
    assert page.status_code == 200
    assert set(re.findall(r"<mark>(.*?)</mark>", page.text)) <= {"Reverse", "mentoring", "board"}


def test_words_joined_to_syntax_are_still_found(signed_in, make_action):
    make_action(text="Reverse mentoring for the board")
    for query in ('"mentoring"', "mentoring!!!", "(mentoring)", "(mentoring reverse)", "mentoring*", "-mentoring"):
        assert len(_results(signed_in.get("/search", query_string={"q": query}))) == 1, query


def test_a_very_long_search_is_refused_with_a_clear_message(signed_in, make_action):
    make_action(text="Reverse mentoring for the board")
    page = signed_in.get("/search", query_string={"q": "mentoring " * 100})
    assert page.status_code == 200
    assert "Search for 200 characters or fewer" in page.text and "There is a problem" in page.text
    assert page.text.count("app-search-result__title") == 0
    assert "<title>Error:" in page.text


def test_searching_needs_sign_in(client):
    response = client.get("/search?q=anything")
    assert response.status_code == 302 and "/sign-in" in response.location
