"""The indicators table, one indicator's page, and the actions linked to it."""
from __future__ import annotations

from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import delete, event

from tracker.actions.models import ProgressUpdate
from tracker.admin.service import update_settings
from tracker.extensions import db
from tracker.indicators import service
from tracker.indicators.definitions import load_national
from tracker.indicators.models import NationalValue
from tracker.plans.models import PlanStatus

PACK = Path(__file__).parent / "data" / "pack_2024"
#: Table 1 of the 2024 report: 2018, 2021, 2022, 2023 as published (entered by hand).
TABLE_1 = {
    2018: [6.5, 1.96, 10.52, 0.95, 43.3, 31.2, 36.7, 16.1, 31.0, 67.2, 20.7, 6.7, 15.4],
    2021: [8.2, 1.3, 4.35, 0.67, 27.3, 27.6, 16.7, 15.4, 53.6, 67.9, 12.5, 4.3, 21.4],
    2022: [9.1, 1.27, 0.0, 0.47, 30.1, 29.0, 23.3, 13.6, 61.6, 70.0, 14.9, 3.6, 20.0],
    2023: [9.9, 1.14, 0.0, 0.83, 40.5, 26.0, 22.1, 16.9, 67.4, 68.2, 12.8, 5.2, 14.3],
}
KEYS = [(1, "value"), (2, "value"), (3, "value"), (4, "value"), (5, "bme"), (5, "white"), (6, "bme"), (6, "white"),
        (7, "bme"), (7, "white"), (8, "bme"), (8, "white"), (9, "value")]


class Cells(HTMLParser):
    """Every table of a page: its caption as the first row, then each row's cells as text (hidden text included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag in ("tr", "caption") and self.tables:
            self.tables[-1].append([])
        if tag in ("td", "th", "caption"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th", "caption") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> list[list[list[str]]]:
    parser = Cells()
    parser.feed(page)
    return parser.tables


@pytest.fixture
def national(app):
    """The shipped national series (the test database is emptied after every test)."""
    db.session.execute(delete(NationalValue))
    db.session.add_all(NationalValue(standard="wres", year=year, indicator=number, measure=measure, value=value)
                       for year, indicators in load_national().items() for number, measures in indicators.items()
                       for measure, value in measures.items())
    db.session.commit()


@pytest.fixture
def years(app, national):
    """Table 1: four years entered from the report, 2024 computed from the data pack."""
    update_settings({"bme_label": "Global Majority", "local_population_bme_percent": 11.17}, None)
    for year, values in TABLE_1.items():
        service.enter_values(year, dict(zip(KEYS, values)), None)
    service.import_pack(PACK, 2024, None)
    db.session.commit()


@pytest.fixture
def viewer(make_user, sign_in):
    user = make_user("viewer")
    sign_in(user)
    return user


def test_the_indicators_table_reproduces_table_1_with_trends_and_national(client, years, viewer):
    response = client.get("/indicators/")
    assert response.status_code == 200
    caption, *rows = tables(response.get_data(as_text=True))[0]
    assert caption == ["Trust performance against the 9 WRES indicators, 2018 to 2024"]
    assert rows[0] == ["Ind", "Indicator", "2018 Entered", "2021 Entered", "2022 Entered", "2023 Entered",
                       "2024 Computed", "National (2024)", "Trend 2023 to 2024", "Compared with national"]
    assert rows[1] == ["1", "Workforce Global Majority %", "6.50%", "8.20%", "9.10%", "9.90%", "11.11%",
                       "26.40% (2023)", "↑ Better than 2023", "Below national"]
    assert rows[2] == ["2", "Recruitment*", "1.96", "1.30", "1.27", "1.14", "1.21", "1.59 (2023)",
                       "↓ Worse than 2023", "Better than national"]
    assert rows[3][6:] == ["1.83†", "1.03 (2023)", "↓ Worse than 2023", "Worse than national"]
    assert rows[4][6:] == ["Not calculable", "1.12 (2023)", "No comparison", "No comparison"]
    assert rows[5] == ["5", "Harassment from patients / public* Global Majority", "43.30%", "27.30%", "30.10%",
                       "40.50%", "30.21%", "31.43%", "↑ Better than 2023", "Better than national"]
    assert rows[6] == ["White, Harassment from patients / public", "31.20%", "27.60%", "29.00%", "26.00%",
                       "24.60%", "22.66%", "↑ Better than 2023", "Worse than national"]
    assert rows[9][0] == "7" and rows[9][-3:] == ["50.50%", "↓ Worse than 2023", "Better than national"]
    assert rows[13][-4:] == ["21.43%†", "15.60% (2023)", "↑ Better than 2023", "Above national"]
    page = response.get_data(as_text=True)
    assert '<span aria-hidden="true">↑</span> Better than 2023' in page
    assert "Import a year&#39;s data pack" not in page


def test_the_national_value_comes_from_the_migrated_series(client, app, national, viewer):
    service.enter_values(2023, {(2, "value"): 1.14}, None)
    db.session.commit()
    rows = tables(client.get("/indicators/").get_data(as_text=True))[0]
    assert rows[3] == ["2", "Recruitment*", "1.14", "1.59", "First year stored", "Better than national"]


def test_an_empty_table_says_so(client, viewer):
    page = client.get("/indicators/").get_data(as_text=True)
    assert "No results are stored yet." in page


def test_indicator_page_shows_chart_figures_and_breakdowns(client, years, viewer):
    response = client.get("/indicators/2")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<svg role="img" aria-label="Line chart of indicator 2, Recruitment, by year;' in page
    figures = tables(page)[0]
    assert figures[:3] == [["Figures in the chart"], ["Year", "Trust", "National"], ["2018 Entered", "1.96", "1.45"]]
    assert figures[6] == ["2024 Computed", "1.21", "Not published"]
    likelihood = tables(page)[1]
    assert likelihood[0] == ["Relative likelihood, 2024"]
    assert likelihood[2][:4] == ["All staff", "White: 418 appointed of 1,422 shortlisted "
                                 "Global Majority: 149 appointed of 612 shortlisted", "1.21", "1.03 to 1.42"]
    assert likelihood[2][4] == "Within the non-adverse range (0.80 to 1.25)"
    assert client.get("/indicators/10").status_code == 404
    assert client.get("/indicators/0").status_code == 404


def test_indicator_3_shows_small_numbers_and_the_figure_without_medical_staff(client, years, viewer):
    rows = tables(client.get("/indicators/3").get_data(as_text=True))[1]
    assert rows[2][2:5] == ["1.83", "0.53 to 6.37", "Above the non-adverse range (more than 1.25)"]
    assert rows[2][5] == "Small numbers: fewer than 10 in a group, so treat this figure with caution."
    assert rows[3][0] == "Excluding medical staff" and rows[3][2] == "Not calculable"


def test_survey_indicator_uses_the_bme_label_for_both_lines(client, years, viewer):
    page = client.get("/indicators/5").get_data(as_text=True)
    assert tables(page)[0][1] == ["Year", "Trust Global Majority", "National Global Majority", "Trust White",
                                  "National White"]
    assert tables(page)[0][6] == ["2024 Computed", "30.21%", "31.43%", "24.60%", "22.66%"]
    assert "Gap (Global Majority minus White)" in page and "5.61 percentage points" in page
    assert "BME" not in page.replace("WRES", "")


def test_indicator_1_breakdowns_and_aspirational_targets_for_another_target(client, years, viewer):
    page = client.get("/indicators/1").get_data(as_text=True)
    found = tables(page)
    clusters = next(table for table in found if table[0][0] == "By cluster")
    assert clusters[1] == ["Cluster", "Global Majority", "White", "Unknown", "Headcount", "Global Majority %",
                           "Global Majority % (Unknown excluded)"]
    assert clusters[2] == ["Band <1-4", "75", "680", "5", "760", "9.87%", "9.93%"]
    assert "Aspirational targets at 11.17%, all staff except medical" in page
    page = client.get("/indicators/1?target_percent=11.17&population=non-clinical").get_data(as_text=True)
    targets = next(table for table in tables(page) if table[0][0].startswith("Aspirational targets"))
    assert targets[0] == ["Aspirational targets at 11.17%, non-clinical staff"]
    assert targets[2] == ["Band 8a", "26", "2", "3", "+1"]
    assert targets[3] == ["Band 8b", "10", "0", "1", "+1"]
    page = client.get("/indicators/1?target_percent=500").get_data(as_text=True)
    assert "Error: Indicator 1" in page and "Enter the target as a percentage from 0 to 100" in page


def test_linked_actions_show_rag_and_latest_update_and_skip_closed_plans(client, years, viewer, make_plan,
                                                                         make_action, fixed_today):
    fixed_today(date(2024, 11, 1))
    plan = make_plan("2024-25")
    closed = make_plan("2023-24", status=PlanStatus.CLOSED.value)
    linked = make_action(plan, "1.2", text="Inclusive recruitment panels", indicators=[2, 3], rag="amber")
    make_action(plan, "1.1", text="Not about recruitment", indicators=[5])
    make_action(closed, "1.3", text="Last year's recruitment action", indicators=[2])
    long_text = "Panels trained. " * 20
    db.session.add_all([
        ProgressUpdate(action_id=linked.id, posted_at=datetime(2024, 9, 1, 9), as_at=date(2024, 9, 1),
                       rag="green", narrative="Older update"),
        ProgressUpdate(action_id=linked.id, posted_at=datetime(2024, 10, 1, 9), as_at=date(2024, 10, 1),
                       rag="amber", status="PROGRESS MADE", narrative=long_text),
    ])
    db.session.commit()
    page = client.get("/indicators/2").get_data(as_text=True)
    actions = tables(page)[-1]
    assert actions[:2] == [["Actions linked to WRES 2 in WRES action plan"], ["Action", "RAG", "Latest update"]]
    assert len(actions) == 3
    assert "2024-25: WRES action plan</h3>" in page and "1 action: Amber 1.</p>" in page
    assert actions[2][0] == "Action 1.2 Inclusive recruitment panels Due 31 December 2024"
    assert actions[2][1] == "Amber"
    assert actions[2][2] == f"1 October 2024 · Progress made {' '.join(long_text[:200].split())}…"
    assert f'href="/actions/{linked.id}"' in page
    assert "Older update" not in page and "Last year" not in page and "Not about recruitment" not in page


def _statements(app, client, url: str) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def _linked(plan, make_action, how_many: int, start: int) -> None:
    for number in range(start, start + how_many):
        action = make_action(plan, f"1.{number}", indicators=[2], owners=[])
        db.session.add(ProgressUpdate(action_id=action.id, posted_at=datetime(2024, 10, 1, 9),
                                      as_at=date(2024, 10, 1), rag="green", narrative=f"Update {number}"))
    db.session.commit()


def test_the_indicator_page_runs_the_same_queries_and_shows_ten_rows_for_5_or_200_actions(
        app, client, years, viewer, make_plan, make_action):
    plan = make_plan()
    _linked(plan, make_action, 5, 1)
    few = _statements(app, client, "/indicators/2")
    _linked(plan, make_action, 195, 6)
    many = _statements(app, client, "/indicators/2")
    page = client.get("/indicators/2").get_data(as_text=True)
    assert len(tables(page)[-1]) == 2 + 10
    assert f'<a href="/plans/{plan.id}?measure=wres:2">All 200 actions linked to WRES 2 in WRES action plan</a>' in page
    assert few == many
