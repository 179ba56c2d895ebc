"""Storing WDES years (computed from a data pack or typed in from a published report) and reading them back.

Services change models, write audit events and flush; the caller commits once.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from tracker import standards
from tracker.audit.service import record
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.indicators.models import COMPUTED, ENTERED, WdesValue, WdesYear
from tracker.indicators.stored_years import replace_year
from tracker.indicators.wdes import METRICS, SURVEY_METRICS, WdesResult, compute_wdes
from tracker.indicators.wdes_headlines import WdesHeadline, wdes_headlines
from tracker.indicators.wdes_pack import WdesPack, WdesPackSummary, read_wdes_datapack
from tracker.uploads import unpack_limits

#: The figures a past year's published report gives, per metric: (measure, lowest, highest).
ENTERABLE: dict[str, tuple[tuple[str, float, float], ...]] = {
    "1": (("disabled", 0, 100), ("non_disabled", 0, 100), ("not_declared", 0, 100), ("declaration_rate", 0, 100)),
    "2": (("value", 0, 1000),),
    "3": (("value", 0, 1000),),
    **{key: (("disabled", 0, 100), ("non_disabled", 0, 100)) for key in SURVEY_METRICS if key != "8"},
    "8": (("disabled", 0, 100),),
    "9a": (("disabled", 0, 10), ("non_disabled", 0, 10), ("overall", 0, 10)),
    "9b": (("answer", 0, 1),),
    "10": (("voting", -100, 100), ("executive", -100, 100)),
}
#: What each file kind of the pack feeds.
NEEDED_BY = {"workforce": ("1", "3", "10"), "recruitment": ("2",), "capability": ("3",),
             "survey": (*SURVEY_METRICS, "9a", "9b"), "board": ("10",)}


class WdesError(DomainError):
    """The change could not be made; the message says why."""


def metric_name(key: str) -> str:
    """'4a_ii' → '4a(ii)', the metric's label in the standards registry."""
    return standards.measure(standards.code_of(standards.WDES, key)).label


def read_wdes_pack(source: str | Path | Mapping[str, bytes], year: int) -> WdesPack:
    """Read and validate a WDES data pack with the configured unpack limits; raises DataPackError."""
    return read_wdes_datapack(source, year=year, unpack=unpack_limits())


def compute(pack: WdesPack) -> WdesResult:
    """All the year's WDES metrics."""
    return compute_wdes(pack.inputs())


def missing_metrics(missing: Iterable[str]) -> dict[str, list[str]]:
    """For each file kind missing from a pack, the metrics it feeds (shown as not calculable or partial)."""
    return {kind: [metric_name(key) for key in NEEDED_BY[kind]] for kind in missing}


def _model(headline: WdesHeadline, year: int, source: str) -> WdesValue:
    return WdesValue(year=year, metric=headline.metric, measure=headline.measure, value=headline.value,
                     numerator=headline.numerator, denominator=headline.denominator, ci_low=headline.ci_low,
                     ci_high=headline.ci_high, small_numbers=headline.small_numbers,
                     not_calculable_reason=headline.reason, source=source)


def _replace_year(year: int, row: WdesYear, values: list[WdesValue], actor, summary: str) -> WdesYear:
    """Delete the stored year (if any) and insert the new one, in the caller's transaction."""
    return replace_year(year, row, values, actor, summary, value_model=WdesValue, number="metric",
                        subject_type="wdes_year")


def store_result(result: WdesResult, summary: WdesPackSummary, actor) -> WdesYear:
    """Store a computed year, replacing whatever was stored for it."""
    year = result.year
    values = [_model(headline, year, COMPUTED) for headline in wdes_headlines(result)]
    row = WdesYear(source=COMPUTED, pack_summary=summary.to_dict(), result=result.to_dict())
    return _replace_year(year, row, values, actor, f"WDES {year} results computed from a data pack")


@dataclass(frozen=True)
class Imported:
    """A stored year, its results and what its data pack held."""

    year: WdesYear
    result: WdesResult
    summary: WdesPackSummary


def import_pack(source: str | Path | Mapping[str, bytes], year: int, actor) -> Imported:
    """Read, compute and store a year; raises DataPackError (nothing stored) on a bad pack."""
    pack = read_wdes_pack(source, year)
    result = compute(pack)
    return Imported(store_result(result, pack.summary, actor), result, pack.summary)


def enter_year(year: int, figures: Mapping[tuple[str, str], float], actor, narrative: str = "") -> WdesYear:
    """Store a past year's published figures typed in ({(metric, measure): value}; not every figure needed)."""
    if not figures:
        raise WdesError("Enter at least one figure")
    limits = {(metric, measure): (low, high) for metric, rows in ENTERABLE.items() for measure, low, high in rows}
    unknown = [f"{metric_name(m)} {measure}" for m, measure in figures if (m, measure) not in limits]
    if unknown:
        raise WdesError(f"Not a WDES figure: {', '.join(unknown)}")
    for key, value in figures.items():
        low, high = limits[key]
        if not low <= float(value) <= high:
            raise WdesError(f"Metric {metric_name(key[0])} ({key[1].replace('_', '-')}) must be from {low:g} to {high:g}")
    stored = db.session.scalar(select(WdesYear.source).where(WdesYear.year == year))
    if stored == COMPUTED:
        raise WdesError(f"{year} has WDES results computed from a data pack: import a new data pack to change them")
    order = {key: position for position, key in enumerate(METRICS)}
    rows = [_model(WdesHeadline(metric, measure, float(value)), year, ENTERED)
            for (metric, measure), value in sorted(figures.items(), key=lambda item: (order[item[0][0]], item[0][1]))]
    result = {"year": year, "source": ENTERED, "narrative_9b": narrative} if narrative else None
    return _replace_year(year, WdesYear(source=ENTERED, result=result), rows, actor,
                         f"WDES {year} published figures entered")


def entered_figures(year: int) -> dict[tuple[str, str], float]:
    """The figures stored for a year typed in (empty for computed or unknown years)."""
    rows = db.session.scalars(select(WdesValue).where(WdesValue.year == year, WdesValue.source == ENTERED))
    return {(row.metric, row.measure): row.value for row in rows if row.value is not None}


def delete_year(year: int, actor) -> None:
    """Delete a stored WDES year and its figures."""
    row = stored_year(year)
    if row is None:
        raise WdesError(f"No WDES results are stored for {year}")
    before = {f"{value.metric} {value.measure}": [value.value, None] for value in row.values}
    record(actor, row, "deleted", {"source": [row.source, None], **before},
           summary=f"WDES {year} results deleted", subject_type="wdes_year")
    db.session.execute(delete(WdesValue).where(WdesValue.year == year))
    db.session.execute(delete(WdesYear).where(WdesYear.year == year))
    db.session.expunge(row)
    db.session.flush()


def stored_year(year: int) -> WdesYear | None:
    """One stored WDES year."""
    return db.session.scalar(select(WdesYear).where(WdesYear.year == year))


def show_dict(year: int) -> dict:
    """The stored year in the shape of `wdes_show.metrics_dict` (rebuilt from the stored figures), plus its source.

    Every figure unrounded; None with a reason when it was not calculated or not entered.
    """
    row = stored_year(year)
    if row is None:
        raise WdesError(f"No WDES results are stored for {year}. "
                        f"Import them with: flask --app wsgi wdes import PATH --year {year}")
    values = {(value.metric, value.measure): value for value in row.values}
    stored_result = (row.result or {}).get("metrics", {})
    metrics = {}
    for key, measures in (("1", ("disabled", "non_disabled", "not_declared", "declaration_rate")),
                          *((k, ("disabled",) if k == "8" else ("disabled", "non_disabled")) for k in SURVEY_METRICS),
                          ("9a", ("disabled", "non_disabled")), ("10", ("voting", "executive"))):
        figures = {m: values[(key, m)].value if (key, m) in values else None for m in measures}
        metrics[key] = _with_reason(figures, [values.get((key, m)) for m in measures], row.source)
    for key in ("2", "3"):
        item = values.get((key, "value"))
        entry = _with_reason({"value": item.value if item else None}, [item], row.source)
        stored = stored_result.get(key, {})
        metrics[key] = {**entry, "ci_low": item.ci_low if item else None, "ci_high": item.ci_high if item else None,
                        "small_numbers": bool(stored.get("small_numbers", item.small_numbers if item else False))}
    answer = values.get(("9b", "answer"))
    text = stored_result.get("9b", {}).get("text", "") or (row.result or {}).get("narrative_9b", "")
    metrics["9b"] = _with_reason(
        {"answer": None if answer is None or answer.value is None else ("yes" if answer.value else "no"),
         "text": text}, [answer], row.source)
    ordered = {key: metrics[key] for key in METRICS}
    return {"year": row.year, "source": row.source, "metrics": ordered}


def _with_reason(figures: dict, rows: list[WdesValue | None], source: str) -> dict:
    """The figures, with a reason field when any is None (the stored reason, else why it is missing)."""
    if all(value is not None for value in figures.values()):
        return figures
    reasons = [row.not_calculable_reason for row in rows if row is not None and row.not_calculable_reason]
    fallback = "not entered" if source == ENTERED else "not calculable"
    return {**figures, "reason": "; ".join(dict.fromkeys(reasons)) or fallback}
