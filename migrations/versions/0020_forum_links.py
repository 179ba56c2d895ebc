"""Forum links: each action's link to a forum with its plan and reference order, so a forum's page reads its page

Revision ID: 0020_forum_links
Revises: 0019_incremental_summaries

forum_links copies action_forums with the action's plan and reference order. Triggers on action_forums and
actions keep it in step in the same transaction as the change, whatever made it; the application never writes
it. Its index gives each plan's actions reported to a forum in reference order, so a forum's page reads the
first rows of each live plan instead of every action reported to the forum (`tracker.governance.queries`).
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_forum_links"
down_revision = "0019_incremental_summaries"
branch_labels = None
depends_on = None

_INSERT = ("INSERT INTO forum_links (forum_id, action_id, plan_id, ref_order) "
           "SELECT NEW.forum_id, NEW.action_id, a.plan_id, a.ref_order FROM actions a WHERE a.id = NEW.action_id")
_DELETE = "DELETE FROM forum_links WHERE forum_id = OLD.forum_id AND action_id = OLD.action_id"
_MOVE = "UPDATE forum_links SET plan_id = NEW.plan_id, ref_order = NEW.ref_order WHERE action_id = NEW.id"

#: (trigger name, event, table, statements) with NEW/OLD rows.
_TRIGGERS = [
    ("forum_links_link_insert", "INSERT", "action_forums", [_INSERT]),
    ("forum_links_link_update", "UPDATE", "action_forums", [_DELETE, _INSERT]),
    ("forum_links_link_delete", "DELETE", "action_forums", [_DELETE]),
    ("forum_links_action_update", "UPDATE OF plan_id, ref_order", "actions", [_MOVE]),
]


def _trigger_statements(dialect: str) -> list[str]:
    statements = []
    for name, event, table, body in _TRIGGERS:
        sql = "; ".join(body)
        if dialect == "postgresql":
            statements.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                              f"BEGIN {sql}; RETURN NULL; END $$")
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
        else:
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {sql}; END")
    return statements


def upgrade():
    op.create_table(
        "forum_links",
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("ref_order", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_forum_links_action_id_actions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["forum_id"], ["forums.id"], name=op.f("fk_forum_links_forum_id_forums"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("forum_id", "action_id", name=op.f("pk_forum_links")),
    )
    op.create_index("ix_forum_links_order", "forum_links", ["forum_id", "plan_id", "ref_order", "action_id"],
                    unique=False)
    op.execute("INSERT INTO forum_links (forum_id, action_id, plan_id, ref_order) "
               "SELECT f.forum_id, f.action_id, a.plan_id, a.ref_order FROM action_forums f "
               "JOIN actions a ON a.id = f.action_id")
    for statement in _trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _event, table, _body in reversed(_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_forum_links_order", table_name="forum_links")
    op.drop_table("forum_links")
