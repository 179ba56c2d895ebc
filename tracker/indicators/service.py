"""Storing WRES years (computed from a data pack or typed in), the national series, and reading them back.

Services change models, write audit events and flush; the caller commits once.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from tracker.admin.service import organisation_settings
from tracker.audit.service import record
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.indicators import charts
from tracker.indicators.datapack import DataPack, DataPackSummary, read_datapack
from tracker.indicators.ethnicity import BME, UNKNOWN, WHITE
from tracker.indicators.models import COMPUTED, ENTERED, IndicatorValue, IndicatorYear, NationalValue
from tracker.indicators.queries import (
    DEFINITIONS,
    NUMBERS,
    STANDARD,
    TABLE_MEASURES,
    chart_for,
    indicator_table,
)
from tracker.indicators.ratios import SMALL_NUMBER, RelativeLikelihood, round_half_up
from tracker.indicators.representation import NON_MEDICAL, aspirational_targets
from tracker.indicators.results import AspirationalTarget, NotCalculable, Share
from tracker.indicators.stored_years import replace_year
from tracker.indicators.wres import WresResult, compute_wres
from tracker.reports.documents import IndicatorLine, IndicatorSummary
from tracker.uploads import unpack_limits


class IndicatorError(DomainError):
    """The change could not be made; the message says why."""


@dataclass(frozen=True)
class Headline:
    """One headline figure of a year, as stored in indicator_values."""

    indicator: int
    measure: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    small_numbers: bool = False
    reason: str | None = None

    def to_model(self, year: int, source: str) -> IndicatorValue:
        """The database row for this figure."""
        return IndicatorValue(
            year=year, indicator=self.indicator, measure=self.measure, value=self.value,
            numerator=self.numerator, denominator=self.denominator, ci_low=self.ci_low, ci_high=self.ci_high,
            small_numbers=self.small_numbers, not_calculable_reason=self.reason, source=source)


def _share(number: int, measure: str, share: Share) -> Headline:
    reason = None if share.headcount else "nobody is counted in this group"
    small = min(share.bme, share.white) < SMALL_NUMBER
    return Headline(number, measure, share.percent, share.bme, share.headcount, small_numbers=small, reason=reason)


def _rate(count: float | None, total: float | None) -> float | None:
    return count / total if count is not None and total else None


def _likelihood(number: int, measure: str, ratio: RelativeLikelihood) -> Headline:
    return Headline(number, measure, ratio.value, _rate(ratio.count_a, ratio.total_a),
                    _rate(ratio.count_b, ratio.total_b), ratio.ci_low, ratio.ci_high, ratio.small_numbers,
                    ratio.reason or (None if ratio.value is not None else ratio.note))


def headlines(result: WresResult) -> list[Headline]:
    """The figures stored per year: each indicator's value, BME and White values for 5-8, and extras."""
    rows: list[Headline] = []
    for number in NUMBERS:
        outcome = result.indicator(number)
        if isinstance(outcome, NotCalculable):
            rows.append(Headline(number, "value", None, reason=outcome.reason))
        elif number == 1:
            vsm = [share for share in outcome.by_band if share.key == "VSM"]
            rows += [_share(1, "value", outcome.overall), _share(1, "non_medical", outcome.non_medical)]
            rows += [_share(1, "vsm", share) for share in vsm]
        elif number in (2, 3, 4):
            rows.append(_likelihood(number, "value", outcome.overall))
            if outcome.non_medical is not None:
                rows.append(_likelihood(number, "non_medical", outcome.non_medical))
        elif number == 9:
            rows.append(_share(9, "value", outcome.overall))
        else:
            for measure, percent, responses in (("bme", outcome.bme, outcome.bme_responses),
                                                ("white", outcome.white, outcome.white_responses)):
                small = responses is not None and responses < SMALL_NUMBER
                rows.append(Headline(number, measure, percent, None, responses, small_numbers=small,
                                     reason=None if percent is not None else outcome.reason))
    return rows


def read_pack(source: str | Path | Mapping[str, bytes], year: int) -> DataPack:
    """Read and validate a data pack, accepting the trust's own BME label; raises DataPackError."""
    return read_datapack(source, year=year, bme_labels=[organisation_settings().bme_label], unpack=unpack_limits())


def missing_indicators(missing: Iterable[str]) -> dict[str, list[int]]:
    """For each file kind missing from a pack, the indicators that cannot be calculated without it."""
    needs = {kind: [n for n in NUMBERS if DEFINITIONS[n].source == kind] for kind in missing}
    if "workforce" in needs:
        needs["workforce"] = sorted({*needs["workforce"], 3, 4})
    return needs


def default_target() -> float | None:
    """The local population BME % from the settings."""
    percent = organisation_settings().local_population_bme_percent
    return float(percent) if percent is not None else None


def compute(pack: DataPack, year: int, target_percent: float | None = None,
            population: str = NON_MEDICAL) -> WresResult:
    """All the year's results; the aspirational target defaults to the local population %."""
    target = default_target() if target_percent is None else target_percent
    return compute_wres(pack, target_percent=target, target_population=population, year=year)


def _replace_year(year: int, row: IndicatorYear, values: list[IndicatorValue], actor, summary: str) -> IndicatorYear:
    """Delete the stored year (if any) and insert the new one, in the caller's transaction."""
    return replace_year(year, row, values, actor, summary, value_model=IndicatorValue, number="indicator",
                        subject_type="indicator_year")


def store_result(result: WresResult, summary: dict, actor) -> IndicatorYear:
    """Store a computed year, replacing whatever was stored for it."""
    year = result.year
    values = [headline.to_model(year, COMPUTED) for headline in headlines(result)]
    row = IndicatorYear(source=COMPUTED, pack_summary=summary, target_percent=result.target_percent,
                        target_population=result.target_population, result=result.to_dict())
    return _replace_year(year, row, values, actor, f"WRES {year} results computed from a data pack")


@dataclass(frozen=True)
class Imported:
    """A stored year, its results and what its data pack held."""

    year: IndicatorYear
    result: WresResult
    summary: DataPackSummary


def import_pack(source: str | Path | Mapping[str, bytes], year: int, actor, *,
                target_percent: float | None = None, population: str = NON_MEDICAL) -> Imported:
    """Read, compute and store a year; raises DataPackError (nothing stored) on a bad pack."""
    pack = read_pack(source, year)
    result = compute(pack, year, target_percent, population)
    return Imported(store_result(result, pack.summary.to_dict(), actor), result, pack.summary)


def enter_values(year: int, values: Mapping[tuple[int, str], float], actor) -> IndicatorYear:
    """Store published figures typed in for a past year ({(indicator, measure): value})."""
    if not values:
        raise IndicatorError("Enter at least one value")
    unknown = [f"{n} {m}" for n, m in values if m not in TABLE_MEASURES.get(n, ())]
    if unknown:
        raise IndicatorError(f"Not a WRES indicator figure: {', '.join(unknown)}")
    stored = db.session.scalar(select(IndicatorYear.source).where(IndicatorYear.year == year))
    if stored == COMPUTED:
        raise IndicatorError(f"{year} has results computed from a data pack: import a new data pack to change them")
    rows = [Headline(number, measure, float(value)).to_model(year, ENTERED)
            for (number, measure), value in sorted(values.items())]
    return _replace_year(year, IndicatorYear(source=ENTERED), rows, actor, f"WRES {year} published values entered")


def entered_values(year: int) -> dict[tuple[int, str], float]:
    """The values stored for a year entered by hand (empty for computed or unknown years)."""
    rows = db.session.scalars(select(IndicatorValue).where(
        IndicatorValue.year == year, IndicatorValue.source == ENTERED))
    return {(row.indicator, row.measure): row.value for row in rows if row.value is not None}


def set_national_value(year: int, indicator: int, measure: str, value: float, actor) -> NationalValue:
    """Add or change one national reference figure."""
    if indicator not in DEFINITIONS or measure not in (*TABLE_MEASURES[indicator], *(("vsm",) if indicator == 1 else ())):
        raise IndicatorError(f"Indicator {indicator} has no national '{measure}' figure")
    row = db.session.scalar(select(NationalValue).where(
        NationalValue.standard == STANDARD, NationalValue.year == year,
        NationalValue.indicator == indicator, NationalValue.measure == measure))
    before = row.value if row is not None else None
    if row is None:
        row = NationalValue(standard=STANDARD, year=year, indicator=indicator, measure=measure, value=value)
        db.session.add(row)
    row.value = float(value)
    db.session.flush()
    record(actor, row, "updated" if before is not None else "added",
           {f"{year} indicator {indicator} {measure}": [before, row.value]},
           summary=f"National {year} value for indicator {indicator} ({measure}) set to {row.value:g}",
           subject_type="national_value")
    return row


def stored_year(year: int) -> IndicatorYear | None:
    """One stored year."""
    return db.session.scalar(select(IndicatorYear).where(IndicatorYear.year == year))


def breakdown_year(year: int | None = None) -> IndicatorYear | None:
    """The computed year whose breakdowns to show: the one asked for, else the latest computed year."""
    query = select(IndicatorYear).where(IndicatorYear.source == COMPUTED)
    if year is not None:
        chosen = db.session.scalar(query.where(IndicatorYear.year == year))
        if chosen is not None:
            return chosen
    return db.session.scalar(query.order_by(IndicatorYear.year.desc()).limit(1))


def workforce_table(result: Mapping) -> pd.DataFrame | None:
    """The aggregated workforce (band, category, group, headcount) rebuilt from a stored result."""
    by_category_band = result.get("indicators", {}).get("1", {}).get("by_category_band")
    if not by_category_band:
        return None
    rows = [(share["key"], category, group, share[name])
            for category, shares in by_category_band.items() for share in shares
            for group, name in ((BME, "bme"), (WHITE, "white"), (UNKNOWN, "unknown"))]
    return pd.DataFrame(rows, columns=["band", "category", "group", "headcount"])


def targets_for(result: Mapping, target_percent: float, population: str = NON_MEDICAL) -> tuple[AspirationalTarget, ...]:
    """Aspirational targets of a stored result for another target % (or population)."""
    workforce = workforce_table(result)
    return () if workforce is None else aspirational_targets(workforce, target_percent, population)


def result_json(year: int, target_percent: float | None = None) -> dict:
    """The stored year as `wres show --json` prints it (WresResult.to_dict's shape)."""
    row = stored_year(year)
    if row is None:
        raise IndicatorError(f"No WRES results are stored for {year}. "
                             f"Import them with: flask --app wsgi wres import PATH --year {year}")
    if row.result is None:
        return _entered_json(row)
    data = copy.deepcopy(row.result)
    if target_percent is not None and target_percent != row.target_percent:
        population = row.target_population or NON_MEDICAL
        data["aspirational_targets"] = [t.to_dict() for t in targets_for(row.result, target_percent, population)]
        data["aspirational_target_percent"] = target_percent
    return data


def _entered_json(row: IndicatorYear) -> dict:
    """A year typed in: only its headline values, in the same shape."""
    indicators: dict[str, dict] = {}
    for value in row.values:
        shown = None if value.value is None else round_half_up(value.value, 2)
        if DEFINITIONS[value.indicator].unit == "ratio":
            shown = value.value
        indicators.setdefault(str(value.indicator), {})[value.measure] = shown
    return {"year": row.year, "source": ENTERED,
            "indicators": {str(n): indicators.get(str(n), {m: None for m in TABLE_MEASURES[n]}) for n in NUMBERS},
            "race_disparity_ratio": {"lower_to_middle": None, "middle_to_upper": None, "lower_to_upper": None},
            "aspirational_targets": []}


def summary_for_report() -> IndicatorSummary:
    """The indicator summary for Word documents: values per stored year, national, trend and PNG charts."""
    bme_label = organisation_settings().bme_label
    table = indicator_table()
    years = tuple(column.year for column in table.years)
    lines = tuple(
        IndicatorLine(number=line.number, title=line.definition.short_title.replace("BME", bme_label), group=line.group,
                      values=tuple((year, _shown(line.value(year))) for year in years), unit=line.unit,
                      national=_shown(line.national_latest[1]), trend=line.trend,
                      lower_is_better=line.definition.lower_is_better, national_year=line.national_latest[0],
                      versus_national=line.versus_national)
        for line in table.lines)
    pictures = tuple((number, charts.to_png(chart_for(number, table, bme_label), size=charts.WORD_SIZE_INCHES))
                     for number in NUMBERS) if years else ()
    return IndicatorSummary(years, lines, pictures)


def _shown(value: float | None) -> float | None:
    """A figure as printed: 2 dp, half up."""
    return None if value is None else round_half_up(value, 2)
