"""Each search entry keeps its action's plan

Revision ID: 0023_search_entry_plans
Revises: 0022_person_actions

A search leaves out archived plans' rows and puts closed plans' after the current ones, so it
looked up each candidate's action for its plan. The plan is now kept on the entry (`plan_id`, NULL
for forums and meetings), written by the triggers that write the entry: an action's and a progress
update's insert (the update's from its action), an update moved to another action, and an action
moved to another plan. On SQLite the full-text index is now rewritten only when an entry's indexed
text changes (its reference, title, people or body), not when its plan does. Existing entries are
given theirs here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_search_entry_plans"
down_revision = "0022_person_actions"
branch_labels = None
depends_on = None

_ACTION_BODY = "coalesce({row}.outcome, '') || ' ' || coalesce({row}.lead_text, '')"
_PLAN_OF = "(SELECT a.plan_id FROM actions a WHERE a.id = {action})"
_FTS_COLUMNS = "ref, title, people, body"

#: (trigger, event, table, statements before, statements after): the triggers this revision changes
#: or adds, each as 0014_search wrote it (None: new here) and as it is now.
_TRIGGERS = [
    ("search_actions_insert", "INSERT", "actions", [
        "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) VALUES "
        f"('action', NEW.id, NEW.id, NEW.ref, NEW.text, '', {_ACTION_BODY.format(row='NEW')})",
    ], [
        "INSERT INTO search_entries (kind, source_id, action_id, plan_id, ref, title, people, body) VALUES "
        f"('action', NEW.id, NEW.id, NEW.plan_id, NEW.ref, NEW.text, '', {_ACTION_BODY.format(row='NEW')})",
    ]),
    ("search_updates_insert", "INSERT", "progress_updates", [
        "INSERT INTO search_entries (kind, source_id, action_id, ref, title, people, body) VALUES "
        "('update', NEW.id, NEW.action_id, '', '', '', coalesce(NEW.narrative, ''))",
    ], [
        "INSERT INTO search_entries (kind, source_id, action_id, plan_id, ref, title, people, body) VALUES "
        f"('update', NEW.id, NEW.action_id, {_PLAN_OF.format(action='NEW.action_id')}, '', '', '', "
        "coalesce(NEW.narrative, ''))",
    ]),
    ("search_updates_update", "UPDATE OF narrative, action_id", "progress_updates", [
        "UPDATE search_entries SET action_id = NEW.action_id, body = coalesce(NEW.narrative, '') "
        "WHERE kind = 'update' AND source_id = NEW.id",
    ], [
        f"UPDATE search_entries SET action_id = NEW.action_id, plan_id = {_PLAN_OF.format(action='NEW.action_id')}, "
        "body = coalesce(NEW.narrative, '') WHERE kind = 'update' AND source_id = NEW.id",
    ]),
    ("search_actions_plan", "UPDATE OF plan_id", "actions", None, [
        "UPDATE search_entries SET plan_id = NEW.plan_id WHERE action_id = NEW.id",
    ]),
]

#: Existing entries' plans.
_BACKFILL = (f"UPDATE search_entries SET plan_id = {_PLAN_OF.format(action='search_entries.action_id')} "
             "WHERE action_id IS NOT NULL")

#: SQLite's trigger keeping the FTS5 table in step with an entry's edit, before and after.
_INDEX_UPDATE = (
    "CREATE TRIGGER search_index_update AFTER UPDATE{columns} ON search_entries BEGIN "
    f"INSERT INTO search_index (search_index, rowid, {_FTS_COLUMNS}) "
    "VALUES ('delete', OLD.id, OLD.ref, OLD.title, OLD.people, OLD.body); "
    f"INSERT INTO search_index (rowid, {_FTS_COLUMNS}) VALUES (NEW.id, NEW.ref, NEW.title, NEW.people, NEW.body); END")


def _create(dialect: str, name: str, event: str, table: str, body: list[str]) -> None:
    sql = "; ".join(body)
    if dialect == "postgresql":
        op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN {sql}; RETURN NULL; END $$")
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {sql}; END")


def _drop(dialect: str, name: str, table: str) -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
    if dialect == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_index_update")
        op.execute(_INDEX_UPDATE.format(columns=" OF ref, title, people, body"))
    op.add_column("search_entries", sa.Column("plan_id", sa.Integer(), nullable=True))
    op.execute(_BACKFILL)
    for name, event, table, _before, after in _TRIGGERS:
        _create(dialect, name, event, table, after)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, event, table, before, _after in reversed(_TRIGGERS):
        if before is None:
            _drop(dialect, name, table)
        else:
            _create(dialect, name, event, table, before)
    op.execute("ALTER TABLE search_entries DROP COLUMN plan_id")  # SQLite 3.35+: the FTS5 triggers stay
    if dialect != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_index_update")
        op.execute(_INDEX_UPDATE.format(columns=""))
