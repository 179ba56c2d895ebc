"""`flask wdes ...` commands: import a year's WDES data pack, show a stored year."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.database import committing
from tracker.indicators import wdes_service
from tracker.indicators.ratios import round_half_up
from tracker.indicators.tables import DataPackError
from tracker.indicators.wdes import METRICS
from tracker.indicators.wdes_headlines import wdes_headlines
from tracker.indicators.wdes_pack import WdesPackSummary
from tracker.indicators.wdes_results import WdesWorkforce

MEASURES = {"disabled": "Disabled", "non_disabled": "non-disabled", "not_declared": "not declared",
            "declaration_rate": "declaration rate", "value": "relative likelihood", "overall": "overall",
            "answer": "answer", "voting": "voting members", "executive": "executive members"}


@click.group("wdes", help="WDES metric data.")
def wdes_cli():
    pass


def shown(metric: str, measure: str, value: float | None) -> str:
    """A figure as people read it: '4.96%', '1.04', '6.50', 'yes', '-3.20 points'."""
    if value is None:
        return "not calculable"
    if metric == "9b":
        return "yes" if value else "no"
    text = f"{round_half_up(value, 2):.2f}"
    if metric in ("2", "3", "9a"):
        return text
    return f"{text} points" if metric == "10" else f"{text}%"


def _echo_summary(year: int, summary: WdesPackSummary) -> None:
    click.echo(f"WDES data pack for {year}:")
    for item in summary.files:
        groups = ", ".join(f"{group} {value:g}" for group, value in item.groups.items())
        click.echo(f"  {item.file} ({item.kind}, {item.layout}): {item.rows} rows; {groups or 'no groups'}")
        for reading in item.readings:
            click.echo(f"    {reading}")
    for kind, metrics in wdes_service.missing_metrics(summary.missing).items():
        click.echo(f"  no {kind} file: metric{'s' if len(metrics) != 1 else ''} {', '.join(metrics)} "
                   "not calculable from it")
    if summary.ignored:
        click.echo(f"  ignored: {', '.join(summary.ignored)}")


@wdes_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--year", required=True, type=click.IntRange(2000, 2100), help="The WDES year, like 2025.")
@with_appcontext
def import_command(path: Path, year: int):
    """Compute and store a year from a folder (or .zip) of WDES data-pack files; replaces that year if stored."""
    try:
        with committing():
            imported = wdes_service.import_pack(path, year, None)
    except DataPackError as error:
        for line in str(error).splitlines():
            click.echo(line, err=True)
        click.echo("Nothing has been stored.", err=True)
        raise SystemExit(1) from None
    _echo_summary(year, imported.summary)
    if isinstance(imported.result.workforce, WdesWorkforce):
        overall = imported.result.workforce.overall
        click.echo(f"  workforce: Disabled {overall.disabled:,}, non-disabled {overall.non_disabled:,}, "
                   f"not declared {overall.not_declared:,}")
    click.echo(f"Stored WDES {year} results:")
    for item in wdes_headlines(imported.result):
        notes = []
        if item.ci_low is not None:
            notes.append(f"95% CI {item.ci_low:.2f}-{item.ci_high:.2f}")
        if item.small_numbers:
            notes.append("small numbers")
        if item.reason:
            notes.append(item.reason)
        line = f"  {wdes_service.metric_name(item.metric)} {MEASURES.get(item.measure, item.measure)}: " \
               f"{shown(item.metric, item.measure, item.value)}"
        click.echo(line + (f" ({'; '.join(notes)})" if notes else ""))


@wdes_cli.command("show")
@click.option("--year", required=True, type=int, help="The stored WDES year, like 2025.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object, figures unrounded.")
@with_appcontext
def show_command(year: int, as_json: bool):
    """Print a stored year's WDES metrics."""
    try:
        data = wdes_service.show_dict(year)
    except wdes_service.WdesError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(data, allow_nan=False))
        return
    click.echo(f"WDES {year} ({data['source']}):")
    for key in METRICS:
        entry = data["metrics"][key]
        if key in ("2", "3"):
            text = shown(key, "value", entry["value"])
        elif key == "9b":
            text = entry["answer"] or "not answered"
        else:
            text = ", ".join(f"{MEASURES[m]} {shown(key, m, v)}" for m, v in entry.items() if m != "reason")
        reason = f" ({entry['reason']})" if entry.get("reason") else ""
        click.echo(f"  {wdes_service.metric_name(key)}: {text}{reason}")
