"""`flask users ...` commands."""
import click
from flask.cli import with_appcontext

from tracker.auth import service, sessions
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


@users_cli.command("unlink-nhs-account")
@click.argument("email")
@with_appcontext
def unlink_nhs_account(email):
    """Forget the NHS account a user first signed in with, so their next single sign-in links a new one."""
    user = _user(email)
    with committing():
        unlinked = service.unlink_sso(user, actor=None)
    click.echo(f"Unlinked {unlinked} from {user.email}" if unlinked else f"{user.email} has no NHS account linked")


@users_cli.command("sign-out-everywhere")
@click.argument("email")
@with_appcontext
def sign_out_everywhere(email):
    """End every sign-in session of the user with EMAIL, on every device."""
    user = _user(email)
    with committing():
        count = sessions.sign_out_everywhere(user, actor=None)
    click.echo(f"Signed {user.email} out everywhere: {count} session{'s' if count != 1 else ''} ended.")


def _user(email: str):
    user = service.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No user has the email {email}")
    return user
