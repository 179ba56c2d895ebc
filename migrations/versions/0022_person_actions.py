"""Each action a person owns or supports, with what My actions groups and orders it by, kept by triggers

Revision ID: 0022_person_actions
Revises: 0021_agenda_sections

person_actions has a row for each (person, action) pair linked as owner, supporting lead or both,
holding whether My actions lists it (its plan is neither closed nor archived, and no later plan holds
a copy of it), whether it is closed (a blue RAG, or a status of tracker.rag.CLOSED_STATUSES, written
out here as of this revision), its plan and year, its due date, reference order and last update.

Triggers on action_owners and action_supporting_leads (insert, update, delete; a row goes when neither
link is left), on actions (a change to any of those columns; a copy added, re-pointed or deleted) and
on plans (year, status, archiving) change it in the same transaction as the change, whatever made it.
Deleting a person or an action deletes their rows by the foreign keys' cascade.

ix_person_actions_listed holds a person's listed actions, open ones then closed ones, each in My
actions' order: the page picks each group's first rows by walking it until the LIMIT is met, and counts
from it, never reading the large actions table. On SQLite the table is WITHOUT ROWID. Existing links
are copied here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_person_actions"
down_revision = "0021_agenda_sections"
branch_labels = None
depends_on = None

_CLOSED_STATUSES = ("ACHIEVED", "ACHIEVED AND ONGOING", "CANCELLED", "CARRIED FORWARD")
_COLUMNS = "user_id, action_id, plan_id, plan_year, listed, closed, due_on, undated, ref_order, last_update_at"
_LIVE = "(p.status <> 'closed' AND p.archived_at IS NULL)"
_CARRIED_ON = "EXISTS (SELECT 1 FROM actions c WHERE c.carried_from_id = {id})"


def _closed(row: str) -> str:
    statuses = ", ".join(f"'{status}'" for status in _CLOSED_STATUSES)
    return f"(coalesce({row}.rag, '') = 'blue' OR coalesce({row}.status, '') IN ({statuses}))"


_VALUES = (f"a.id, a.plan_id, p.year, {_LIVE} AND NOT {_CARRIED_ON.format(id='a.id')}, {_closed('a')}, "
           "a.due_on, a.due_on IS NULL, a.ref_order, a.last_update_at")
_LINKS = ("action_owners", "action_supporting_leads")


def _add(row: str) -> str:
    return (f"INSERT INTO person_actions ({_COLUMNS}) SELECT {row}.user_id, {_VALUES} "
            f"FROM actions a JOIN plans p ON p.id = a.plan_id WHERE a.id = {row}.action_id "
            "ON CONFLICT (user_id, action_id) DO NOTHING")


def _take(row: str, other: str) -> str:
    return (f"DELETE FROM person_actions WHERE user_id = {row}.user_id AND action_id = {row}.action_id "
            f"AND NOT EXISTS (SELECT 1 FROM {other} l WHERE l.user_id = {row}.user_id AND l.action_id = {row}.action_id)")


_ACTION_COLUMNS = ("plan_id", "status", "rag", "due_on", "last_update_at", "ref_order")
_COPY_ACTION = (
    "UPDATE person_actions SET plan_id = NEW.plan_id, "
    "plan_year = (SELECT year FROM plans WHERE id = NEW.plan_id), "
    f"listed = (SELECT {_LIVE} FROM plans p WHERE p.id = NEW.plan_id) AND NOT {_CARRIED_ON.format(id='NEW.id')}, "
    f"closed = {_closed('NEW')}, due_on = NEW.due_on, undated = (NEW.due_on IS NULL), ref_order = NEW.ref_order, "
    "last_update_at = NEW.last_update_at WHERE action_id = NEW.id")


def _recheck_listed(ids: str) -> str:
    return (f"UPDATE person_actions SET listed = (SELECT {_LIVE} FROM plans p WHERE p.id = person_actions.plan_id) "
            f"AND NOT {_CARRIED_ON.format(id='person_actions.action_id')} WHERE action_id IN ({ids})")


_COPY_PLAN = ("UPDATE person_actions SET plan_year = NEW.year, "
              f"listed = (NEW.status <> 'closed' AND NEW.archived_at IS NULL) "
              f"AND NOT {_CARRIED_ON.format(id='person_actions.action_id')} WHERE plan_id = NEW.id")

#: (trigger name, timing and event, table, condition or None, statements), as in 0017_action_counts.
_TRIGGERS = [
    *[trigger for table, other in zip(_LINKS, reversed(_LINKS)) for trigger in (
        (f"person_actions_{table}_insert", "AFTER INSERT", table, None, [_add("NEW")]),
        (f"person_actions_{table}_update", "AFTER UPDATE", table, None, [_take("OLD", other), _add("NEW")]),
        (f"person_actions_{table}_delete", "AFTER DELETE", table, None, [_take("OLD", other)]),
    )],
    ("person_actions_actions_update", f"AFTER UPDATE OF {', '.join(_ACTION_COLUMNS)}", "actions",
     " OR ".join(f"OLD.{column} {{is_not}} NEW.{column}" for column in _ACTION_COLUMNS), [_COPY_ACTION]),
    ("person_actions_actions_copy_insert", "AFTER INSERT", "actions", "NEW.carried_from_id IS NOT NULL",
     [_recheck_listed("NEW.carried_from_id")]),
    ("person_actions_actions_copy_update", "AFTER UPDATE OF carried_from_id", "actions",
     "OLD.carried_from_id {is_not} NEW.carried_from_id", [_recheck_listed("OLD.carried_from_id, NEW.carried_from_id")]),
    ("person_actions_actions_copy_delete", "AFTER DELETE", "actions", "OLD.carried_from_id IS NOT NULL",
     [_recheck_listed("OLD.carried_from_id")]),
    ("person_actions_plans_update", "AFTER UPDATE OF year, status, archived_at", "plans",
     "OLD.year {is_not} NEW.year OR OLD.status {is_not} NEW.status OR OLD.archived_at {is_not} NEW.archived_at",
     [_COPY_PLAN]),
]


def _trigger_statements(dialect: str) -> list[str]:
    """CREATE statements of the triggers (and PostgreSQL's trigger functions) for the database."""
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
        "person_actions",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("action_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("plan_year", sa.String(length=7), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("undated", sa.Boolean(), nullable=False),
        sa.Column("ref_order", sa.String(length=200), nullable=False),
        sa.Column("last_update_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_person_actions_action_id_actions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_person_actions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "action_id", name=op.f("pk_person_actions")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_person_actions_action_id", "person_actions", ["action_id"], unique=False)
    op.create_index("ix_person_actions_plan_id", "person_actions", ["plan_id"], unique=False)
    op.create_index("ix_person_actions_listed", "person_actions",
                    ["user_id", "listed", "closed", sa.text("plan_year DESC"), sa.text("plan_id DESC"), "undated",
                     "due_on", "ref_order", "action_id", "last_update_at"], unique=False)
    op.execute(f"INSERT INTO person_actions ({_COLUMNS}) SELECT l.user_id, {_VALUES} "
               "FROM (SELECT action_id, user_id FROM action_owners "
               "UNION SELECT action_id, user_id FROM action_supporting_leads) l "
               "JOIN actions a ON a.id = l.action_id JOIN plans p ON p.id = a.plan_id")
    for statement in _trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _event, table, _condition, _sql in reversed(_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_person_actions_listed", table_name="person_actions")
    op.drop_index("ix_person_actions_plan_id", table_name="person_actions")
    op.drop_index("ix_person_actions_action_id", table_name="person_actions")
    op.drop_table("person_actions")
