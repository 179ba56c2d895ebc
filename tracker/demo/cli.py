"""`flask demo ...` commands."""
import secrets

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.demo.service import demo_loaded, load_demo
from tracker.extensions import db


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
    users = load_demo(password)
    db.session.commit()
    lines = [f"Demo sign-in (password for all: {password})"]
    lines += [f"  {user.role:<9} {user.email:<32} {user.name}" for user in users]
    text = "\n".join(lines)
    with open(credentials, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    click.echo(text)
