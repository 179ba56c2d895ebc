"""`flask plan ...` commands: import a plan from CSV/XLSX, export one."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.database import committing
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans import file_reader, file_writer, importer
from tracker.plans.models import Plan


@click.group("plan", help="Import and export action plans.")
def plan_cli():
    pass


@plan_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", required=True, help="The plan's year, like 2024-25.")
@click.option("--title", default=None, help="Defaults to 'WRES action plan <year>'.")
@with_appcontext
def import_command(path: Path, year: str, title: str | None):
    """Create a draft plan from a CSV or XLSX file; prints the new plan's id on the last line."""
    try:
        with committing():
            result = importer.import_plan(path.read_bytes(), year=year, title=title, actor=None, filename=path.name)
    except file_reader.TransferError as error:
        for line in error.lines():
            click.echo(line, err=True)
        raise SystemExit(1) from None
    except DomainError as error:
        raise click.ClickException(f"{path.name}: {error}. Nothing has been imported.") from None
    click.echo(result.summary())
    click.echo(f"Draft plan {result.plan.year} '{result.plan.title}' created; its id is:")
    click.echo(str(result.plan.id))


@plan_cli.command("export")
@click.option("--plan", "plan_id", required=True, type=int, help="The plan's id.")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default=None,
              help="Defaults to the --out file's extension, else csv.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(plan_id: int, file_format: str | None, out: Path):
    """Write a plan to a CSV or XLSX file that `plan import` reads back."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"There is no plan with id {plan_id}: the id is the number in the plan's "
                                   "web address, /plans/<id>.")
    file_format = file_format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    rows = importer.plan_rows(plan)
    try:
        out.write_bytes(file_writer.write_csv(rows) if file_format == "csv" else file_writer.write_xlsx(rows))
    except OSError as error:
        raise click.ClickException(f"Could not write {out}: {error.strerror}.") from None
    click.echo(f"Wrote {len(rows)} actions of plan {plan.year} to {out}")
