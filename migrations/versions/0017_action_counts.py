"""Action counts: actions per plan and status, forum links per forum and plan, kept by triggers

Revision ID: 0017_action_counts
Revises: 0016_plan_summaries

plan_action_counts holds how many actions each plan has at each status ('' for no status);
forum_action_counts how many of each plan's actions are linked to each forum. Triggers on actions
(insert, delete, a change of plan or status) and on action_forums (insert, delete, update) change
them in the same transaction as the change, whatever made it, by adding to or taking from the
stored number (`SET actions = actions + 1`, which PostgreSQL runs under the row's lock, so
concurrent writers are all counted); a missing row is added by the same statement (ON CONFLICT).
Rows that fall to 0 are kept. Existing data is counted here.

An action's forum links are counted off before the action row goes (a BEFORE DELETE trigger): a link
deleted by the foreign key's cascade no longer finds its action, and so changes nothing, while a link
deleted on its own (its action still there) takes one off.

Their foreign keys are checked at commit: deleting a plan (or forum) deletes its actions (or links),
whose triggers take them off the counts after the plan row has gone, and PostgreSQL checks again a
count row its own transaction inserted; the cascade has removed the count rows by the commit.

The users list sorts by lower(name): an expression index lets a page of it be read in order.
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_action_counts"
down_revision = "0016_plan_summaries"
branch_labels = None
depends_on = None

_STATUS = "coalesce({row}.status, '')"


def _add_to_plan(row: str) -> str:
    return ("INSERT INTO plan_action_counts (plan_id, status, actions) "
            f"VALUES ({row}.plan_id, {_STATUS.format(row=row)}, 1) "
            "ON CONFLICT (plan_id, status) DO UPDATE SET actions = plan_action_counts.actions + 1")


def _take_from_plan(row: str) -> str:
    return ("UPDATE plan_action_counts SET actions = actions - 1 "
            f"WHERE plan_id = {row}.plan_id AND status = {_STATUS.format(row=row)}")


def _add_link(row: str) -> str:
    return ("INSERT INTO forum_action_counts (forum_id, plan_id, actions) "
            f"SELECT {row}.forum_id, plan_id, 1 FROM actions WHERE id = {row}.action_id "
            "ON CONFLICT (forum_id, plan_id) DO UPDATE SET actions = forum_action_counts.actions + 1")


def _take_link(row: str) -> str:
    return ("UPDATE forum_action_counts SET actions = actions - 1 "
            f"WHERE forum_id = {row}.forum_id AND plan_id = (SELECT plan_id FROM actions WHERE id = {row}.action_id)")


def _take_links_of_action(row: str) -> str:
    return ("UPDATE forum_action_counts SET actions = actions - 1 "
            f"WHERE plan_id = {row}.plan_id AND forum_id IN (SELECT forum_id FROM action_forums WHERE action_id = {row}.id)")


_ADD_LINKS_OF_ACTION = (
    "INSERT INTO forum_action_counts (forum_id, plan_id, actions) "
    "SELECT forum_id, NEW.plan_id, 1 FROM action_forums WHERE action_id = NEW.id "
    "ON CONFLICT (forum_id, plan_id) DO UPDATE SET actions = forum_action_counts.actions + 1")

#: (trigger name, timing and event, table, condition or None, statements); rendered for each database below.
_TRIGGERS = [
    ("action_counts_actions_insert", "AFTER INSERT", "actions", None, [_add_to_plan("NEW")]),
    ("action_counts_actions_update", "AFTER UPDATE OF plan_id, status", "actions",
     "OLD.plan_id {is_not} NEW.plan_id OR OLD.status {is_not} NEW.status",
     [_take_from_plan("OLD"), _add_to_plan("NEW")]),
    ("action_counts_actions_move", "AFTER UPDATE OF plan_id", "actions", "OLD.plan_id {is_not} NEW.plan_id",
     [_take_links_of_action("OLD"), _ADD_LINKS_OF_ACTION]),
    ("action_counts_actions_delete", "AFTER DELETE", "actions", None, [_take_from_plan("OLD")]),
    ("action_counts_actions_links_delete", "BEFORE DELETE", "actions", None, [_take_links_of_action("OLD")]),
    ("action_counts_action_forums_insert", "AFTER INSERT", "action_forums", None, [_add_link("NEW")]),
    ("action_counts_action_forums_update", "AFTER UPDATE", "action_forums", None, [_take_link("OLD"), _add_link("NEW")]),
    ("action_counts_action_forums_delete", "AFTER DELETE", "action_forums", None, [_take_link("OLD")]),
]

_USERS_NAME_INDEX = "ix_users_lower_name"


def _trigger_statements(dialect: str) -> list[str]:
    """CREATE statements of the counting triggers (and PostgreSQL's trigger functions) for the database."""
    statements = []
    for name, event, table, condition, sql in _TRIGGERS:
        if dialect == "postgresql":
            when = f" WHEN ({condition.format(is_not='IS DISTINCT FROM')})" if condition else ""
            result = "OLD" if event.startswith("BEFORE") else "NULL"
            body = "; ".join(sql)
            statements.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                              f"BEGIN {body}; RETURN {result}; END $$")
            statements.append(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {name}()")
        else:
            when = f" WHEN {condition.format(is_not='IS NOT')}" if condition else ""
            body = "".join(f"{statement}; " for statement in sql)
            statements.append(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{when} BEGIN {body}END")
    return statements


def upgrade():
    op.create_table(
        "plan_action_counts",
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_action_counts_plan_id_plans"),
                                ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
        sa.PrimaryKeyConstraint("plan_id", "status", name=op.f("pk_plan_action_counts")),
    )
    op.create_table(
        "forum_action_counts",
        sa.Column("forum_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["forum_id"], ["forums.id"], name=op.f("fk_forum_action_counts_forum_id_forums"),
                                ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_forum_action_counts_plan_id_plans"),
                                ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
        sa.PrimaryKeyConstraint("forum_id", "plan_id", name=op.f("pk_forum_action_counts")),
    )
    op.create_index(_USERS_NAME_INDEX, "users", [sa.text("lower(name)"), "id"], unique=False)
    op.execute("INSERT INTO plan_action_counts (plan_id, status, actions) "
               "SELECT plan_id, coalesce(status, ''), count(*) FROM actions GROUP BY plan_id, coalesce(status, '')")
    op.execute("INSERT INTO forum_action_counts (forum_id, plan_id, actions) "
               "SELECT l.forum_id, a.plan_id, count(*) FROM action_forums l JOIN actions a ON a.id = l.action_id "
               "GROUP BY l.forum_id, a.plan_id")
    for statement in _trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _event, table, _condition, _sql in reversed(_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index(_USERS_NAME_INDEX, table_name="users")
    op.drop_table("forum_action_counts")
    op.drop_table("plan_action_counts")
