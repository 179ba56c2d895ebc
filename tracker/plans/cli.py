"""`flask plan ...` commands."""
import click


@click.group("plan", help="Import and export action plans.")
def plan_cli():
    pass
