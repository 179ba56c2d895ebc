"""`flask wres ...` commands."""
import click


@click.group("wres", help="WRES indicator data.")
def wres_cli():
    pass
