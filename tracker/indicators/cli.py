"""`flask wres ...` commands: import a year's data pack, show a stored year."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.admin.service import organisation_settings
from tracker.database import committing
from tracker.indicators import service
from tracker.indicators.datapack import DataPackSummary
from tracker.indicators.queries import DEFINITIONS
from tracker.indicators.ratios import round_half_up
from tracker.indicators.representation import TARGET_POPULATIONS
from tracker.indicators.tables import DataPackError
from tracker.indicators.wres import WresResult

MEASURE_NAMES = {"value": "", "bme": "BME", "white": "White", "non_medical": "excluding medical", "vsm": "VSM"}


@click.group("wres", help="WRES indicator data.")
def wres_cli():
    pass


def _shown(number: int, value: float | None) -> str:
    if value is None:
        return "not calculable"
    text = f"{round_half_up(value, 2):.2f}"
    return text + "%" if DEFINITIONS[number].unit == "percent" else text


def _group(name: str) -> str:
    """A group or measure as the trust says it."""
    return organisation_settings().bme_label if name == "BME" else name


def _echo_summary(year: int, summary: DataPackSummary) -> None:
    click.echo(f"Data pack for {year}:")
    for item in summary.files:
        groups = ", ".join(f"{_group(group)} {value:g}" for group, value in item.groups.items())
        click.echo(f"  {item.file} ({item.layout}): {item.rows} rows; {groups or 'no groups'}")
        for reading in item.readings:
            click.echo(f"    {reading}")
    for kind, numbers in service.missing_indicators(summary.missing).items():
        click.echo(f"  no {kind} file: indicator{'s' if len(numbers) != 1 else ''} "
                   f"{', '.join(map(str, numbers))} not calculable")
    if summary.ignored:
        click.echo(f"  ignored: {', '.join(summary.ignored)}")


def _echo_headlines(result: WresResult) -> None:
    click.echo(f"Stored WRES {result.year} results:")
    for item in service.headlines(result):
        name = f"{item.indicator} {DEFINITIONS[item.indicator].short_title}"
        measure = _group(MEASURE_NAMES.get(item.measure, item.measure))
        notes = []
        if item.ci_low is not None:
            notes.append(f"95% CI {item.ci_low:.2f}-{item.ci_high:.2f}")
        if item.small_numbers:
            notes.append("small numbers")
        if item.reason:
            notes.append(item.reason)
        line = f"  {name}{', ' + measure if measure else ''}: {_shown(item.indicator, item.value)}"
        click.echo(line + (f" ({'; '.join(notes)})" if notes else ""))


@wres_cli.command("import")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--year", required=True, type=click.IntRange(2000, 2100), help="The WRES year, like 2024.")
@click.option("--target-percent", type=click.FloatRange(0, 100), default=None,
              help="Aspirational target %; defaults to the local population % in the settings.")
@click.option("--population", type=click.Choice(TARGET_POPULATIONS), default="non-medical", show_default=True,
              help="Whose bands the aspirational targets count.")
@with_appcontext
def import_command(path: Path, year: int, target_percent: float | None, population: str):
    """Compute and store a year from a folder of data-pack files; replaces that year if stored."""
    try:
        with committing():
            imported = service.import_pack(path, year, None, target_percent=target_percent, population=population)
    except DataPackError as error:
        for line in str(error).splitlines():
            click.echo(line, err=True)
        click.echo("Nothing has been stored.", err=True)
        raise SystemExit(1) from None
    _echo_summary(year, imported.summary)
    _echo_headlines(imported.result)


@wres_cli.command("show")
@click.option("--year", required=True, type=int, help="The stored WRES year, like 2024.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON object.")
@click.option("--target-percent", type=click.FloatRange(0, 100), default=None,
              help="Recompute the aspirational targets for this %.")
@with_appcontext
def show_command(year: int, as_json: bool, target_percent: float | None):
    """Print a stored year's results."""
    try:
        data = service.result_json(year, target_percent)
    except service.IndicatorError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(data, allow_nan=False))
        return
    click.echo(f"WRES {year} ({data.get('source', 'computed')}):")
    for number in DEFINITIONS:
        values = data["indicators"][str(number)]
        if "bme" in values and DEFINITIONS[number].kind == "survey_pair":
            text = f"{_group('BME')} {_shown(number, values['bme'])}, White {_shown(number, values['white'])}"
        else:
            text = _shown(number, values.get("value"))
        click.echo(f"  {number} {DEFINITIONS[number].short_title}: {text}")
