"""WDES metrics: the table of every metric by year, and one metric's page (definition, breakdowns, chart, actions)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import login_required
from markupsafe import Markup

from tracker.indicators import queries, wdes_charts, wdes_queries
from tracker.indicators.wdes_definitions import DEFINITIONS
from tracker.indicators.wdes_figures import shown
from tracker.request_guards import query_int
from tracker.standards import WDES

bp = Blueprint("wdes", __name__, url_prefix="/wdes")


@bp.app_template_filter("wdes_figure")
def wdes_figure(value: float | None, unit: str) -> str:
    """A WDES figure as shown: "25.0%", "1.25", "6.50", "+1.2 pp", "Yes"; "" when there is none."""
    return shown(value, unit)


@bp.app_template_filter("wdes_item")
def wdes_item(figures: dict, year: int):
    """A line's stored figure of a year, or None."""
    return figures.get(year)


@bp.route("/")
@login_required
def index():
    return render_template("wdes/index.html", table=wdes_queries.metrics_table(), definitions=DEFINITIONS)


@bp.route("/<key>")
@login_required
def detail(key: str):
    if key not in wdes_queries.KEYS:
        abort(404)
    year_asked = query_int("year")
    stored = wdes_queries.stored_year(year_asked)
    if year_asked is not None and stored is None:
        abort(404)
    table = wdes_queries.metrics_table()
    row = table.metric(key)
    years = tuple(column.year for column in table.years)
    chart = wdes_queries.chart_for(row, years)
    svg = None
    if chart.has_data:
        def show(value):
            return shown(value, row.shape.unit)
        svg = Markup(wdes_charts.to_svg(chart, wdes_charts.describe(chart, show), show))
    declaration = table.metric("1").line("declaration_rate") if key == "1" else None
    return render_template(
        "wdes/detail.html", key=key, row=row, table=table, definition=DEFINITIONS[key], svg=svg,
        chart=chart, stored=stored, data=wdes_queries.metric_result(stored, key), declaration=declaration,
        linked=queries.linked_actions(key, standard=WDES))
