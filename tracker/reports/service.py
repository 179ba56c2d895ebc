"""Board documents from the database: a plan and its actions as the Word builders' plain data.

Every export loads its plan with one query per relationship (themes, actions, owners,
forums, indicators, updates, update authors), whatever the number of actions.
"""
from __future__ import annotations

import importlib
import importlib.util
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import clock, standards
from tracker.actions.models import Action, ProgressUpdate
from tracker.actions.rag_rules import is_overdue
from tracker.admin.models import OrganisationSettings
from tracker.admin.service import organisation_settings
from tracker.dates import long_date
from tracker.errors import DomainError
from tracker.evidence.queries import files_for_updates
from tracker.extensions import db
from tracker.plans import charts
from tracker.plans.importer import ref_key
from tracker.plans.models import Plan, PlanStatus, theme_label
from tracker.plans.queries import rag_over_time
from tracker.plans.rollover import previous_year
from tracker.reports.documents import (
    PRIORITIES,
    RAG_COLUMNS,
    Cover,
    HiaLine,
    HiaProgress,
    IndicatorSummary,
    PlanCharts,
    PlanDocument,
    PrintedAction,
    PrintedUpdate,
    RagChart,
    ThemeRow,
)
from tracker.reports.wdes_summary import wdes_summary
from tracker.reports.word import (
    build_appendix1,
    build_appendix2,
    build_board_pack,
    build_indicator_summary,
    build_wdes_summary,
    to_bytes,
)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENTS = ("appendix1", "appendix2", "indicators", "pack", "wdes")
STYLES = ("2021", "2024")
NO_THEME = "Actions without a theme"
INDICATORS_SERVICE = "tracker.indicators.service"
EMPTY_SUMMARY = IndicatorSummary(years=(), lines=(), charts=())
FILE_STEMS = {"appendix1": "wres-appendix-1", "appendix2": "wres-appendix-2",
              "indicators": "wres-indicator-summary", "pack": "wres-board-pack", "wdes": "wdes-summary"}
#: A WDES or combined plan's appendices and pack are named for its kind ("wdes-board-pack-2025-26.docx").
PLAN_FILE_PREFIXES = {standards.WRES: "wres", standards.WDES: "wdes", standards.COMBINED: "edi"}
PACK_TITLES = {standards.WRES: "Workforce Race Equality Standard (WRES) Report {year}",
               standards.WDES: "Workforce Disability Equality Standard (WDES) Report {year}",
               standards.COMBINED: "Workforce Race and Disability Equality Standards (WRES and WDES) Report {year}"}
NO_HIA = "No high impact action"


class ExportError(DomainError):
    """The document could not be made; the message says why."""


@dataclass(frozen=True)
class ExportOptions:
    """What to export: the document, its 'as at' date and the choices on the export form."""

    document: str
    as_at: date
    #: The layout of Appendix 2 (and of the pack's Appendix 2).
    style: str = "2024"
    include_history: bool = False
    title: str | None = None
    #: For the board pack: the plan reported on in Appendix 1 (default: last year's plan).
    appendix1_plan_id: int | None = None
    #: The layout of Appendix 1: 2021 (a row per action) or 2024 (Train / Retain / Reform).
    appendix1_style: str = "2021"
    #: Appendix 2 (and the pack's) with an "HIA" column naming each action's high impact actions.
    show_hia: bool = False


@dataclass(frozen=True)
class ExportedFile:
    """A finished .docx, named for download."""

    filename: str
    content: bytes
    mimetype: str = DOCX_MIME


def load_plan(plan_id: int) -> Plan | None:
    """A plan with everything the documents print, loaded with one query per relationship."""
    return db.session.scalar(
        select(Plan).where(Plan.id == plan_id).options(
            selectinload(Plan.themes),
            selectinload(Plan.actions).options(
                selectinload(Action.owners), selectinload(Action.forums),
                selectinload(Action.measure_links), selectinload(Action.high_impact_action_links),
                selectinload(Action.updates).selectinload(ProgressUpdate.author),
            ),
        )
    )


def previous_plan(plan: Plan) -> Plan | None:
    """Last year's plan (approved or closed before draft, then the newest; never an archived one), if there is one."""
    plans = db.session.scalars(select(Plan).where(Plan.year == previous_year(plan.year),
                                                  Plan.archived_at.is_(None))).all()
    return max(plans, key=lambda p: (p.status != PlanStatus.DRAFT.value, p.id), default=None)


def default_title(document: str, plan: Plan) -> str:
    """The title a document gets unless the user writes another: the plan's own title, as an appendix."""
    if document == "appendix1":
        return f"Appendix 1: Progress Report: {plan.title}"
    if document == "pack":
        return PACK_TITLES.get(plan.standard, PACK_TITLES[standards.WRES]).format(year=plan.year)
    if document == "wdes":
        return "WDES summary"
    return f"Appendix 2: {plan.title}"


def filename_for(document: str, year: str, standard: str = standards.WRES) -> str:
    """'wres-appendix-1-2023-24.docx' ('wdes-…' for a WDES plan's appendices and pack, 'edi-…' for a combined plan's)."""
    stem = FILE_STEMS[document]
    if document in ("appendix1", "appendix2", "pack"):
        stem = stem.replace("wres", PLAN_FILE_PREFIXES.get(standard, "wres"), 1)
    return f"{stem}-{year}.docx"


def plan_document(plan: Plan, *, title: str, as_at: date, settings: OrganisationSettings,
                  with_evidence: bool = False) -> PlanDocument:
    """The plan's themes in order, each with its actions in reference order (1.2 before 1.10),
    as they stood on the `as_at` day; `with_evidence` (Appendix 1 with its history) names each
    update's evidence files, in one more query."""
    by_theme: dict[int | None, list[PrintedAction]] = defaultdict(list)
    evidence = (evidence_names([update.id for action in plan.actions for update in action.updates])
                if with_evidence else {})
    for action in sorted(plan.actions, key=lambda a: ref_key(a.ref)):
        by_theme[action.theme_id].append(action_row(action, as_at, evidence))
    themes = [ThemeRow(theme.number, theme.title, tuple(by_theme.pop(theme.id, ()))) for theme in plan.themes]
    if by_theme.get(None):
        themes.append(ThemeRow("", NO_THEME, tuple(by_theme[None])))
    return PlanDocument(trust_name=settings.trust_name, title=title, year=plan.year, as_at=as_at,
                        themes=tuple(themes), bme_label=settings.bme_label,
                        equality_objectives_key=plan.equality_objectives_key or "",
                        edi_goals_key=plan.edi_goals_key or "", standard=plan.standard or standards.WRES)


def action_row(action: Action, as_at: date, evidence: dict[int, tuple[str, ...]] | None = None) -> PrintedAction:
    """One action as it stood on the `as_at` day: status, RAG, latest narrative and dated history
    (oldest first) from the updates dated that day or earlier; forums' full names."""
    updates = sorted((u for u in action.updates if u.as_at <= as_at), key=_update_order)
    later = len(updates) < len(action.updates)
    latest = updates[-1] if updates else None
    status = (latest.status if latest else None) if later else action.status
    rag, rag_as_at = rating_on(action, updates, as_at, later=later)
    priority = action.priority if (action.priority or "").lower() in PRIORITIES else None
    return PrintedAction(
        ref=action.ref, text=action.text, indicators=tuple(action.indicators), by_who=action.by_who,
        by_when=action.by_when, status=status, rag=rag, rag_as_at=rag_as_at,
        narrative=latest.narrative if latest else "",
        history=tuple(update_line(update, (evidence or {}).get(update.id, ())) for update in updates),
        forums="; ".join(forum.name for forum in action.forums), priority=priority,
        equality_objectives=action.equality_objectives, edi_goals=action.edi_goals,
        outcome=action.outcome, cancelled_reason=action.cancelled_reason or None,
        category=action.category or "", measures=tuple(action.measure_names),
        high_impact_actions=tuple(sorted(action.high_impact_actions)),
    )


def _update_order(update: ProgressUpdate) -> tuple:
    """Updates in the order of the days they describe, then of posting."""
    return update.as_at, update.posted_at, update.id


def rating_on(action: Action, updates: list[ProgressUpdate], day: date, *, later: bool) -> tuple[str | None, date | None]:
    """The action's RAG and its date as they stood on `day`: the latest rating dated that day or earlier,
    from the `updates` so dated (in order) or the action's own dated rating; the action's undated rating
    when nothing dated was rated and no update is dated after `day` (`later`); else (None, None)."""
    rated = [(u.as_at, u.rag) for u in updates if u.rag]
    if action.rag and action.rag_as_at is not None and action.rag_as_at <= day:
        rated.append((action.rag_as_at, action.rag))
    if rated:
        on, rag = max(rated, key=lambda pair: pair[0])
        return rag, on
    if action.rag and action.rag_as_at is None and not later:
        return action.rag, None
    return None, None


def update_line(update: ProgressUpdate, evidence: tuple[str, ...] = ()) -> PrintedUpdate:
    """A progress update as a dated history line with its author's name and its evidence files' names."""
    return PrintedUpdate(on=update.as_at, author=update.author.name if update.author else "",
                      status=update.status, rag=update.rag, text=update.narrative, evidence=evidence)


def evidence_names(update_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The names of each update's evidence files still held (removed ones left out), in one query."""
    names: dict[int, list[str]] = defaultdict(list)
    for rows in files_for_updates(update_ids).values():
        for row in rows:
            if row.removed_at is None:
                names[row.update_id].append(row.name)
    return {update_id: tuple(found) for update_id, found in names.items()}


def indicator_summary() -> IndicatorSummary:
    """The stored indicator results; empty (the document says none are stored) when no year has results."""
    if importlib.util.find_spec(INDICATORS_SERVICE) is None:
        return EMPTY_SUMMARY
    summary_for_report = getattr(importlib.import_module(INDICATORS_SERVICE), "summary_for_report", None)
    summary = summary_for_report() if summary_for_report is not None else EMPTY_SUMMARY
    return summary if summary.years else EMPTY_SUMMARY


def cover(title: str, as_at: date, settings: OrganisationSettings) -> Cover:
    """The board pack's cover: trust, title, date, author and lead director from the settings."""
    return Cover(trust_name=settings.trust_name, title=title, date=as_at,
                 author=settings.report_author, lead_director=settings.lead_director)


def export_document(plan: Plan, options: ExportOptions) -> ExportedFile:
    """Build the chosen document for a plan loaded with `load_plan`; the same data and day give the same bytes."""
    if options.document not in DOCUMENTS:
        raise ExportError(f"Choose a document: {', '.join(DOCUMENTS)} (not '{options.document}')")
    if options.style not in STYLES:
        raise ExportError(f"The Appendix 2 style must be 2021 or 2024 (not '{options.style}')")
    if options.appendix1_style not in STYLES:
        raise ExportError(f"The Appendix 1 style must be 2021 or 2024 (not '{options.appendix1_style}')")
    settings = organisation_settings()
    title = (options.title or "").strip() or default_title(options.document, plan)
    built = {"appendix1": _appendix1, "appendix2": _appendix2, "indicators": _indicators,
             "pack": _pack, "wdes": _wdes}[options.document](plan, options, title, settings)
    return ExportedFile(filename_for(options.document, plan.year, plan.standard), to_bytes(built))


def _appendix1(plan: Plan, options: ExportOptions, title: str, settings: OrganisationSettings):
    document = plan_document(plan, title=title, as_at=options.as_at, settings=settings,
                             with_evidence=options.include_history)
    return build_appendix1(document, include_history=options.include_history, generated_on=clock.today(),
                           style=options.appendix1_style)


def _appendix2(plan: Plan, options: ExportOptions, title: str, settings: OrganisationSettings):
    document = plan_document(plan, title=title, as_at=options.as_at, settings=settings)
    return build_appendix2(document, style=options.style, generated_on=clock.today(), show_hia=options.show_hia)


def _indicators(_plan: Plan, _options: ExportOptions, _title: str, settings: OrganisationSettings):
    return build_indicator_summary(indicator_summary(), bme_label=settings.bme_label, generated_on=clock.today(),
                                   author=settings.report_author or settings.trust_name)


def _wdes(_plan: Plan, _options: ExportOptions, _title: str, settings: OrganisationSettings):
    return build_wdes_summary(wdes_summary(), generated_on=clock.today(),
                              author=settings.report_author or settings.trust_name)


def _pack(plan: Plan, options: ExportOptions, title: str, settings: OrganisationSettings):
    """A WRES plan's pack carries the WRES indicator summary, a WDES plan's the WDES summary, a combined plan's both."""
    progress = _appendix1_plan(plan, options.appendix1_plan_id)
    appendix1 = plan_document(progress, as_at=options.as_at, settings=settings,
                              title=default_title("appendix1", progress), with_evidence=options.include_history)
    appendix2 = plan_document(plan, as_at=options.as_at, settings=settings,
                              title=default_title("appendix2", plan))
    kinds = standards.standards_of_plan(plan.standard or standards.WRES)
    return build_board_pack(cover(title, options.as_at, settings),
                            indicator_summary() if standards.WRES in kinds else None, appendix1, appendix2,
                            style=options.style, include_history=options.include_history,
                            generated_on=clock.today(), appendix1_style=options.appendix1_style,
                            plan_charts=plan_charts(plan, appendix2, options.as_at),
                            wdes_summary=wdes_summary() if standards.WDES in kinds else None,
                            hia_progress=hia_progress(plan, options.as_at), show_hia=options.show_hia)


def hia_progress(plan: Plan, as_at: date) -> HiaProgress:
    """The plan's actions (loaded with `load_plan`, so no query more) counted by high impact action: per HIA 1-6
    and for those tagged with none, by RAG and overdue as they stood on the `as_at` day."""
    rag_index = {rag: index for index, rag in enumerate(("red", "amber", "green", "blue"))}
    counts: dict[int | None, list[int]] = {number: [0] * (len(RAG_COLUMNS) + 2)
                                           for number in [h.number for h in standards.high_impact_actions()] + [None]}
    for action in plan.actions:
        row = action_row(action, as_at)
        late = is_overdue(action.due_on, row.status, row.rag, as_at)
        for number in sorted(set(action.high_impact_actions)) or [None]:
            tally = counts.setdefault(number, [0] * (len(RAG_COLUMNS) + 2))
            tally[0] += 1
            tally[1 + rag_index.get(row.rag or "", len(RAG_COLUMNS) - 1)] += 1
            tally[-1] += int(late)
    lines = tuple(HiaLine(number=number, title=standards.high_impact_action(number).title if number else NO_HIA,
                          actions=tally[0], rag_counts=tuple(tally[1:-1]), overdue=tally[-1])
                  for number, tally in counts.items())
    return HiaProgress(as_at=as_at, lines=lines, total=len(plan.actions))


def plan_charts(plan: Plan, printed: PlanDocument, as_at: date) -> PlanCharts:
    """The plan's RAG by theme (as printed in its appendix, on the `as_at` day) and RAG at each month's end
    up to the `as_at` month, as PNG charts with their figures."""
    theme_bars = [charts.bar(theme_label(row.number, row.title) if row.number else row.title,
                             Counter(action.rag for action in row.actions)) for row in printed.themes]
    month_bars = [charts.bar(charts.month_label(day), counts) for day, counts in rag_over_time(plan, as_at)]
    found = []
    if theme_bars:
        found.append(_rag_chart("theme", theme_bars, f"Actions by theme and RAG on {long_date(as_at)}", "Theme"))
    if month_bars:
        found.append(_rag_chart("time", month_bars, charts.TIME_CHART_TITLE, "Month", note=(
            "Each action's RAG at a month's end is its latest rated progress update dated that day or earlier, "
            "else its own rating if dated then or undated; otherwise it is counted as not rated.")))
    return PlanCharts(heading=f"Action plan {plan.year}: RAG by theme and over time", charts=tuple(found))


def _rag_chart(kind: str, bars: list, title: str, first_column: str, note: str = "") -> RagChart:
    size = (charts.WORD_SIZE_INCHES[0], min(1.6 + 0.5 * len(bars), 4.2)) if kind == "theme" else charts.WORD_SIZE_INCHES
    return RagChart(title=title, first_column=first_column, rows=tuple((item.label, item.counts) for item in bars),
                    png=charts.to_png(kind, bars, title, size=size), description=charts.describe(title, bars), note=note)


def _appendix1_plan(plan: Plan, plan_id: int | None) -> Plan:
    """The plan chosen for Appendix 1, else last year's, else this plan itself."""
    if plan_id is None:
        chosen = previous_plan(plan)
        plan_id = chosen.id if chosen is not None else plan.id
    if plan_id == plan.id:
        return plan
    progress = load_plan(plan_id)
    if progress is None:
        raise ExportError(f"There is no plan with id {plan_id} to report on in Appendix 1")
    return progress
