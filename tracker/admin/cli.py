"""`flask backup PATH`: a consistent copy of a SQLite database, taken while the app runs."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.extensions import db

POSTGRES_ADVICE = ("The database is PostgreSQL: back it up with pg_dump --format=custom and restore it with "
                   "pg_restore (README, 'Backups and restore').")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Copy the SQLite database to PATH (a new file) with SQLite's online backup, safe while the app runs."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise click.ClickException(POSTGRES_ADVICE)
    source = engine.url.database
    if not source or source == ":memory:" or source.startswith("file::memory:"):
        raise click.ClickException("The database is held in memory: there is no file to back up.")
    if path.exists():
        raise click.ClickException(f"{path} already exists: give the backup a new file name.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(Path(source), partial)
        partial.replace(path)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"The backup to {path} failed: {error}.") from None
    click.echo(f"Backed up {source} to {path} ({path.stat().st_size / 1e6:.1f} MB).")


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup of `source` into `target`, then checked whole."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise sqlite3.DatabaseError(f"the copy does not pass SQLite's integrity check ({result})")
