"""The migrations build exactly the schema the models describe (on SQLite and PostgreSQL alike)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker.extensions import db
from tracker.search.models import described_by_models


def test_the_migrated_database_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": described_by_models})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "a model changed without a migration (or the reverse): " + repr(differences)


def test_flask_db_check_finds_nothing_to_migrate(app):
    """What a developer runs before writing a migration: the models and the migrated database agree,
    and the full-text index no model describes is not offered for dropping."""
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
