"""`flask reminders ...` and `flask scheduler`."""
import click


@click.group("reminders", help="Email reminders to action owners.")
def reminders_cli():
    pass


@click.command("scheduler", help="Run the reminder scheduler (one process per deployment).")
def scheduler_command():
    raise click.ClickException("The scheduler is not available yet.")
