"""`flask users ...` commands."""
import click
from flask.cli import with_appcontext

from tracker.auth import service
from tracker.auth.models import Role
from tracker.database import committing


@click.group("users", help="Manage users.")
def users_cli():
    pass


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--job-title", default=None)
@with_appcontext
def create(email, name, role, password, job_title):
    """Create a user who can sign in."""
    try:
        with committing():
            user = service.create_user(email=email, name=name, role=role, password=password,
                                       job_title=job_title, actor=None)
    except service.UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created user {user.id}: {user.email} ({user.role})")
