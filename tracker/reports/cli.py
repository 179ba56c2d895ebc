"""Word document commands, which create_app adds to the `flask plan ...` group: export-docx and import-docx."""
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker import clock
from tracker.database import committing
from tracker.errors import DomainError
from tracker.reports import service
from tracker.reports.docx_import import DocxImportError, import_read_plan
from tracker.reports.docx_reader import DocxReadError, read_plan_tables
from tracker.uploads import unpack_limits


@click.command("export-docx")
@click.option("--plan", "plan_id", required=True, type=int, help="The plan's id (the number in /plans/<id>).")
@click.option("--document", required=True, type=click.Choice(service.DOCUMENTS),
              help="appendix1 (progress report), appendix2 (the plan), indicators (summary) or pack (all three).")
@click.option("--style", type=click.Choice(service.STYLES), default=None,
              help="The layout. Appendix 1: 2021 (default, a row per action) or 2024 (Train / Retain / Reform). "
                   "Appendix 2 and the pack's Appendix 2: 2024 (default) or 2021.")
@click.option("--as-at", "as_at", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The 'as at' date, YYYY-MM-DD; defaults to today.")
@click.option("--history/--no-history", default=False, show_default=True,
              help="Include the dated history of updates in Appendix 1.")
@click.option("--title", default=None, help="The document's title (the cover's, for the pack).")
@click.option("--appendix1-plan", "appendix1_plan_id", type=int, default=None,
              help="For the pack: the plan reported on in Appendix 1 (default: last year's plan).")
@click.option("--appendix1-style", "appendix1_style", type=click.Choice(service.STYLES), default=None,
              help="For the pack: the layout of Appendix 1, 2021 (default) or 2024.")
@click.option("--hia/--no-hia", "show_hia", default=False, show_default=True,
              help="Appendix 2 (and the pack's): add the HIA column naming each action's high impact actions.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .docx to write.")
@with_appcontext
def export_docx_command(plan_id: int, document: str, style: str | None, as_at: datetime | None, history: bool,
                        title: str | None, appendix1_plan_id: int | None, appendix1_style: str | None,
                        show_hia: bool, out: Path):
    """Write a board document of a plan to a Word file and print its path."""
    plan = service.load_plan(plan_id)
    if plan is None:
        raise click.ClickException(f"There is no plan with id {plan_id}: the id is the number in the plan's "
                                   "web address, /plans/<id>.")
    styles = ({"appendix1_style": style} if document == "appendix1"
              else {"style": style, "appendix1_style": appendix1_style})
    options = service.ExportOptions(document=document, as_at=as_at.date() if as_at else clock.today(),
                                    include_history=history, title=title, appendix1_plan_id=appendix1_plan_id,
                                    show_hia=show_hia,
                                    **{key: value for key, value in styles.items() if value})
    try:
        exported = service.export_document(plan, options)
        out.write_bytes(exported.content)
    except service.ExportError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"Could not write {out}: {error.strerror}.") from None
    click.echo(str(out))


@click.command("import-docx")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", required=True, help="The new plan's year, like 2024-25.")
@click.option("--title", default=None, help="Defaults to 'WRES action plan <year>'.")
@with_appcontext
def import_docx_command(path: Path, year: str, title: str | None):
    """Create a draft plan from the action table(s) of a Word document; prints the new plan's id last."""
    try:
        with committing():
            read = read_plan_tables(path.read_bytes(), name=path.name, unpack=unpack_limits())
            result = import_read_plan(read, year=year, title=title, actor=None, filename=path.name)
    except DocxImportError as error:
        for problem in error.problems:
            click.echo(f"{path.name}: {problem}", err=True)
        raise click.ClickException(f"{path.name} was not imported: fix the rows above. Nothing has been stored.") \
            from None
    except DocxReadError as error:
        raise click.ClickException(f"{error}. Nothing has been imported.") from None
    except DomainError as error:
        raise click.ClickException(f"{path.name}: {error}. Nothing has been imported.") from None
    for line in result.summary_lines():
        click.echo(line)
    click.echo(f"Draft plan {result.plan.year} '{result.plan.title}' created; its id is:")
    click.echo(str(result.plan.id))


#: The commands create_app adds to the `flask plan ...` group.
PLAN_COMMANDS = (export_docx_command, import_docx_command)
