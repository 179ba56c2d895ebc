"""Time the Word exports on a large plan: 10 themes, 300 actions, 3,000 updates.

Run: PYTHONPATH=. .venv/bin/python benchmarks/export_docx.py
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from io import BytesIO

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from tracker.reports.documents import (  # noqa: E402
    Cover,
    IndicatorLine,
    IndicatorSummary,
    PlanDocument,
    PrintedAction,
    PrintedUpdate,
    ThemeRow,
)
from tracker.reports.docx_reader import read_plan_tables  # noqa: E402
from tracker.reports.word import (  # noqa: E402
    build_appendix1,
    build_appendix2,
    build_board_pack,
    build_indicator_summary,
    to_bytes,
)

THEMES = 10
ACTIONS_PER_THEME = 30
UPDATES_PER_ACTION = 10
GENERATED_ON = date(2024, 9, 5)
RAGS = ("red", "amber", "green", "blue", None)
STATUSES = ("PROGRESS MADE", "ACHIEVED", "DELAYED BUT PROGRESSING", "NOT STARTED", "CANCELLED")
SENTENCE = ("Inclusive recruitment training delivered to recruiting managers across the "
            "directorates, with diverse interview panels in place for band 8a and above. ")


def make_action(theme: int, number: int) -> PrintedAction:
    """A realistic, fairly wordy action with ten dated updates."""
    start = date(2023, 4, 1)
    history = tuple(
        PrintedUpdate(start + timedelta(days=30 * k), "Lesley Faux", STATUSES[k % 4],
                   RAGS[k % 4], SENTENCE * 2)
        for k in range(UPDATES_PER_ACTION)
    )
    status = STATUSES[number % len(STATUSES)]
    return PrintedAction(
        ref=f"{theme}.{number}", text=SENTENCE * 2, indicators=(1 + number % 9,),
        by_who="Recruitment Lead / D&I Lead", by_when="Q3 2024-25", status=status,
        rag=RAGS[number % len(RAGS)], rag_as_at=date(2024, 9, 1), narrative=SENTENCE * 3,
        history=history, forums="Inclusion Council\nPCDC\nTrust Board",
        priority=("Must", "Should", "Could")[number % 3], equality_objectives="4",
        edi_goals="1 & 2", outcome="80% of band 8a+ interview panels include a BME member",
        cancelled_reason="Superseded by the system programme" if status == "CANCELLED" else None,
    )


def make_plan() -> PlanDocument:
    """300 actions in 10 themes."""
    themes = tuple(
        ThemeRow(str(t), f"Theme {t}: debias recruitment and talent management",
                 tuple(make_action(t, n) for n in range(1, ACTIONS_PER_THEME + 1)))
        for t in range(1, THEMES + 1)
    )
    return PlanDocument("Example NHS Trust", "WRES Action Plan 2024-25", "2024-25",
                        date(2024, 9, 30), themes, "Global Majority")


def make_summary() -> IndicatorSummary:
    """All nine indicators over seven years with nine charts."""
    years = tuple(range(2018, 2025))
    lines = []
    for number in range(1, 10):
        groups = ("BME", "White") if 5 <= number <= 8 else (None,)
        unit = "ratio" if number in (2, 3, 4) else "percent"
        for group in groups:
            values = tuple((y, 1.0 + (y - 2018) / 10) for y in years)
            lines.append(IndicatorLine(number, f"Indicator {number}", group, values, unit,
                                       1.1, "better", number != 7))
    charts = tuple((n, _chart(years)) for n in range(1, 10))
    return IndicatorSummary(years, tuple(lines), charts)


def _chart(years: tuple[int, ...]) -> bytes:
    """A trend chart PNG at a typical size."""
    figure, axes = plt.subplots(figsize=(8, 4), dpi=100)
    axes.plot(years, [1 + i / 10 for i in range(len(years))])
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def timed(label: str, build: Callable[[], object]) -> bytes:
    """Build and save one document; print seconds and size."""
    started = time.perf_counter()
    data = to_bytes(build())
    seconds = time.perf_counter() - started
    print(f"{label:<34} {seconds:6.2f} s  {len(data) / 1024:8.0f} KiB")
    return data


def timed_read(data: bytes) -> None:
    """Read an exported appendix back; print seconds and actions found."""
    started = time.perf_counter()
    plan = read_plan_tables(data)
    seconds = time.perf_counter() - started
    actions = sum(len(theme.actions) for theme in plan.themes)
    print(f"{'Read Appendix 2 back':<34} {seconds:6.2f} s  {actions:5d} actions")


def main() -> None:
    """Print seconds per document (target: under 3 s each)."""
    plan, summary = make_plan(), make_summary()
    cover = Cover("Example NHS Trust", "WRES Report 2024", GENERATED_ON, "EDI Lead",
                  "Director of People")
    print(f"{THEMES} themes, {THEMES * ACTIONS_PER_THEME} actions, "
          f"{THEMES * ACTIONS_PER_THEME * UPDATES_PER_ACTION} updates")
    timed("Appendix 1 with history", lambda: build_appendix1(
        plan, include_history=True, generated_on=GENERATED_ON))
    timed("Appendix 2 (2021 style)", lambda: build_appendix2(
        plan, style="2021", generated_on=GENERATED_ON))
    appendix2 = timed("Appendix 2 (2024 style)", lambda: build_appendix2(
        plan, style="2024", generated_on=GENERATED_ON))
    timed_read(appendix2)
    timed("Indicator summary (9 charts)", lambda: build_indicator_summary(
        summary, bme_label="Global Majority", generated_on=GENERATED_ON))
    timed("Board pack (history, 2024 style)", lambda: build_board_pack(
        cover, summary, plan, plan, style="2024", include_history=True,
        generated_on=GENERATED_ON))


if __name__ == "__main__":
    main()
