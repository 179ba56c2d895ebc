"""Word documents for WDES and combined plans: measure names by plan kind, the HIA column, progress by high
impact action in the board pack, and the WDES summary from stored WDES years. Every file is reopened with
python-docx and read cell by cell."""
from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import docx
import pytest

from tests.indicators.test_app_pages import tables
from tests.indicators.wdes_packs import BOARD_MEMBERS, ROWS, two_results, workforce
from tests.reports import docx_checks
from tests.support import counting_queries, store_wdes_year
from tracker.extensions import db
from tracker.indicators.wdes import CapabilityYear, Recruitment, WdesInputs, compute_wdes
from tracker.indicators.wdes_results import Voices
from tracker.reports import service

TODAY = date(2025, 9, 30)


@pytest.fixture
def wdes_years(app):
    """2024: the extract and survey figures only. 2025: recruitment, capability (two years), more survey
    figures, engagement, voices and the board; metric 6 and 7 left out (not calculable)."""
    store_wdes_year(compute_wdes(WdesInputs(
        year=2024, workforce=workforce(ROWS, 2024),
        recruitment=Recruitment({"non-disabled": 400, "Disabled": 40}, {"non-disabled": 80, "Disabled": 4}),
        survey={"4a_i": {"disabled": 33.0, "non_disabled": 25.0, "disabled_responses": 170}},
        engagement={"disabled": 6.2, "non_disabled": 7.0, "overall": 6.8},
    )))
    store_wdes_year(compute_wdes(WdesInputs(
        year=2025, workforce=workforce(ROWS, 2025),
        recruitment=Recruitment({"non-disabled": 400, "Disabled": 45}, {"non-disabled": 100, "Disabled": 9}),
        capability=(CapabilityYear(2025, 2, 3), CapabilityYear(2024, 0, 5)),
        survey={"4a_i": {"disabled": 30.5, "non_disabled": 25.1, "disabled_responses": 180},
                "8": {"disabled": 70.2}},
        engagement={"disabled": 6.5, "non_disabled": 7.0, "overall": 6.9},
        voices=Voices(True, "Disability network chair sits on the People Committee."),
        board=BOARD_MEMBERS,
    )))


@pytest.fixture
def kinds(app, make_plan, make_action, fixed_today):
    """A plan of each kind with the same three actions: measures of the plan's standard(s) and HIAs."""
    fixed_today(TODAY)
    made = {}
    for kind in ("wres", "wdes", "combined"):
        plan = make_plan(year="2025-26", title=f"{kind.upper()} plan 2025-26")
        plan.standard = kind
        first = make_action(plan, "1.1", text="Debias shortlisting")
        second = make_action(plan, "1.2", text="Reasonable adjustments passport")
        make_action(plan, "1.3", text="Untagged action")
        first.measures = {"wres": ["wres:2"], "wdes": ["wdes:2"], "combined": ["wres:2", "wdes:4a_ii"]}[kind]
        second.measures = {"wres": ["wres:5", "wres:8"], "wdes": ["wdes:8", "wdes:4a_ii"],
                           "combined": ["wdes:8"]}[kind]
        first.high_impact_actions = [6, 2]
        second.high_impact_actions = [4]
        db.session.commit()
        made[kind] = plan
    return made


def _export(plan, document: str, **options):
    db.session.expire_all()
    loaded = service.load_plan(plan.id)
    return service.export_document(loaded, service.ExportOptions(document, TODAY, **options))


def _open(exported):
    return docx.Document(BytesIO(exported.content))


def _cells(table) -> list[list[str]]:
    """Each row's cells' text (a merged theme row once)."""
    rows = []
    for row in table.rows:
        seen, texts = set(), []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                texts.append(cell.text)
        rows.append(texts)
    return rows


def _by_ref(table) -> dict[str, list[str]]:
    return {row[0].split(" ")[0]: row for row in _cells(table)[1:] if len(row) > 1}


@pytest.mark.parametrize(("kind", "header", "first", "second"), [
    ("wres", "Relates to WRES indicator(s)", "WRES 2", "WRES 5; WRES 8"),
    ("wdes", "Relates to WDES metric(s)", "WDES 2", "WDES 4a(ii); WDES 8"),
    ("combined", "Relates to WRES / WDES measure(s)", "WRES 2; WDES 4a(ii)", "WDES 8"),
])
def test_appendix_2_names_each_measure_with_its_standard_under_a_heading_for_the_plan_kind(
        kinds, kind, header, first, second):
    exported = _export(kinds[kind], "appendix2", style="2021")
    table = _open(exported).tables[0]
    assert _cells(table)[0] == ["Action", header, "By who", "By when", "Comments / progress to date",
                                "Where reported / monitored"]
    rows = _by_ref(table)
    assert (rows["1.1"][1], rows["1.2"][1], rows["1.3"][1]) == (first, second, "")
    assert exported.filename == f"{ {'wres': 'wres', 'wdes': 'wdes', 'combined': 'edi'}[kind] }-appendix-2-2025-26.docx"


@pytest.mark.parametrize(("kind", "first_column"), [
    ("wres", "WRES Priority Areas"), ("wdes", "WDES Priority Areas"), ("combined", "WRES and WDES Priority Areas"),
])
def test_appendix_1s_2024_layout_names_the_plans_standard_in_its_first_column(kinds, kind, first_column):
    tables = _open(_export(kinds[kind], "appendix1", appendix1_style="2024")).tables
    assert [_cells(table)[0][0] for table in tables if "Priority Areas" in _cells(table)[0][0]] == [first_column]


@pytest.mark.parametrize("style", ["2021", "2024"])
def test_the_hia_column_is_there_only_when_asked_for(kinds, style):
    plan = kinds["combined"]
    plain = _open(_export(plan, "appendix2", style=style)).tables[0]
    assert "HIA" not in _cells(plain)[0]
    table = _open(_export(plan, "appendix2", style=style, show_hia=True)).tables[0]
    header = _cells(table)[0]
    assert header.count("HIA") == 1 and len(header) == len(_cells(plain)[0]) + 1
    column = header.index("HIA")
    rows = _by_ref(table)
    assert (rows["1.1"][column], rows["1.2"][column], rows["1.3"][column]) == ("HIA 2; HIA 6", "HIA 4", "")


def test_the_documents_page_offers_the_hia_column_off_by_default_and_posts_it(client, sign_in, make_user, kinds):
    plan = kinds["wdes"]
    sign_in(make_user("admin"))
    page = client.get(f"/plans/{plan.id}/documents").get_data(as_text=True)
    assert "Show the high impact actions column" in page
    assert 'id="appendix2-show_hia" name="appendix2-show_hia" type="checkbox" value="y"  aria' in page
    data = {"appendix2-title": "Appendix 2", "appendix2-style": "2021", "appendix2-as_at": "2025-09-30"}
    without = docx.Document(BytesIO(client.post(f"/plans/{plan.id}/documents/appendix2", data=data).data))
    with_hia = docx.Document(BytesIO(client.post(f"/plans/{plan.id}/documents/appendix2",
                                                 data={**data, "appendix2-show_hia": "y"}).data))
    assert "HIA" not in _cells(without.tables[0])[0]
    assert _cells(with_hia.tables[0])[0][:3] == ["Action", "Relates to WDES metric(s)", "HIA"]


def _hia_table(document):
    return next(table for table in document.tables if _cells(table)[0][:2] == ["HIA", "High impact action"])


def test_board_pack_counts_the_plan_by_high_impact_action(kinds, make_action, monkeypatch):
    monkeypatch.setattr(service, "indicator_summary", lambda: service.EMPTY_SUMMARY)
    plan = kinds["wres"]
    actions = {a.ref: a for a in plan.actions}
    actions["1.1"].rag, actions["1.1"].by_when, actions["1.1"].due_on = "red", "Mar 2025", date(2025, 3, 31)
    actions["1.2"].rag, actions["1.2"].by_when, actions["1.2"].due_on = "green", "Mar 2026", date(2026, 3, 31)
    late = make_action(plan, "1.4", text="Late and untagged", by_when="June 2025")
    late.rag = "amber"
    blue = make_action(plan, "1.5", text="Done and untagged", by_when="June 2025")
    blue.rag = "blue"
    db.session.commit()
    document = _open(_export(plan, "pack"))
    rows = _cells(_hia_table(document))
    assert rows[0] == ["HIA", "High impact action", "Actions", "Red", "Amber", "Green", "Blue (complete)",
                       "Not rated", "Overdue"]
    assert rows[1:] == [
        ["HIA 1", "Measurable EDI objectives for chairs, chief executives and board members",
         "0", "0", "0", "0", "0", "0", "0"],
        ["HIA 2", "Overhaul recruitment processes and embed talent management", "1", "1", "0", "0", "0", "0", "1"],
        ["HIA 3", "Eliminate pay gaps (sex, race and disability)", "0", "0", "0", "0", "0", "0", "0"],
        ["HIA 4", "Address health inequalities within the workforce", "1", "0", "0", "1", "0", "0", "0"],
        ["HIA 5", "Support for internationally recruited staff", "0", "0", "0", "0", "0", "0", "0"],
        ["HIA 6", "Eliminate the conditions for bullying, discrimination, harassment and physical violence",
         "1", "1", "0", "0", "0", "0", "1"],
        ["–", "No high impact action", "3", "0", "1", "0", "1", "1", "2"],
    ]
    texts = [p.text for p in document.paragraphs]
    assert "Progress by high impact action" in texts
    assert any(t.startswith("The plan's 5 actions counted by the EDI Improvement Plan's high impact action")
               and "as at 30 September 2025" in t for t in texts)


def test_board_pack_queries_stay_fixed_as_the_plan_grows(kinds, make_action, wdes_years):
    plan = kinds["combined"]

    def count() -> int:
        with counting_queries() as counted:
            _export(plan, "pack", show_hia=True)
        return counted[0]

    before = count()
    for n in range(4, 24):
        action = make_action(plan, f"2.{n}", text="More")
        action.measures = ["wres:1", "wdes:1"]
        action.high_impact_actions = [n % 6 + 1]
    db.session.commit()
    # Unrated actions added: the plan's summary is counted again but its RAG over time is kept, one query fewer.
    assert count() <= before


def _paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_wdes_summary_document_reads_the_latest_stored_year_against_the_one_before(kinds, wdes_years):
    exported = _export(kinds["wdes"], "wdes")
    assert exported.filename == "wdes-summary-2025-26.docx"
    document = _open(exported)
    assert _paragraphs(document)[:2] == ["WDES summary 2025", "Data as at 31 March 2025, against 2024."]
    metrics, declaration = document.tables
    rows = _cells(metrics)
    assert rows[0] == ["Metric", "Short title", "Disabled", "Non-disabled", "Relative likelihood (95% CI)",
                       "Last year (2024)", "National", "Trend"]
    by_metric = {row[0] + (" " + row[1].split(": ")[1] if row[0] == "10" else ""): row for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4a(i)", "4a(ii)", "4a(iii)", "4b", "5", "6", "7", "8",
                                            "9a", "9b", "10", "10"]
    # Metric 1: 5 of 20 Disabled, 9 of 20 non-disabled; the same extract both years.
    # Judged by the declaration rate, as on the WDES pages: 70.0% both years. National: 4.9% Disabled in 2023.
    assert by_metric["1"][1:] == ["Workforce Disabled %", "25.0%", "45.0%", "–", "25.0%", "4.9%\n(2023)",
                                  "Declaration rate: No change"]
    # Metric 2: non-disabled 100 / 400 = 25% against Disabled 9 / 45 = 20%: 1.25; last year 20% / 10% = 2.00.
    two = by_metric["2"]
    assert two[2:4] == ["20.0%", "25.0%"]
    assert two[4].startswith("1.25\n(") and "small numbers: treat with caution" in two[4]
    assert two[4].startswith("1.25\n(0.68 to 2.30)")
    assert (two[5], two[6], two[7]) == ("2.00", "–", "Better than last year")
    # Metric 3: entries averaged over 2024 and 2025: Disabled 1 / 5 = 20%, non-disabled 4 / 9 = 44.44%: 0.45.
    three = by_metric["3"]
    assert three[2:4] == ["20.0%", "44.4%"] and three[4].startswith("0.45\n(0.07 to 3.01)")
    assert three[5:] == ["Not calculable\n(no capability process figures by disability)", "2.17\n(2023)",
                         "Not comparable"]
    assert by_metric["4a(i)"][2:] == ["30.5%", "25.1%", "–", "33.0%", "–", "Better than last year"]
    assert by_metric["8"][2:] == ["70.2%", "–", "–", "Not calculable\n(no staff survey figures for metric 8)",
                                  "73.4%\n(2023)", "Not comparable"]
    assert by_metric["9a"][2:] == ["6.50", "7.00", "–", "6.20", "–", "Better than last year"]
    assert (by_metric["9b"][2], by_metric["9b"][7]) == ("Yes", "–")
    # Board: voting members 1 Disabled of 5 (20%) against 25% of the workforce: -5 points.
    assert by_metric["10 voting membership, difference from the workforce"][2] == "−5.0 pp"
    assert by_metric["10 executive membership, difference from the workforce"][2] == "+8.3 pp"
    assert _cells(declaration) == [
        ["Staff", "2025", "2024"],
        ["Disabled", "25.0%", "25.0%"], ["Non-disabled", "45.0%", "45.0%"],
        ["Not declared", "30.0%", "30.0%"],
        ["Declaration rate (declared Disabled or non-disabled)", "70.0%", "70.0%"],
    ]


def test_a_figure_that_cannot_be_calculated_says_so_with_its_reason_never_0(kinds, wdes_years):
    rows = {row[0]: row for row in _cells(_open(_export(kinds["wdes"], "wdes")).tables[0])[1:]}
    assert rows["6"][2] == "Not calculable\n(no staff survey figures for metric 6)"
    assert rows["7"][3] == "Not calculable\n(no staff survey figures for metric 7)"
    assert rows["4a(ii)"][2:4] == ["Not calculable\n(no staff survey figures for metric 4a(ii))"] * 2
    assert not [cell for row in rows.values() for cell in row[2:] if cell in ("0", "0.00", "0.0%", "0.0 pp")]


def _page_trends(client) -> dict[str, str]:
    """The WDES page's trend cell per metric label ("1", "4a(i)"), its years in brackets left out."""
    rows = tables(client.get("/wdes/").get_data(as_text=True))[0][2:]
    return {row[0].split(":")[0].removeprefix("WDES "): re.sub(r" \(\d{4} to \d{4}\)", "", row[-1]) for row in rows}


def test_the_word_trend_words_are_the_wdes_pages_for_the_same_stored_years(kinds, client, make_user, sign_in):
    for result in two_results():
        store_wdes_year(result)
    sign_in(make_user("viewer"))
    page = _page_trends(client)
    word = {}
    for row in _cells(_open(_export(kinds["wdes"], "wdes")).tables[0])[1:]:
        word.setdefault(row[0], []).append(row[7])
    # By hand (tests/indicators/test_wdes_pages.py): the declaration rate 70.0% both years; metric 2 2.00 to 1.25;
    # metric 3 has no 2024 figure; 4a(i) 35.0% to 30.5%, lower is better; 8 72.0% to 70.2%, higher is better;
    # 9a 6.20 to 6.50; no board in 2024.
    assert word == {"1": ["Declaration rate: No change"], "2": ["Better than last year"], "3": ["Not comparable"],
                    "4a(i)": ["Better than last year"], "4a(ii)": ["Not comparable"], "4a(iii)": ["Not comparable"],
                    "4b": ["Not comparable"], "5": ["Not comparable"], "6": ["Not comparable"],
                    "7": ["Not comparable"], "8": ["Worse than last year"], "9a": ["Better than last year"],
                    "9b": ["–"], "10": ["Not comparable", "Not comparable"]}
    for label, trends in word.items():
        if label == "9b":
            assert page[label] == "Not comparable (a narrative answer)"
        elif label == "10":
            assert page[label] == f"Voting members: {trends[0]} Executive members: {trends[1]}"
        else:
            assert page[label] in (trends[0], f"Disabled: {trends[0]}"), label


def test_the_national_column_gives_the_published_figure_and_names_its_source(kinds, wdes_years):
    document = _open(_export(kinds["wdes"], "wdes"))
    rows = {row[0]: row for row in _cells(document.tables[0])[1:]}
    assert {label: rows[label][6] for label in ("1", "2", "3", "4a(i)", "8", "9a")} == {
        "1": "4.9%\n(2023)", "2": "–", "3": "2.17\n(2023)", "4a(i)": "–", "8": "73.4%\n(2023)", "9a": "–"}
    notes = [text for text in _paragraphs(document) if text.startswith("National figures")]
    assert notes == ['National figures (the year in brackets) are shown only where they can be cited. Source: '
                     'NHS Employers, "Workforce Disability Equality Standard 2023 report findings" (18 March 2024), '
                     "on NHS England's WDES 2023 data analysis report."]
    # The note sits under the metrics table, before the declaration table.
    body = [getattr(item, "text", "TABLE") for item in document.iter_inner_content()]
    tables_at = [index for index, item in enumerate(body) if item == "TABLE"]
    assert tables_at[0] < body.index(notes[0]) < tables_at[1]


def test_no_national_figure_is_shown_for_years_before_the_first_published(kinds):
    store_wdes_year(compute_wdes(WdesInputs(year=2021, survey={"8": {"disabled": 70.0}})))
    document = _open(_export(kinds["wdes"], "wdes"))
    assert {row[6] for row in _cells(document.tables[0])[1:]} == {"–"}
    assert "National figures are shown only where they can be cited: none for the metrics and years shown." \
        in _paragraphs(document)


def test_the_board_pack_wdes_summary_names_the_national_source_too(kinds, wdes_years, monkeypatch):
    monkeypatch.setattr(service, "indicator_summary", lambda: service.EMPTY_SUMMARY)
    texts = _paragraphs(_open(_export(kinds["wdes"], "pack")))
    assert any(text.startswith("National figures (the year in brackets)") and "NHS Employers" in text
               for text in texts)


def test_wdes_summary_says_when_no_year_is_stored(kinds):
    document = _open(_export(kinds["wdes"], "wdes"))
    assert _paragraphs(document) == ["WDES summary", "No WDES figures are stored yet, so there is no summary to show."]


def _headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def test_board_pack_of_each_plan_kind_carries_its_standards_summaries(kinds, wdes_years, monkeypatch):
    monkeypatch.setattr(service, "indicator_summary", lambda: service.EMPTY_SUMMARY)
    headings = {kind: _headings(_open(_export(plan, "pack"))) for kind, plan in kinds.items()}
    assert headings["wres"][:2] == ["WRES indicator summary", "Action plan 2025-26: RAG by theme and over time"]
    assert "WDES summary 2025" not in headings["wres"]
    assert headings["wdes"][:2] == ["WDES summary 2025", "Action plan 2025-26: RAG by theme and over time"]
    assert "WRES indicator summary" not in headings["wdes"]
    assert headings["combined"][:3] == ["WRES indicator summary", "WDES summary 2025",
                                        "Action plan 2025-26: RAG by theme and over time"]
    for kind in kinds:
        assert "Progress by high impact action" in headings[kind]
    pack = _open(_export(kinds["wdes"], "pack"))
    assert _paragraphs(pack)[0] == "Workforce Disability Equality Standard (WDES) Report 2025-26"


@pytest.mark.parametrize("document", ["wdes", "pack", "appendix2"])
def test_the_new_documents_pass_the_accessibility_checks(kinds, wdes_years, document):
    built = _open(_export(kinds["combined"], document, show_hia=True, style="2021"))
    assert docx_checks.all_problems(built) == {name: [] for name in docx_checks.CHECKS}
