"""The migrations build exactly the schema the models describe (on SQLite and PostgreSQL alike)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker.extensions import db


def test_the_migrated_database_matches_the_models(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], "a model changed without a migration (or the reverse): " + repr(differences)
