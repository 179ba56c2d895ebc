"""`flask demo ...` commands."""
import secrets
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.database import committing
from tracker.demo.scale import ScaleError, ScaleSize, generate, refresh_statistics
from tracker.demo.service import demo_loaded, load_demo


@click.group("demo", help="Demo data.")
def demo_cli():
    pass


@demo_cli.command("load")
@click.option("--password", default=None, help="Password for the demo sign-ins (random if not given).")
@with_appcontext
def load(password):
    """Load the demo plans, forums and users, once."""
    credentials = current_app.instance_path + "/demo-sign-in.txt"
    if demo_loaded():
        click.echo("Demo data is already loaded (the database has plans); nothing changed.")
        return
    password = password or secrets.token_urlsafe(9)
    with committing():
        users = load_demo(password)
    lines = [f"Demo sign-in (password for all: {password})"]
    lines += [f"  {user.role:<9} {user.email:<32} {user.name}" for user in users]
    text = "\n".join(lines)
    with open(credentials, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    click.echo(text)


@demo_cli.command("scale")
@click.option("--plans", default=10, show_default=True, help="Trusts in the ICS, one plan each.")
@click.option("--actions", default=3000, show_default=True, help="Actions, spread unevenly over the plans.")
@click.option("--updates", default=60000, show_default=True, help="Progress updates, spread over two years.")
@click.option("--users", default=2000, show_default=True, help="Users, spread over the trusts.")
@click.option("--seed", default=1, show_default=True, help="The same seed and --until give the same data.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day of the history (today).")
@click.option("--password", default=None, help="Password for every user who can sign in (random if not given).")
@with_appcontext
def scale(plans, actions, updates, users, seed, until, password):
    """Add the volume of an ICS with ten trusts: users, forums, meetings, plans, actions, updates."""
    password = password or secrets.token_urlsafe(12)
    size = ScaleSize(plans=plans, actions=actions, updates=updates, users=users)
    started = time.perf_counter()
    try:
        with committing():
            result = generate(size, password=password, seed=seed, until=until.date() if until else None)
    except ScaleError as error:
        raise click.UsageError(str(error)) from None
    seconds = time.perf_counter() - started
    with committing():
        refresh_statistics()
    click.echo(f"Created {result.rows:,} rows in {seconds:.1f} s, committed ({result.rows / seconds:,.0f} rows a second):")
    for name, count in result.created.items():
        click.echo(f"  {name:<22}{count:>9,}")
    click.echo(f"Sign-in (password for all: {password})")
    for role, email, name in result.sign_ins:
        click.echo(f"  {role:<9} {email:<48} {name}")
