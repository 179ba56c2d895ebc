"""Realistic plan, progress report and indicator data taken from the seed reports."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from tracker.reports.documents import (  # noqa: E402
    Cover,
    IndicatorLine,
    IndicatorSummary,
    PlanDocument,
    PrintedAction,
    PrintedUpdate,
    ThemeRow,
)

GENERATED_ON = date(2024, 9, 5)
BME_LABEL = "Global Majority"


def action(ref: str, text: str, **fields) -> PrintedAction:
    """An action with empty defaults for the fields a test does not care about."""
    defaults = dict(
        indicators=(), by_who="", by_when="", status=None, rag=None, rag_as_at=None,
        narrative="", history=(), forums="", priority=None, equality_objectives="",
        edi_goals="", outcome="", cancelled_reason=None,
    )
    return PrintedAction(ref=ref, text=text, **{**defaults, **fields})


@pytest.fixture
def plan_2024() -> PlanDocument:
    """Seed 001, Appendix 2 (a few actions from each of three themes)."""
    recruitment = ThemeRow("1", "Deliver key milestones to implement, ensure and embed an "
                           "effectively debiased inclusive recruitment process change programme", (
        action("1.1", "Develop Inclusive Recruitment Toolkit and Inclusive Recruitment "
               "Development package utilising theory / approach of No More Tick-Boxes' and "
               "'If Your Face Fits' (Kline, 2023)", indicators=(2,), equality_objectives="4",
               edi_goals="1", priority="Must", by_who="AS", by_when="Oct 2024", rag="green",
               rag_as_at=date(2024, 9, 1), forums="Inclusion Council"),
        action("1.2", "Undertake analysis of applications-shortlisting/interview-appointment "
               "for posts at band 8A and above", indicators=(1, 2), equality_objectives="4",
               edi_goals="1", priority="Should", by_who="People Team", by_when="Dec 2024"),
    ))
    inequalities = ThemeRow("2", "Reducing inequalities and health inequalities for our "
                            "service users and staff", (
        action("2.8", "All executive directors to agree and deliver against personal and "
               "Directorate EDI objectives in 2024-25", indicators=tuple(range(1, 10)),
               equality_objectives="1-4", edi_goals="1 - 4", priority="Must",
               by_who="BA / Execs", by_when="Oct 2024", rag="amber"),
        action("2.10", "Deliver the Trust's first Ethnicity Pay Gap and Disability Pay Gap "
               "reports", equality_objectives="1", edi_goals="2", priority="Must",
               by_who="Lesley Faux, EDI Lead", by_when="Dec 2024", rag="red",
               outcome="Reports published on the Trust website"),
    ))
    visibility = ThemeRow("3", "To progress our high-visibility anti-racist and "
                          "anti-discriminatory approach", (
        action("3.7", "Listen and respond effectively to the voiced concerns of our global "
               "majority workforce / ENRICH members following civil unrest of Aug 24\n"
               "i. Listening session held with ENRICH members\n"
               "ii. Manager and staff guidance developed and issued",
               indicators=(5, 6, 8), equality_objectives="4", edi_goals="2",
               priority="should", by_who="Kerry Smith BA RC JMcC",
               by_when="08.24\n09.24\n10.2024", rag="blue"),
    ))
    education = ThemeRow("4", "Educate for Inclusion", (
        action("4.2", "Programme of education around responding effectively to incidents of "
               "abuse, discrimination, incivility", equality_objectives="4", edi_goals="1-4",
               priority="Could", by_who="DETAIL TO BE DEVELOPED", by_when=""),
    ))
    return PlanDocument(
        trust_name="North Staffordshire Combined Healthcare NHS Trust",
        title="Appendix 2: Inclusion and Belonging Action Plan 2024-25", year="2024-25",
        as_at=date(2024, 9, 30), themes=(recruitment, inequalities, visibility, education),
        bme_label=BME_LABEL,
    )


@pytest.fixture
def progress_plan() -> PlanDocument:
    """Seed 000, Appendix 1: progress on the 2020-21 priorities, with dated updates."""
    updates = (
        PrintedUpdate(date(2021, 6, 30), "D&I Lead", "PROGRESS MADE", "amber",
                   "3 sessions delivered for system VS leaders over June-July 2021."),
        PrintedUpdate(date(2021, 9, 1), "D&I Lead", "PART ACHIEVED", "amber",
                   "54 of the intended 94 VSLs attended (57.5%)."),
    )
    theme = ThemeRow("1", "WRES action priorities 2020-21", (
        action("1.3", "Deliver a Cultural Development Programme on race inclusion across "
               "the Trust", by_who="DofWF with D&I Lead & Leadership Development Lead",
               by_when="To be rolled out from Q3 2020-21", status="part achieved and ongoing",
               narrative="This project was agreed at system level to be divided into 2 "
               "phases for delivery in 2021-22.", history=updates,
               forums="Inclusion Council through to PCDC and Trust Board\nICS People Board"),
        action("1.4", "To continue the support to the original 3 cohorts of Stepping Up "
               "Alumni", by_who="D&I Lead", by_when="Delivery in 2020-21",
               status="ACHIEVED AND ONGOING", narrative="Alumni 'Check In' session 4.11.20.",
               forums="Inclusion Council through to PCDC and Trust Board"),
    ))
    theme2 = ThemeRow("2", "Development", (
        action("2.1", "To develop a plan to deliver Wave 2 Staffordshire Stepping Up",
               by_who="DofWF with D&I Lead", by_when="Plan in place by end of March 2021",
               status="CANCELLED", cancelled_reason="Superseded by the system-wide "
               "Stepping Up programme in 2021-22.", forums="Inclusion Council"),
    ))
    return PlanDocument(
        trust_name="North Staffordshire Combined Healthcare NHS Trust",
        title="Appendix 1: Progress Report: WRES Action Plan 2020-21", year="2020-21",
        as_at=date(2021, 9, 14), themes=(theme, theme2), bme_label="BAME",
    )


def _line(number, title, values, unit="percent", group=None, national=None, trend=None,
          lower=True, national_year=None, versus=None) -> IndicatorLine:
    years = (2021, 2022, 2023, 2024)
    return IndicatorLine(number, title, group, tuple(zip(years, values)), unit, national,
                         trend, lower, national_year, versus)


def chart_png(number: int) -> bytes:
    """A small real PNG chart."""
    figure, axes = plt.subplots(figsize=(4, 3), dpi=50)
    axes.plot([2021, 2022, 2023, 2024], [1.3, 1.27, 1.14, 1.21 + number / 100])
    buffer = BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


@pytest.fixture
def summary() -> IndicatorSummary:
    """Seed 001, Table 1 (2021-2024)."""
    lines = (
        _line(1, "W/F ethnic diverse profile", (8.2, 9.1, 9.9, 11.11), national=26.4,
              trend="better", lower=False, national_year=2023, versus="below"),
        _line(2, "Recruitment measure", (1.3, 1.27, 1.14, 1.21), unit="ratio", national=1.59,
              trend="worse", national_year=2023, versus="better"),
        _line(3, "Disciplinary measure", (4.35, 0.0, None, 1.83), unit="ratio", national=1.03,
              trend="worse", national_year=2023, versus="worse"),
        _line(5, "HBA from patients / public", (27.3, 30.1, 40.5, 30.21), group="BME",
              national=31.4, trend="better", national_year=2024, versus="better"),
        _line(5, "HBA from patients / public", (27.6, 29.0, 26.0, 24.6), group="White",
              national=22.7, trend="better", national_year=2024, versus="worse"),
        _line(9, "Board membership", (21.4, 20.0, 14.3, 21.43), lower=False, trend="same"),
    )
    return IndicatorSummary(years=(2021, 2022, 2023, 2024), lines=lines,
                            charts=((2, chart_png(2)), (5, chart_png(5))))


@pytest.fixture
def cover() -> Cover:
    """The cover of the September 2024 board paper."""
    return Cover(trust_name="North Staffordshire Combined Healthcare NHS Trust",
                 title="Workforce Race Equality Standard (WRES) Report 2024",
                 date=date(2024, 9, 26), author="Lesley Faux, EDI Lead",
                 lead_director="Director of People")
