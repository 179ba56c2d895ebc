"""Action history counts: each action's progress updates and audit events, kept by triggers

Revision ID: 0024_action_history_counts
Revises: 0023_search_entry_plans

action_history_counts holds, per action, how many progress updates it has and how many audit events
name it (subject_type 'action'). Triggers on progress_updates (insert, delete, a move to another action)
and on audit_events (insert, delete, a change of subject) change them in the same transaction as the
change, whatever made it, by adding to or taking from the stored number (`SET updates = updates + 1`,
which PostgreSQL runs under the row's lock, so concurrent writers are all counted); a missing row is
added by the same statement (ON CONFLICT). Rows that fall to 0 are kept. Existing data is counted here.

No foreign key to actions: an action's audit events are kept after it is deleted, and its row stays
equal to them (its updates, deleted with it, take themselves off).

The action's page reads its totals from here and then only the updates and events it shows, by index,
instead of counting all of them with window functions.
"""
import sqlalchemy as sa
from alembic import op

revision = "0024_action_history_counts"
down_revision = "0023_search_entry_plans"
branch_labels = None
depends_on = None


def _add_update(row: str) -> str:
    return ("INSERT INTO action_history_counts (action_id, updates, events) "
            f"VALUES ({row}.action_id, 1, 0) "
            "ON CONFLICT (action_id) DO UPDATE SET updates = action_history_counts.updates + 1")


def _take_update(row: str) -> str:
    return f"UPDATE action_history_counts SET updates = updates - 1 WHERE action_id = {row}.action_id"


def _add_event(row: str) -> str:
    # WHERE (not only the trigger's WHEN): the update trigger adds the new subject only if it is an action.
    return ("INSERT INTO action_history_counts (action_id, updates, events) "
            f"SELECT {row}.subject_id, 0, 1 WHERE {row}.subject_type = 'action' AND {row}.subject_id IS NOT NULL "
            "ON CONFLICT (action_id) DO UPDATE SET events = action_history_counts.events + 1")


def _take_event(row: str) -> str:
    return ("UPDATE action_history_counts SET events = events - 1 "
            f"WHERE {row}.subject_type = 'action' AND action_id = {row}.subject_id")


_IS_ACTION = "{row}.subject_type = 'action' AND {row}.subject_id IS NOT NULL"

#: (trigger name, timing and event, table, condition or None, statements); rendered for each database below.
_TRIGGERS = [
    ("action_history_updates_insert", "AFTER INSERT", "progress_updates", None, [_add_update("NEW")]),
    ("action_history_updates_update", "AFTER UPDATE OF action_id", "progress_updates",
     "OLD.action_id {is_not} NEW.action_id", [_take_update("OLD"), _add_update("NEW")]),
    ("action_history_updates_delete", "AFTER DELETE", "progress_updates", None, [_take_update("OLD")]),
    ("action_history_events_insert", "AFTER INSERT", "audit_events", _IS_ACTION.format(row="NEW"),
     [_add_event("NEW")]),
    ("action_history_events_update", "AFTER UPDATE OF subject_type, subject_id", "audit_events",
     "OLD.subject_type {is_not} NEW.subject_type OR OLD.subject_id {is_not} NEW.subject_id",
     [_take_event("OLD"), _add_event("NEW")]),
    ("action_history_events_delete", "AFTER DELETE", "audit_events", _IS_ACTION.format(row="OLD"),
     [_take_event("OLD")]),
]


def _trigger_statements(dialect: str) -> list[str]:
    """CREATE statements of the counting triggers (and PostgreSQL's trigger functions) for the database."""
    statements = []
    for name, event, table, condition, sql in _TRIGGERS:
        if dialect == "postgresql":
            when = f" WHEN ({condition.format(is_not='IS DISTINCT FROM')})" if condition else ""
            body = "; ".join(sql)
            statements.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                              f"BEGIN {body}; RETURN NULL; END $$")
            statements.append(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {name}()")
        else:
            when = f" WHEN {condition.format(is_not='IS NOT')}" if condition else ""
            body = "".join(f"{statement}; " for statement in sql)
            statements.append(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{when} BEGIN {body}END")
    return statements


def upgrade():
    op.create_table(
        "action_history_counts",
        sa.Column("action_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("updates", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_action_history_counts")),
    )
    op.execute("INSERT INTO action_history_counts (action_id, updates, events) "
               "SELECT action_id, sum(updates), sum(events) FROM ("
               "SELECT action_id, count(*) AS updates, 0 AS events FROM progress_updates GROUP BY action_id "
               "UNION ALL SELECT subject_id, 0, count(*) FROM audit_events "
               "WHERE subject_type = 'action' AND subject_id IS NOT NULL GROUP BY subject_id) AS counted "
               "GROUP BY action_id")
    for statement in _trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _event, table, _condition, _sql in reversed(_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("action_history_counts")
