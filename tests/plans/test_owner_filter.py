"""The plan page's owner filter is a search for people: typed text finds the one person with actions in
the plan it names, offers several as links, says when it finds no one; links with owner=<id> keep
working; suggestions come as JSON; and the page renders no more rows for a plan with many people."""
import re

import pytest

from tests.support import counting_queries
from tracker.demo.scale import add_actions
from tracker.extensions import db


@pytest.fixture
def people_plan(make_user, make_plan, make_action):
    """A plan whose actions are owned or supported by Amara Singh (two of them), Amara Singhal and Ben
    Okafor; Cara Jones has an action only in another plan."""
    plan = make_plan()
    other = make_plan(year="2025-26")
    people = {
        "amara": make_user("owner", name="Amara Singh", email="amara.singh@trust.example.org", job_title="Head of HR"),
        "amara2": make_user("owner", name="Amara Singh", email="a.singh2@trust.example.org", job_title="Matron"),
        "singhal": make_user("owner", name="Amara Singhal", email="amara.singhal@trust.example.org"),
        "ben": make_user("owner", name="Ben Okafor", email="ben.okafor@trust.example.org"),
        "cara": make_user("owner", name="Cara Jones", email="cara.jones@trust.example.org"),
    }
    make_action(plan, "1.1", owners=[people["amara"]], text="Recruitment toolkit")
    make_action(plan, "1.2", owners=[people["amara2"]], text="Exit interviews", rag="red")
    make_action(plan, "1.3", owners=[people["ben"]], supporting_leads=[people["singhal"]], text="Career clinics",
                rag="red")
    make_action(plan, "1.4", owners=[people["ben"]], text="Reverse mentoring")
    make_action(other, "1.1", owners=[people["cara"]], text="Another year's action")
    return plan, people


@pytest.fixture
def viewer(make_user, sign_in):
    return sign_in(make_user("viewer", name="Vic Viewer"))


def _refs(page: str) -> list[str]:
    return re.findall(r'<a[^>]*href="/actions/\d+"[^>]*>([\d.]+)</a>', page)


def _typed(page: str) -> str:
    return re.search(r'<input class="nhsuk-input" id="person"[^>]*value="([^"]*)"', page).group(1)


def _owner(page: str) -> str:
    return re.search(r'<input type="hidden" name="owner" value="([^"]*)">', page).group(1)


def test_part_of_a_name_that_names_one_person_filters_by_them_and_shows_their_name(client, viewer, people_plan):
    plan, people = people_plan
    page = client.get(f"/plans/{plan.id}", query_string={"person": "okaf", "owner": ""}).get_data(as_text=True)
    assert _refs(page) == ["1.3", "1.4"]
    assert _typed(page) == "Ben Okafor" and _owner(page) == str(people["ben"].id)
    assert "2 actions shown." in page
    assert f"owner={people['ben'].id}" in page and "person=" not in page.split("app-export-links")[1][:2000], \
        "the export links carry the person found, not the typed text"


def test_a_supporting_lead_is_found_too_and_an_email_address_by_its_start(client, viewer, people_plan):
    plan, people = people_plan
    page = client.get(f"/plans/{plan.id}", query_string={"person": "singhal"}).get_data(as_text=True)
    assert _refs(page) == ["1.3"] and _typed(page) == "Amara Singhal"
    page = client.get(f"/plans/{plan.id}", query_string={"person": "A.SINGH2@"}).get_data(as_text=True)
    assert _refs(page) == ["1.2"] and _owner(page) == str(people["amara2"].id)


def test_text_matching_several_people_offers_each_as_a_link_that_keeps_the_other_filters(client, viewer, people_plan):
    plan, people = people_plan
    response = client.get(f"/plans/{plan.id}", query_string={"person": "amara", "rag": "red", "sort": "due"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 people match &ldquo;amara&rdquo;; choose one" in page
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>([^<]*)</li>', page)
    assert [(name, detail) for _href, name, detail in links] == [
        ("Amara Singh", ", Head of HR"), ("Amara Singh", ", Matron"), ("Amara Singhal", "")]
    assert links[1][0] == f"/plans/{plan.id}?owner={people['amara2'].id}&amp;rag=red&amp;sort=due"
    assert _refs(page) == [], "no actions are listed until one person is chosen"
    chosen = client.get(links[1][0].replace("&amp;", "&")).get_data(as_text=True)
    assert _refs(chosen) == ["1.2"] and _typed(chosen) == "Amara Singh"


def test_a_whole_name_picks_that_person_among_longer_names_that_contain_it(client, viewer, people_plan):
    plan, _people = people_plan
    page = client.get(f"/plans/{plan.id}", query_string={"person": "amara  singhal"}).get_data(as_text=True)
    assert _refs(page) == ["1.3"]
    two = client.get(f"/plans/{plan.id}", query_string={"person": "Amara Singh"}).get_data(as_text=True)
    assert "3 people match &ldquo;Amara Singh&rdquo;; choose one" in two, "two people share the name"


def test_the_chosen_persons_name_left_in_the_box_keeps_them_when_other_filters_change(client, viewer, people_plan):
    plan, people = people_plan
    page = client.get(f"/plans/{plan.id}", query_string={
        "person": "Amara Singh", "owner": people["amara2"].id, "rag": "red"}).get_data(as_text=True)
    assert _refs(page) == ["1.2"] and _owner(page) == str(people["amara2"].id)
    cleared = client.get(f"/plans/{plan.id}", query_string={"person": "", "owner": people["amara2"].id})
    assert _refs(cleared.get_data(as_text=True)) == ["1.1", "1.2", "1.3", "1.4"], "an emptied box is no owner filter"


def test_no_match_says_so_and_people_without_actions_in_this_plan_are_not_found(client, viewer, people_plan):
    plan, _people = people_plan
    for typed in ("Cara", "zzz", "%", "_"):
        page = client.get(f"/plans/{plan.id}", query_string={"person": typed}).get_data(as_text=True)
        assert "No one with an action in this plan matches" in page, typed
        assert _refs(page) == [] and "No actions match these filters." not in page


def test_an_owner_link_still_filters_and_names_the_person_in_the_box_and_the_export(client, viewer, people_plan):
    plan, people = people_plan
    page = client.get(f"/plans/{plan.id}?owner={people['ben'].id}").get_data(as_text=True)
    assert _refs(page) == ["1.3", "1.4"] and _typed(page) == "Ben Okafor"
    export = client.get(f"/plans/{plan.id}/export.csv?owner={people['ben'].id}")
    assert "owner-ben-okafor" in export.headers["Content-Disposition"]


def test_suggestions_are_json_at_most_ten_by_name_only_people_with_actions_in_the_plan(client, viewer, people_plan,
                                                                                       make_user, make_action):
    plan, people = people_plan
    found = client.get(f"/plans/{plan.id}/people", query_string={"q": "amara"})
    assert found.is_json and found.get_json() == [
        {"id": people["amara"].id, "name": "Amara Singh", "detail": "Head of HR"},
        {"id": people["amara2"].id, "name": "Amara Singh", "detail": "Matron"},
        {"id": people["singhal"].id, "name": "Amara Singhal", "detail": ""}]
    assert client.get(f"/plans/{plan.id}/people", query_string={"q": "cara"}).get_json() == []
    assert client.get(f"/plans/{plan.id}/people", query_string={"q": "  "}).get_json() == []
    assert client.get(f"/plans/{plan.id}/people").get_json() == []
    many = [make_user("owner", name=f"Zoe Member {n:02}") for n in range(15)]
    make_action(plan, "2.1", owners=many)
    names = [person["name"] for person in client.get(f"/plans/{plan.id}/people?q=zoe").get_json()]
    assert len(names) == 10 and names == sorted(names) and all(name.startswith("Zoe Member ") for name in names)
    assert client.get("/plans/999999/people?q=zoe").status_code == 404


def test_suggestions_need_sign_in(client, people_plan):
    plan, _people = people_plan
    response = client.get(f"/plans/{plan.id}/people?q=amara")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def _page_with_people(client, make_user, make_plan, people: int, year: str):
    plan = make_plan(year=year)
    add_actions(plan, 60, 0, [make_user("owner", name=f"Owner {year} {n:03}") for n in range(people)], [], seed=3)
    db.session.commit()
    with counting_queries() as queries:
        page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    return page, queries[0]


def test_the_page_renders_the_same_rows_with_5_or_200_people_in_the_plan(client, viewer, make_user, make_plan):
    few, few_queries = _page_with_people(client, make_user, make_plan, 5, "2023-24")
    many, many_queries = _page_with_people(client, make_user, make_plan, 200, "2024-25")
    assert few.count("<option") == many.count("<option")
    assert few.count("<tr") == many.count("<tr") == 51, "a header and 50 actions on the first page"
    assert few_queries == many_queries
    assert len(re.findall(r"Owner 2024-25 \d{3}", many)) <= 50 * 3, "names appear only in the rows shown"


def test_many_matches_list_at_most_twenty(client, viewer, make_user, make_plan, make_action):
    plan = make_plan()
    make_action(plan, "1.1", owners=[make_user("owner", name=f"Sam Sample {n:02}") for n in range(30)])
    page = client.get(f"/plans/{plan.id}", query_string={"person": "sample"}).get_data(as_text=True)
    assert "More than 20 people match &ldquo;sample&rdquo;; choose one" in page
    assert len(re.findall(r'<li><a href="/plans/\d+\?owner=\d+">Sam Sample', page)) == 20
