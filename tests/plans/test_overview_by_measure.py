"""The plan overview's "By measure" and "By high impact action" tables."""
import re
from datetime import date

import pytest
from sqlalchemy import event, text

from tracker.extensions import db
from tracker.plans.queries import plan_overview


@pytest.fixture
def combined(make_plan, make_action, fixed_today):
    """A combined plan: two WRES 2 actions (red, overdue; amber), one WDES 4a(ii) + WRES 6 action (green),
    and one with no measure; HIAs 2, 2 and 6 + 1."""
    fixed_today(date(2025, 1, 15))
    plan = make_plan(title="EDI plan")
    plan.standard = "combined"
    first = make_action(plan, "1.1", text="Recruitment audit", by_when="Oct 2024")
    first.measures, first.high_impact_actions, first.rag = ["wres:2"], [2], "red"
    second = make_action(plan, "1.2", text="Shortlisting review", by_when="Mar 2025")
    second.measures, second.high_impact_actions, second.rag = ["wres:2"], [2], "amber"
    third = make_action(plan, "1.3", text="Manager harassment training", by_when="Mar 2025")
    third.measures, third.high_impact_actions, third.rag = ["wdes:4a_ii", "wres:6"], [6, 1], "green"
    make_action(plan, "1.4", text="Staff network budget")
    db.session.commit()
    return plan


def _rows(page: str, table_id: str) -> list[list[str]]:
    table = page[page.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]]


def test_a_combined_plan_has_a_row_for_every_wres_and_wdes_measure(client, combined, make_user, sign_in):
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{combined.id}/overview").get_data(as_text=True)
    rows = _rows(page, "by-measure")
    assert len(rows) == 9 + 14
    assert rows[0] == ["WRES 1 Workforce BME %", "0", ""]
    assert rows[1] == ["WRES 2 Recruitment", "2", "Red 1, Amber 1"]
    assert rows[5] == ["WRES 6 Harassment from staff", "1", "Green 1"]
    assert ["WDES 4a(ii) Harassment from managers", "1", "Green 1"] in rows
    assert rows[-1] == ["WDES 10 Board Disabled %", "0", ""]
    assert f'href="/plans/{combined.id}?measure=wdes:4a_ii"' in page


def test_a_wres_plan_lists_the_nine_indicators_as_before(client, make_plan, make_action, make_user, sign_in):
    plan = make_plan()
    make_action(plan, "1.1", indicators=[2, 5])
    sign_in(make_user("viewer"))
    rows = _rows(client.get(f"/plans/{plan.id}/overview").get_data(as_text=True), "by-measure")
    assert [row[0] for row in rows] == ["WRES 1 Workforce BME %", "WRES 2 Recruitment", "WRES 3 Disciplinary",
                                        "WRES 4 Training", "WRES 5 Harassment from patients / public",
                                        "WRES 6 Harassment from staff", "WRES 7 Belief in equal opportunities",
                                        "WRES 8 Discrimination at work", "WRES 9 Board BME %"]
    assert [row[1] for row in rows] == ["0", "1", "0", "0", "1", "0", "0", "0", "0"]


def test_a_wdes_plan_lists_wdes_metrics_and_any_wres_indicator_still_linked(make_plan, make_action, app):
    plan = make_plan()
    plan.standard = "wdes"
    action = make_action(plan, "1.1")
    action.measures = ["wdes:5", "wres:7"]
    db.session.commit()
    summary = plan_overview(plan, date(2025, 1, 15))
    assert [m.name for m, _count, _rag in summary.by_measure][:2] == ["WRES 7", "WDES 1"]
    assert len(summary.by_measure) == 15
    assert {m.name: count for m, count, _rag in summary.by_measure}["WDES 5"] == 1


def test_the_hia_table_counts_actions_rag_and_overdue_and_links_to_the_filtered_plan(client, combined, make_user,
                                                                                     sign_in):
    sign_in(make_user("viewer"))
    page = client.get(f"/plans/{combined.id}/overview").get_data(as_text=True)
    rows = _rows(page, "by-hia")
    assert [row[0][:6] for row in rows] == ["HIA 1 ", "HIA 2 ", "HIA 3 ", "HIA 4 ", "HIA 5 ", "HIA 6 "]
    assert rows[1] == ["HIA 2 Overhaul recruitment processes and embed talent management", "2", "Red 1, Amber 1", "1"]
    assert rows[0][1:] == ["1", "Green 1", "0"] and rows[5][1:] == ["1", "Green 1", "0"]
    assert rows[2][1:] == ["0", "", "0"]
    assert f'href="/plans/{combined.id}?hia=2"' in page
    filtered = client.get(f"/plans/{combined.id}?hia=2").get_data(as_text=True)
    assert "Recruitment audit" in filtered and "Shortlisting review" in filtered
    assert "Manager harassment training" not in filtered


def test_the_overview_costs_the_same_queries_however_many_measures_and_hias(client, combined, make_action,
                                                                            make_user, sign_in):
    """Both the request that computes the plan's summary after a change and the next one, which reads it."""
    sign_in(make_user("viewer"))
    url = f"/plans/{combined.id}/overview"
    client.get(url)
    seen = []

    def count(*_args):
        seen.append(1)

    def queries_of_two_requests() -> tuple[int, int]:
        seen.clear()
        client.get(url)
        computed = len(seen)
        seen.clear()
        client.get(url)
        return computed, len(seen)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        db.session.execute(text("UPDATE plan_revisions SET revision = revision + 1"))
        db.session.commit()
        before = queries_of_two_requests()
        for n in range(5, 12):
            action = make_action(combined, f"2.{n}", text=f"More {n}")
            action.measures, action.high_impact_actions = [f"wres:{n % 9 + 1}", "wdes:9b"], [n % 6 + 1]
        db.session.commit()
        after = queries_of_two_requests()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert after == before
    assert before[1] < before[0]
