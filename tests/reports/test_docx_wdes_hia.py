"""Word documents for WDES and combined plans: measure names by plan kind, the HIA column, progress by high
impact action in the board pack, and the WDES summary from stored WDES years. Every file is reopened with
python-docx and read cell by cell."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import pandas as pd
import pytest

from tests.reports import docx_checks
from tests.support import counting_queries
from tracker.extensions import db
from tracker.indicators.models import WdesValue, WdesYear
from tracker.indicators.wdes import CapabilityYear, Recruitment, WdesInputs, compute_wdes
from tracker.indicators.wdes_headlines import wdes_headlines
from tracker.indicators.wdes_readers import read_datapack_with_disability
from tracker.indicators.wdes_results import Voices
from tracker.reports import service

TODAY = date(2025, 9, 30)
#: Staff by disability (as in tests/indicators/test_wdes.py): 5 Disabled, 9 non-disabled, 6 not declared.
ROWS = [
    ("Administrative and Clerical", "Band 2", "A White - British", "Yes"),
    ("Administrative and Clerical", "Band 3", "N Black or Black British - African", "No"),
    ("Administrative and Clerical", "Band 4", "A White - British", "Not Declared"),
    ("Administrative and Clerical", "Band 5", "H Asian or Asian British - Indian", "no"),
    ("Administrative and Clerical", "Band 8 - Range A", "A White - British", " YES "),
    ("Administrative and Clerical", "Band 8 - Range C", "Z Not Stated", ""),
    ("Estates and Ancillary", "Band 2", "C White - Any other White background", "Prefer Not To Answer"),
    ("Administrative and Clerical", "VSM", "A White - British", "No"),
    ("Nursing and Midwifery Registered", "Band 5", "A White - British", "Y Yes"),
    ("Nursing and Midwifery Registered", "Band 5", "N Black or Black British - African", "N No"),
    ("Nursing and Midwifery Registered", "Band 6", "A White - British", "Unspecified"),
    ("Nursing and Midwifery Registered", "Band 7", "R Chinese", "No"),
    ("Allied Health Professionals", "Band 8 - Range B", "A White - British", "No"),
    ("Additional Clinical Services", "Band 3", "M Black or Black British - Caribbean", "Yes"),
    ("Additional Clinical Services", "Band 2", "A White - British", "not declared"),
    ("Medical and Dental", "Consultant", "H Asian or Asian British - Indian", "No"),
    ("Medical and Dental", "Consultant", "A White - British", "Yes"),
    ("Medical and Dental", "Specialty Doctor", "J Asian or Asian British - Pakistani", "No"),
    ("Medical and Dental", "Specialty Registrar", "A White - British", "Prefer not to answer"),
    ("Medical and Dental", "Foundation Year 1", "N Black or Black British - African", "No"),
]
BOARD = pd.DataFrame({
    "disability": ["Disabled", "Non-disabled", "Non-disabled", "Non-disabled", "Not declared", "Non-disabled"],
    "role": ["executive"] * 3 + ["non-executive"] * 3,
    "voting": [True, True, False, True, True, True], "members": [1] * 6,
})


def _extract(rows=ROWS) -> bytes:
    frame = pd.DataFrame(rows, columns=["Staff Group", "Pay Band", "Ethnic Origin", "Disability"])
    frame.insert(0, "Employee Number", range(1001, 1001 + len(frame)))
    frame["Assignment Category"] = "Permanent"
    return frame.to_csv(index=False).encode()


def _store(year: int, inputs: WdesInputs) -> None:
    """A computed WDES year as P3's import stores it: the result and one row per headline figure."""
    result = compute_wdes(inputs)
    db.session.add(WdesYear(year=year, source="computed", result=result.to_dict()))
    db.session.flush()
    for headline in wdes_headlines(result):
        db.session.add(WdesValue(**headline.to_dict(), year=year, source="computed"))
    db.session.commit()


@pytest.fixture
def wdes_years(app):
    """2024: the extract and survey figures only. 2025: recruitment, capability (two years), more survey
    figures, engagement, voices and the board; metric 6 and 7 left out (not calculable)."""
    workforce = read_datapack_with_disability({"workforce.csv": _extract()}, year=2024).workforce_by_disability
    _store(2024, WdesInputs(
        year=2024, workforce=workforce,
        recruitment=Recruitment({"non-disabled": 400, "Disabled": 40}, {"non-disabled": 80, "Disabled": 4}),
        survey={"4a_i": {"disabled": 33.0, "non_disabled": 25.0, "disabled_responses": 170}},
        engagement={"disabled": 6.2, "non_disabled": 7.0, "overall": 6.8},
    ))
    workforce = read_datapack_with_disability({"workforce.csv": _extract()}, year=2025).workforce_by_disability
    _store(2025, WdesInputs(
        year=2025, workforce=workforce,
        recruitment=Recruitment({"non-disabled": 400, "Disabled": 45}, {"non-disabled": 100, "Disabled": 9}),
        capability=(CapabilityYear(2025, 2, 3), CapabilityYear(2024, 0, 5)),
        survey={"4a_i": {"disabled": 30.5, "non_disabled": 25.1, "disabled_responses": 180},
                "8": {"disabled": 70.2}},
        engagement={"disabled": 6.5, "non_disabled": 7.0, "overall": 6.9},
        voices=Voices(True, "Disability network chair sits on the People Committee."),
        board=BOARD,
    ))


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
    assert count() == before


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
    assert by_metric["1"][1:] == ["Workforce Disabled %", "25.00%", "45.00%", "–", "25.00%", "–", "same →"]
    # Metric 2: non-disabled 100 / 400 = 25% against Disabled 9 / 45 = 20%: 1.25; last year 20% / 10% = 2.00.
    two = by_metric["2"]
    assert two[2:4] == ["20.00%", "25.00%"]
    assert two[4].startswith("1.25\n(") and "small numbers: treat with caution" in two[4]
    assert (two[5], two[7]) == ("2.00", "better ↑")
    # Metric 3: entries averaged over 2024 and 2025: Disabled 1 / 5 = 20%, non-disabled 4 / 9 = 44.44%: 0.45.
    three = by_metric["3"]
    assert three[2:4] == ["20.00%", "44.44%"] and three[4].startswith("0.45\n(")
    assert three[5] == "Not calculable\n(no capability process figures by disability)"
    assert by_metric["4a(i)"][2:] == ["30.50%", "25.10%", "–", "33.00%", "–", "better ↑"]
    assert by_metric["8"][2:4] == ["70.20%", "–"]
    assert by_metric["9a"][2:] == ["6.50", "7.00", "–", "6.20", "–", "better ↑"]
    assert by_metric["9b"][2] == "Yes"
    # Board: voting members 1 Disabled of 5 (20%) against 25% of the workforce: -5 points.
    assert by_metric["10 voting membership, difference from the workforce"][2] == "−5.00 pp"
    assert by_metric["10 executive membership, difference from the workforce"][2] == "+8.33 pp"
    assert _cells(declaration) == [
        ["Staff", "2025", "2024"],
        ["Disabled", "25.00%", "25.00%"], ["Non-disabled", "45.00%", "45.00%"],
        ["Not declared", "30.00%", "30.00%"],
        ["Declaration rate (declared Disabled or non-disabled)", "70.00%", "70.00%"],
    ]


def test_a_figure_that_cannot_be_calculated_says_so_with_its_reason_never_0(kinds, wdes_years):
    rows = {row[0]: row for row in _cells(_open(_export(kinds["wdes"], "wdes")).tables[0])[1:]}
    assert rows["6"][2] == "Not calculable\n(no staff survey figures for metric 6)"
    assert rows["7"][3] == "Not calculable\n(no staff survey figures for metric 7)"
    assert rows["4a(ii)"][2:4] == ["Not calculable\n(no staff survey figures for metric 4a(ii))"] * 2
    assert not [cell for row in rows.values() for cell in row[2:] if cell in ("0", "0.00", "0.00%", "+0.00 pp")]


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
