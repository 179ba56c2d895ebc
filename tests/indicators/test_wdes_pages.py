"""The WDES metrics table, one metric's page (breakdowns, chart, declaration rate), and the actions linked to it.

Two years are seeded as the import will store them: a WdesResult computed with `compute_wdes`, its
to_dict() on the year and one row per headline figure. By hand:

2024 (10 staff: rows 1-10 of the extract): Disabled rows 1, 5, 9 = 3; non-disabled 2, 4, 8, 10 = 4;
not declared 3, 6, 7 = 3: 30.0%, 40.0%, 30.0%, declaration rate 70.0%. Metric 2: (60 / 300) /
(5 / 50) = 2.00, SE of ln RR = sqrt(1/60 - 1/300 + 1/5 - 1/50) = 0.43970, so the
95% CI is 2.00 × e^∓0.86181 = 0.84 to 4.73 (small numbers: 5 Disabled appointed). Metric 3: no figures (not calculable). 4a(i): 35.0% Disabled, 24.0% non-disabled.
8: 72.0%. 9a: 6.20 Disabled, 7.10 non-disabled.

2025 (all 20 staff): 5, 9, 6: 25.0%, 45.0%, 30.0%, declaration rate 70.0% (no change). Metric 2:
(100 / 400) / (9 / 45) = 1.25, 95% CI 0.68 to 2.30, small numbers (9 Disabled appointed): closer to
1.00 than 2.00, so better. Metric 3: entries averaged over 2024 and 2025, (1 / 5) / (4 / 9) = 0.45,
CI 0.07 to 3.01; no 2024 figure, so not comparable. 4a(i): 30.5% against 35.0%: lower is better.
8: 70.2% against 72.0%: worse. 9a: 6.50 against 6.20: better. Metric 10: voting members 1 Disabled
of 5 = 20.0%, minus 25.0% = -5.0 pp; executive 1 of 3 = 33.3%, + 8.3 pp.
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import event

from tests.indicators.test_app_pages import tables
from tests.indicators.wdes_packs import two_results
from tests.support import store_wdes_year
from tracker.actions.models import ProgressUpdate
from tracker.extensions import db
from tracker.indicators.wdes import WdesInputs, compute_wdes
from tracker.indicators.wdes_figures import national_values
from tracker.plans.models import PlanStatus


@pytest.fixture
def two_years(app):
    for result in two_results():
        store_wdes_year(result)


@pytest.fixture
def viewer(make_user, sign_in):
    user = make_user("viewer")
    sign_in(user)
    return user


def text(page: str) -> str:
    """The page's words, tags left out, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _row(page: str, starts: str) -> list[str]:
    table = tables(page)[0]
    return next(row for row in table if row and row[0].startswith(starts))


def test_the_metrics_table_shows_two_years_rounded_with_trend_words(client, two_years, viewer):
    page = client.get("/wdes/").get_data(as_text=True)
    caption, header = tables(page)[0][:2]
    assert caption == ["Trust performance against the WDES metrics, 2024 to 2025"]
    assert header == ["Metric", "2024 Computed", "2025 Computed", "National", "Trend 2024 to 2025"]
    assert _row(page, "WDES 1:") == [
        "WDES 1: Workforce Disabled % Higher is better",
        "Disabled: 30.0% Non-disabled: 40.0% Not declared: 30.0% Declaration rate: 70.0%",
        "Disabled: 25.0% Non-disabled: 45.0% Not declared: 30.0% Declaration rate: 70.0%",
        "Disabled: 4.9% (2023)‡", "Declaration rate: No change (2024 to 2025)"]
    assert _row(page, "WDES 2:") == [
        "WDES 2: Appointment from shortlisting Closer to 1.00 is better (1.00 is parity)",
        "2.00 95% CI 0.84 to 4.73 Small numbers: treat with caution",
        "1.25 95% CI 0.68 to 2.30 Small numbers: treat with caution",
        "Not published here", "Better than last year (2024 to 2025)"]
    metric_3 = _row(page, "WDES 3:")
    assert metric_3[1] == "Not calculable No capability process figures by disability"
    assert metric_3[2].startswith("0.45 95% CI 0.07 to 3.01")
    assert metric_3[3:] == ["2.17 (2023)‡", "Not comparable"]
    assert _row(page, "WDES 4a(i):")[1:] == [
        "Disabled: 35.0% Non-disabled: 24.0%", "Disabled: 30.5% Non-disabled: 25.1%", "Not published here",
        "Disabled: Better than last year (2024 to 2025)"]
    assert _row(page, "WDES 8:")[1:] == ["Disabled: 72.0%", "Disabled: 70.2%", "Disabled: 73.4% (2023)‡",
                                         "Disabled: Worse than last year (2024 to 2025)"]
    assert _row(page, "WDES 9a:")[1:3] == ["Disabled: 6.20 Non-disabled: 7.10", "Disabled: 6.50 Non-disabled: 7.00"]
    assert _row(page, "WDES 10:")[2] == "Voting members: -5.0 pp Executive members: +8.3 pp"
    assert _row(page, "WDES 9b:")[2] == "Answer: Yes"


def test_figures_not_calculable_are_never_shown_as_0(client, two_years, viewer):
    page = client.get("/wdes/").get_data(as_text=True)
    metric_5 = _row(page, "WDES 5:")
    # the same reason for both figures is given once
    assert metric_5[1] == metric_5[2] == "Not calculable No staff survey figures for metric 5"
    assert "0.0%" not in " ".join(metric_5)
    board_2024 = _row(page, "WDES 10:")[1]
    assert board_2024 == "Not calculable No board membership by disability"


def test_the_national_figures_name_their_source(client, two_years, viewer):
    page = client.get("/wdes/").get_data(as_text=True)
    assert "Workforce Disability Equality Standard 2023 report findings" in page
    assert {item.source.split(",")[0] for item in national_values()} == {"NHS Employers"}
    detail = client.get("/wdes/8").get_data(as_text=True)
    assert "73.4% in 2023. Source: NHS Employers" in detail


def test_the_declaration_rate_and_why_it_matters(client, two_years, viewer):
    index = client.get("/wdes/").get_data(as_text=True)
    assert "Declaration rate 2025: 70.0%" in " ".join(index.split())
    assert "about 3% against about 18%" in index
    page = client.get("/wdes/1").get_data(as_text=True)
    assert 'id="declaration"' in page and "Understanding the WDES metrics" in page
    assert "2024 70.0% 2025 70.0% Trend No change (2024 to 2025)" in text(page)


def test_metric_1_page_shows_disabled_non_disabled_and_not_declared_side_by_side(client, two_years, viewer):
    page = client.get("/wdes/1").get_data(as_text=True)
    found = {table[0][0]: table for table in tables(page)}
    assert found["Overall workforce, 2025"][1] == ["Group", "Headcount", "Disabled", "Non-disabled", "Not declared",
                                                  "Declaration rate"]
    assert found["Overall workforce, 2025"][2][1:] == ["20", "5 (25.0%)", "9 (45.0%)", "6 (30.0%)", "70.0%"]
    assert found["Non-clinical staff by cluster, 2025"][2] == [
        "Cluster 1: AfC bands under 1 to 4", "4", "1 (25.0%)", "1 (25.0%)", "2 (50.0%)", "50.0%"]
    assert "By category, 2025" in found and "Clinical staff by cluster, 2025" in found
    assert "Every member of staff counted falls in a cluster." in page
    earlier = client.get("/wdes/1?year=2024").get_data(as_text=True)
    assert "Overall workforce, 2024" in earlier


def test_metric_2_and_3_pages_give_rates_interval_flag_and_years_averaged(client, two_years, viewer):
    page = " ".join(client.get("/wdes/2").get_data(as_text=True).split())
    assert "0.68 to 2.30: it includes 1.00, so the difference may be chance" in page
    assert "Yes: a group has fewer than 10" in page
    rates = next(t for t in tables(page) if t[0] == ["Relative likelihood, 2025"])
    assert rates[2] == ["Non-disabled", "100", "400", "0.25"] and rates[3] == ["Disabled", "9", "45", "0.20"]
    capability = " ".join(client.get("/wdes/3").get_data(as_text=True).split())
    assert "Years averaged</dt> <dd class=\"nhsuk-summary-list__value\">2024 and 2025" in capability


def test_survey_board_and_voices_breakdowns(client, two_years, viewer):
    survey = " ".join(client.get("/wdes/4a_i").get_data(as_text=True).split())
    assert "30.5% (180 responses)" in survey and "+5.4 pp" in survey
    board = " ".join(client.get("/wdes/10").get_data(as_text=True).split())
    assert "1 of 5 Disabled (20.0%)" in board and "<strong>-5.0 pp</strong>" in board and "25.0%" in board
    voices = client.get("/wdes/9b").get_data(as_text=True)
    assert "Disability network chair sits on the People Committee." in voices


def test_each_metric_page_has_a_chart_with_every_figure_and_a_table(client, two_years, viewer):
    page = client.get("/wdes/4a_i").get_data(as_text=True)
    assert 'role="img"' in page and "<title id=\"wdes-chart-title\">WDES 4a(i)" in page
    assert "Disabled staff: 2024 35.0%, 2025 30.5%; Non-disabled staff: 2024 24.0%, 2025 25.1%." in page
    assert 'stroke-dasharray="6 4"' in page  # the non-disabled line differs by pattern, not colour alone
    figures = next(t for t in tables(page) if t[0][0].startswith("Figures by year"))
    assert figures[2] == ["2024 Computed", "35.0%", "24.0%"]


def test_unknown_metric_or_year_is_not_found(client, two_years, viewer):
    assert client.get("/wdes/11").status_code == 404
    assert client.get("/wdes/4a").status_code == 404
    assert client.get("/wdes/2?year=2019").status_code == 404
    assert client.get("/wdes/2?year=2024").status_code == 200


def test_pages_need_sign_in(client, two_years):
    for url in ("/wdes/", "/wdes/2"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_empty_table_links_admins_to_the_import(client, make_user, sign_in):
    sign_in(make_user("admin"))
    page = client.get("/wdes/").get_data(as_text=True)
    assert "No WDES results are stored yet." in page and 'href="/wdes/import"' in page


def test_with_years_stored_admins_still_find_the_import_and_the_entry_of_published_figures(
        client, make_user, sign_in, two_years):
    sign_in(make_user("admin"))
    page = client.get("/wdes/").get_data(as_text=True)
    assert "No WDES results are stored yet." not in page
    assert 'href="/wdes/import">Import a year\'s WDES data pack</a>' in page
    assert '<a href="/wdes/enter">Enter published WDES figures for a past year</a>' in page


def test_with_years_stored_others_are_not_offered_the_import(client, viewer, two_years):
    page = client.get("/wdes/").get_data(as_text=True)
    assert "Trust performance against the WDES metrics" in page
    assert "/wdes/import" not in page and "/wdes/enter" not in page


def test_the_empty_table_does_not_offer_the_import_to_others(client, viewer):
    page = client.get("/wdes/").get_data(as_text=True)
    assert "No WDES results are stored yet." in page and "/wdes/import" not in page
    assert client.get("/wdes/2").status_code == 200


def test_the_header_links_to_the_wdes_metrics(client, viewer):
    page = client.get("/wdes/").get_data(as_text=True)
    assert 'href="/wdes/" aria-current="page"><strong class="nhsuk-header__navigation-item-current-fallback">WDES metrics' in page


def _link(action, code: str) -> None:
    action.measures = [*action.measures, code]
    db.session.commit()


def test_linked_actions_show_rag_word_and_latest_update_and_skip_closed_plans(client, two_years, viewer, make_plan,
                                                                              make_action, make_user, fixed_today):
    fixed_today(date(2025, 11, 1))
    plan = make_plan("2025-26", title="WDES action plan")
    closed = make_plan("2024-25", title="Old plan", status=PlanStatus.CLOSED.value)
    owner = make_user("owner")
    linked = make_action(plan, "2.1", text="Guaranteed interview for Disabled applicants", rag="amber", owners=[owner])
    _link(linked, "wdes:2")
    wres_only = make_action(plan, "2.2", text="WRES recruitment only", indicators=[2])
    other = make_action(plan, "2.3", text="About metric 5")
    _link(other, "wdes:5")
    gone = make_action(closed, "2.4", text="Last year's action")
    _link(gone, "wdes:2")
    db.session.add_all([
        ProgressUpdate(action_id=linked.id, posted_at=datetime(2025, 9, 1, 9), as_at=date(2025, 9, 1),
                       rag="green", narrative="Older update"),
        ProgressUpdate(action_id=linked.id, posted_at=datetime(2025, 10, 1, 9), as_at=date(2025, 10, 1),
                       rag="amber", narrative="Scheme launched in two divisions"),
    ])
    db.session.commit()
    page = client.get("/wdes/2").get_data(as_text=True)
    actions = tables(page)[-1]
    assert actions[:2] == [["Actions linked to WDES 2 in WDES action plan"], ["Action", "RAG", "Latest update"]]
    assert "2025-26: WDES action plan</h3>" in page and "1 action: Amber 1. 1 is overdue.</p>" in page
    assert actions[2:] == [[
        "Action 2.1 Guaranteed interview for Disabled applicants Due 31 December 2024 "
        f"Owner: {owner.name}",
        "Amber", "1 October 2025 Scheme launched in two divisions"]]
    assert f'href="/actions/{linked.id}"' in page
    for absent in ("Older update", wres_only.text, other.text, gone.text):
        assert absent not in page


def _statements(client, url: str) -> int:
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
        action = make_action(plan, f"1.{number}", owners=[])
        action.measures = ["wdes:2"]
        db.session.add(ProgressUpdate(action_id=action.id, posted_at=datetime(2025, 10, 1, 9),
                                      as_at=date(2025, 10, 1), rag="green", narrative=f"Update {number}"))
    db.session.commit()


def test_the_metric_page_runs_the_same_queries_and_shows_ten_rows_for_5_or_60_actions(client, two_years, viewer,
                                                                                    make_plan, make_action):
    plan = make_plan()
    _linked(plan, make_action, 5, 1)
    few = _statements(client, "/wdes/2")
    _linked(plan, make_action, 55, 6)
    page = client.get("/wdes/2").get_data(as_text=True)
    assert len(tables(page)[-1]) == 2 + 10
    assert f'<a href="/plans/{plan.id}?measure=wdes:2">All 60 actions linked to WDES 2 in WRES action plan</a>' in page
    assert _statements(client, "/wdes/2") == few


def test_the_metrics_table_runs_the_same_queries_for_2_or_6_years(client, two_years, viewer):
    few = _statements(client, "/wdes/")
    for year in (2020, 2021, 2022, 2023):
        store_wdes_year(compute_wdes(WdesInputs(year=year, survey={"5": {"disabled": 50.0, "non_disabled": 55.0}})))
    assert _statements(client, "/wdes/") == few


#: A year typed in from a published report: some figures of every kind, 5's non-disabled figure left out.
ENTERED_2022 = {("1", "disabled"): 4.96, ("1", "non_disabled"): 86.74, ("1", "not_declared"): 8.3,
                ("1", "declaration_rate"): 91.7, ("2", "value"): 3.24, ("3", "value"): 1.5,
                ("4a_i", "disabled"): 30.0, ("4a_i", "non_disabled"): 26.5, ("4a_ii", "disabled"): 18.0,
                ("4a_ii", "non_disabled"): 12.0, ("4a_iii", "disabled"): 25.0, ("4a_iii", "non_disabled"): 20.0,
                ("4b", "disabled"): 47.0, ("4b", "non_disabled"): 45.0, ("5", "disabled"): 51.0,
                ("6", "disabled"): 30.0, ("6", "non_disabled"): 21.0, ("7", "disabled"): 33.0,
                ("7", "non_disabled"): 41.0, ("8", "disabled"): 71.5, ("9a", "disabled"): 6.1,
                ("9a", "non_disabled"): 6.9, ("9a", "overall"): 6.8, ("9b", "answer"): 1.0,
                ("10", "voting"): -4.96, ("10", "executive"): 10.04}
#: The metrics whose breakdowns (bands, the counts behind a likelihood, board members) a report's figures lack.
NO_BREAKDOWNS = {"1", "2", "3", "10"}


@pytest.fixture
def entered_year(app):
    from tracker.indicators import wdes_service

    wdes_service.enter_year(2022, ENTERED_2022, None, narrative="A Disabled staff network meets monthly.")
    db.session.commit()


def test_every_metric_page_renders_a_year_typed_in_with_its_figures(client, entered_year, viewer):
    from tracker.indicators.wdes_queries import KEYS

    for key in KEYS:
        response = client.get(f"/wdes/{key}")
        assert response.status_code == 200, key
        page = text(response.get_data(as_text=True))
        assert "Results for 2022" in page, key
        no_breakdowns = "No breakdowns are stored for this metric in 2022: the year was entered from a published report."
        assert (no_breakdowns in page) == (key in NO_BREAKDOWNS), key
        if key != "9b":
            figures = next(t for t in tables(response.get_data(as_text=True)) if t[0][0].startswith("Figures by year"))
            assert figures[2][0] == "2022 Entered" and all(cell for cell in figures[2][1:]), key
    assert "2022 Entered 3.24" in text(client.get("/wdes/2").get_data(as_text=True))
    assert "Voting members Executive members 2022 Entered -5.0 pp +10.0 pp" in text(client.get("/wdes/10").get_data(as_text=True))


def test_a_typed_in_year_shows_the_survey_figures_and_the_gap_and_says_what_was_not_entered(client, entered_year,
                                                                                             viewer):
    survey = text(client.get("/wdes/4a_i").get_data(as_text=True))
    assert "Disabled staff 30.0% Non-disabled staff 26.5% Gap (Disabled minus non-disabled) +3.5 pp" in survey
    five = text(client.get("/wdes/5").get_data(as_text=True))
    assert "Disabled staff 51.0% Non-disabled staff Not entered Gap (Disabled minus non-disabled) Not calculable" in five
    eight = text(client.get("/wdes/8").get_data(as_text=True))
    assert "Disabled staff 71.5% Non-disabled staff Not asked" in eight
    engagement = text(client.get("/wdes/9a").get_data(as_text=True))
    assert ("Disabled staff 6.10 out of 10 Non-disabled staff 6.90 out of 10 Whole organisation 6.80 out of 10 "
            "Gap (Disabled minus non-disabled) -0.80") in engagement


def test_a_typed_in_year_shows_9b_answer_and_its_narrative(client, entered_year, viewer):
    voices = text(client.get("/wdes/9b").get_data(as_text=True))
    assert "Answer Yes What the trust has done A Disabled staff network meets monthly." in voices
    assert "No breakdowns are stored" not in voices


def test_a_typed_in_year_without_a_narrative_still_gives_9b_answer(client, viewer):
    from tracker.indicators import wdes_service

    wdes_service.enter_year(2021, {("9b", "answer"): 0.0, ("5", "disabled"): 50.0}, None)
    db.session.commit()
    voices = text(client.get("/wdes/9b").get_data(as_text=True))
    assert "Answer No What the trust has done No narrative given" in voices
    assert client.get("/wdes/1").status_code == 200
