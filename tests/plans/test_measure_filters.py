"""The plan page's "Measure" and "High impact action" filters, older "indicator=" links, bad values,
and the filtered exports that carry them."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from tracker.extensions import db
from tracker.plans.forms import filter_query


@pytest.fixture
def combined(make_plan, make_action):
    """A combined plan: a WRES 2 action serving HIA 2, a WDES 4a(ii) action serving HIA 6, and one with neither."""
    plan = make_plan(title="EDI plan")
    plan.standard = "combined"
    recruitment = make_action(plan, "1.1", text="Recruitment audit")
    recruitment.measures, recruitment.high_impact_actions = ["wres:2"], [2]
    managers = make_action(plan, "1.2", text="Manager harassment training")
    managers.measures, managers.high_impact_actions = ["wdes:4a_ii", "wres:6"], [6, 1]
    make_action(plan, "1.3", text="Staff network budget")
    db.session.commit()
    return plan


def _texts(page: str) -> set[str]:
    return {text for text in ("Recruitment audit", "Manager harassment training", "Staff network budget") if text in page}


def test_the_measure_filter_lists_the_combined_plans_measures_by_name(client, combined, make_user, sign_in):
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{combined.id}").get_data(as_text=True)
    assert '<option value="wres:2">WRES 2 Recruitment</option>' in page
    assert '<option value="wdes:4a_ii">WDES 4a(ii) Harassment from managers</option>' in page
    assert "High impact action" in page and '<option value="2">HIA 2 ' in page
    assert 'name="indicator"' not in page


def test_a_wres_plans_measure_filter_offers_only_wres_indicators(client, make_plan, make_user, sign_in):
    plan = make_plan()
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert '<option value="wres:9">WRES 9 Board BME %</option>' in page and "wdes:" not in page


@pytest.mark.parametrize(("query", "shown"), [
    ({"measure": "wres:2"}, {"Recruitment audit"}),
    ({"measure": "wdes:4a_ii"}, {"Manager harassment training"}),
    ({"measure": "wres:6"}, {"Manager harassment training"}),
    ({"measure": "wdes:10"}, set()),
    ({"hia": "2"}, {"Recruitment audit"}),
    ({"hia": "1"}, {"Manager harassment training"}),
    ({"hia": "6", "measure": "wres:2"}, set()),
    ({"hia": "6", "measure": "wdes:4a_ii"}, {"Manager harassment training"}),
])
def test_the_plan_page_shows_only_the_actions_of_the_measure_and_hia(client, combined, make_user, sign_in, query, shown):
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{combined.id}", query_string=query).get_data(as_text=True)
    assert _texts(page) == shown


def test_a_measure_of_another_standard_is_shown_as_chosen_and_filters(client, make_plan, make_action, make_user,
                                                                      sign_in):
    plan = make_plan()
    make_action(plan, "1.1", text="Recruitment audit", indicators=[2])
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{plan.id}?measure=wdes:5").get_data(as_text=True)
    assert '<option value="wdes:5" selected>WDES 5 Equal opportunities for progression</option>' in page
    assert "No actions match these filters." in page


def test_an_older_indicator_link_still_filters_by_that_wres_indicator(client, combined, make_user, sign_in):
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{combined.id}?indicator=2").get_data(as_text=True)
    assert _texts(page) == {"Recruitment audit"}
    assert '<option value="wres:2" selected>WRES 2 Recruitment</option>' in page
    assert f"/plans/{combined.id}/export.csv?measure=wres%3A2" in page


@pytest.mark.parametrize("query", [
    {"measure": "wdes:99"}, {"measure": "nonsense"}, {"measure": "wres:2:x"}, {"hia": "9"}, {"hia": "abc"},
    {"hia": "0"}, {"hia": "-1"}, {"hia": "99999999999999"}, {"indicator": "abc"}, {"indicator": "12"},
])
def test_bad_measure_and_hia_values_are_ignored_not_errors(client, combined, make_user, sign_in, query):
    sign_in(make_user("viewer"))
    response = client.get(f"/plans/{combined.id}", query_string=query)
    assert response.status_code == 200
    assert _texts(response.get_data(as_text=True)) == {"Recruitment audit", "Manager harassment training",
                                                        "Staff network budget"}
    export = client.get(f"/plans/{combined.id}/export.xlsx", query_string=query)
    assert export.status_code == 200 and load_workbook(io.BytesIO(export.data)).active["A1"].value == "ref"


def test_a_filtered_export_holds_the_matching_actions_and_names_its_filters(client, combined, make_user, sign_in):
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{combined.id}", query_string={"measure": "wdes:4a_ii", "hia": "6"}).get_data(as_text=True)
    assert f"/plans/{combined.id}/export.csv?measure=wdes%3A4a_ii&amp;hia=6" in page
    response = client.get(f"/plans/{combined.id}/export.csv?measure=wdes%3A4a_ii&hia=6")
    assert response.headers["Content-Disposition"] == 'attachment; filename="wres-plan-2024-25-measure-wdes-4a-ii-hia-6.csv"'
    refs = [row[0] for row in csv.reader(io.StringIO(response.get_data(as_text=True))) if row[0].startswith("1.")]
    assert refs == ["1.2"]
    workbook = load_workbook(io.BytesIO(client.get(f"/plans/{combined.id}/export.xlsx?measure=wdes%3A4a_ii&hia=6").data))
    assert workbook.active["A1"].value == "Filtered: measure WDES 4a(ii); HIA 6; 1 of 3 actions"


def test_filter_query_turns_an_indicator_into_a_measure():
    assert filter_query(MultiDict([("indicator", "4"), ("rag", "red")])) == "measure=wres%3A4&rag=red"
    assert filter_query(MultiDict([("indicator", "4"), ("measure", "wdes:5")])) == "measure=wdes%3A5"


def _count_queries(callable_) -> int:
    seen = []

    def listen(*_args):
        seen.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert callable_().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return len(seen)


def test_the_measure_and_hia_filters_cost_no_more_queries_for_more_actions(client, combined, make_action, make_user,
                                                                           sign_in):
    sign_in(make_user("viewer"))
    url = f"/plans/{combined.id}?measure=wdes%3A4a_ii&hia=6"
    before = _count_queries(lambda: client.get(url))
    for n in range(4, 10):
        action = make_action(combined, f"1.{n}", text=f"More {n}")
        action.measures, action.high_impact_actions = ["wdes:4a_ii"], [6]
    db.session.commit()
    assert _count_queries(lambda: client.get(url)) == before
