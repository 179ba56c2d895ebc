"""Search: one row per searchable thing in search_entries, kept in step by triggers, with the
database's own full-text index over it

Revision ID: 0014_search
Revises: 0013_evidence_files

Triggers on actions, progress_updates, forums, meetings, action_owners, action_supporting_leads
and users (names) write search_entries in the same transaction as the change, whatever wrote it
(the ORM, Core bulk inserts, the demo generator, a rollover). PostgreSQL indexes a generated
tsvector column (English configuration) with GIN; SQLite keeps an FTS5 external-content table,
search_index, in step with search_entries by triggers. Existing rows are indexed here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_search"
down_revision = "0013_evidence_files"
branch_labels = None
depends_on = None

#: The names of an action's owners and supporting leads, for the row whose source_id is the action.
_PEOPLE = ("coalesce((SELECT {agg} FROM users u WHERE u.id IN ("
           "SELECT o.user_id FROM action_owners o WHERE o.action_id = search_entries.source_id UNION "
           "SELECT s.user_id FROM action_supporting_leads s WHERE s.action_id = search_entries.source_id)), '')")
_ACTION_BODY = "coalesce({row}.outcome, '') || ' ' || coalesce({row}.lead_text, '')"
_FORUM_TITLE = "{row}.name || coalesce(' ' || {row}.short_name, '')"

#: (trigger name, event, table, statements) with NEW/OLD rows; rendered for each database below.
_TRIGGERS = [
    ("search_actions_insert", "INSERT", "actions", [
        "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) VALUES "
        f"('action', NEW.id, NEW.id, NEW.ref, NEW.text, '', {_ACTION_BODY.format(row='NEW')})",
    ]),
    ("search_actions_update", "UPDATE OF ref, text, outcome, lead_text", "actions", [
        f"UPDATE search_entries SET ref = NEW.ref, title = NEW.text, body = {_ACTION_BODY.format(row='NEW')} "
        "WHERE kind = 'action' AND source_id = NEW.id",
    ]),
    ("search_actions_delete", "DELETE", "actions", [
        "DELETE FROM search_entries WHERE action_id = OLD.id",
    ]),
    ("search_updates_insert", "INSERT", "progress_updates", [
        "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) VALUES "
        "('update', NEW.id, NEW.action_id, '', '', '', coalesce(NEW.narrative, ''))",
    ]),
    ("search_updates_update", "UPDATE OF narrative, action_id", "progress_updates", [
        "UPDATE search_entries SET action_id = NEW.action_id, body = coalesce(NEW.narrative, '') "
        "WHERE kind = 'update' AND source_id = NEW.id",
    ]),
    ("search_updates_delete", "DELETE", "progress_updates", [
        "DELETE FROM search_entries WHERE kind = 'update' AND source_id = OLD.id",
    ]),
    ("search_forums_insert", "INSERT", "forums", [
        "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) VALUES "
        f"('forum', NEW.id, NULL, '', {_FORUM_TITLE.format(row='NEW')}, '', coalesce(NEW.description, ''))",
    ]),
    ("search_forums_update", "UPDATE OF name, short_name, description", "forums", [
        f"UPDATE search_entries SET title = {_FORUM_TITLE.format(row='NEW')}, body = coalesce(NEW.description, '') "
        "WHERE kind = 'forum' AND source_id = NEW.id",
    ]),
    ("search_forums_delete", "DELETE", "forums", [
        "DELETE FROM search_entries WHERE kind = 'forum' AND source_id = OLD.id",
    ]),
    ("search_meetings_insert", "INSERT", "meetings", [
        "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) VALUES "
        "('meeting', NEW.id, NULL, '', '', '', coalesce(NEW.notes, ''))",
    ]),
    ("search_meetings_update", "UPDATE OF notes", "meetings", [
        "UPDATE search_entries SET body = coalesce(NEW.notes, '') WHERE kind = 'meeting' AND source_id = NEW.id",
    ]),
    ("search_meetings_delete", "DELETE", "meetings", [
        "DELETE FROM search_entries WHERE kind = 'meeting' AND source_id = OLD.id",
    ]),
]
for _table in ("action_owners", "action_supporting_leads"):
    for _event, _row in (("INSERT", "NEW"), ("DELETE", "OLD")):
        _TRIGGERS.append((f"search_{_table}_{_event.lower()}", _event, _table, [
            f"UPDATE search_entries SET people = {_PEOPLE} WHERE kind = 'action' AND source_id = {_row}.action_id",
        ]))
_TRIGGERS.append(("search_users_rename", "UPDATE OF name", "users", [
    f"UPDATE search_entries SET people = {_PEOPLE} WHERE kind = 'action' AND source_id IN ("
    "SELECT action_id FROM action_owners WHERE user_id = NEW.id UNION "
    "SELECT action_id FROM action_supporting_leads WHERE user_id = NEW.id)",
]))

_BACKFILL = [
    "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) "
    f"SELECT 'action', a.id, a.id, a.ref, a.text, '', {_ACTION_BODY.format(row='a')} FROM actions a",
    "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) "
    "SELECT 'update', u.id, u.action_id, '', '', '', coalesce(u.narrative, '') FROM progress_updates u",
    "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) "
    f"SELECT 'forum', f.id, NULL, '', {_FORUM_TITLE.format(row='f')}, '', coalesce(f.description, '') FROM forums f",
    "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) "
    "SELECT 'meeting', m.id, NULL, '', '', '', coalesce(m.notes, '') FROM meetings m",
    f"UPDATE search_entries SET people = {_PEOPLE} WHERE kind = 'action'",
]

_DOCUMENT = ("setweight(to_tsvector('english'::regconfig, coalesce(ref, '') || ' ' || coalesce(title, '')), 'A') || "
             "setweight(to_tsvector('english'::regconfig, coalesce(people, '')), 'B') || "
             "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')")

_FTS_COLUMNS = "ref, title, people, body"


def _sqlite_statements() -> list[str]:
    aggregate = "group_concat(u.name, ' ')"
    statements = [
        f"CREATE VIRTUAL TABLE search_index USING fts5({_FTS_COLUMNS}, content='search_entries', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
        "CREATE TRIGGER search_index_insert AFTER INSERT ON search_entries BEGIN "
        f"INSERT INTO search_index (rowid, {_FTS_COLUMNS}) VALUES (NEW.id, NEW.ref, NEW.title, NEW.people, NEW.body); END",
        "CREATE TRIGGER search_index_delete AFTER DELETE ON search_entries BEGIN "
        f"INSERT INTO search_index (search_index, rowid, {_FTS_COLUMNS}) "
        "VALUES ('delete', OLD.id, OLD.ref, OLD.title, OLD.people, OLD.body); END",
        "CREATE TRIGGER search_index_update AFTER UPDATE ON search_entries BEGIN "
        f"INSERT INTO search_index (search_index, rowid, {_FTS_COLUMNS}) "
        "VALUES ('delete', OLD.id, OLD.ref, OLD.title, OLD.people, OLD.body); "
        f"INSERT INTO search_index (rowid, {_FTS_COLUMNS}) VALUES (NEW.id, NEW.ref, NEW.title, NEW.people, NEW.body); END",
    ]
    for name, event, table, body in _TRIGGERS:
        sql = "; ".join(statement.format(agg=aggregate) if "{agg}" in statement else statement for statement in body)
        statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {sql}; END")
    return statements


def _postgresql_statements() -> list[str]:
    aggregate = "string_agg(u.name, ' ')"
    statements = [
        f"ALTER TABLE search_entries ADD COLUMN document tsvector GENERATED ALWAYS AS ({_DOCUMENT}) STORED",
        "CREATE INDEX ix_search_entries_document ON search_entries USING gin (document)",
    ]
    for name, event, table, body in _TRIGGERS:
        sql = "; ".join(statement.format(agg=aggregate) if "{agg}" in statement else statement for statement in body)
        statements.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                          f"BEGIN {sql}; RETURN NULL; END $$")
        statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
    return statements


def upgrade():
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("people", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("kind", "source_id", name=op.f("uq_search_entries_kind")),
    )
    op.create_index(op.f("ix_search_entries_action_id"), "search_entries", ["action_id"], unique=False)
    dialect = op.get_bind().dialect.name
    statements = _postgresql_statements() if dialect == "postgresql" else _sqlite_statements()
    for statement in statements + [s.format(agg="string_agg(u.name, ' ')" if dialect == "postgresql"
                                             else "group_concat(u.name, ' ')") for s in _BACKFILL]:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _event, table, _body in reversed(_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    if dialect != "postgresql":
        for name in ("search_index_insert", "search_index_delete", "search_index_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_index")
    op.drop_table("search_entries")
