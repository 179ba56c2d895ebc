"""The migrations build exactly the schema the models describe (on SQLite and PostgreSQL alike)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker.extensions import db

#: The full-text index over search_entries is the database's own and no model describes it
#: (migration 0014_search): SQLite's FTS5 virtual table search_index and its shadow tables
#: (search_index_data, _idx, _docsize, _config), and PostgreSQL's generated tsvector column
#: search_entries.document with its GIN index.
_FULL_TEXT = ("search_index", "document", "ix_search_entries_document")


def _described_by_models(_object, name, type_, _reflected, _compare_to) -> bool:
    if name is None:
        return True
    if type_ == "table" and name.startswith("search_index"):
        return False
    return name not in _FULL_TEXT


def test_the_migrated_database_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _described_by_models})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "a model changed without a migration (or the reverse): " + repr(differences)
