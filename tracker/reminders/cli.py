"""`flask reminders ...` and `flask scheduler`."""
import click


@click.group("reminders", help="Email reminders to action owners.")
def reminders_cli():
    pass
