"""Plan summaries: a revision per plan kept by triggers, and the overview's figures stored at a revision

Revision ID: 0016_plan_summaries
Revises: 0015_standards

plan_revisions holds one row per plan (a trigger adds it when the plan is added; existing plans get
theirs here). Triggers on actions, progress_updates, action_measures, action_high_impact_actions and
action_forums (and on plans when the year changes) add one to the plan's revision in the same
transaction as the change, whatever made it. plan_summaries keeps the overview's figures with the
revision they were computed at (`tracker.plans.summaries`). Indexes let the overview's first overdue
and stale actions, and RAG over time, be read without walking every action of the plan.
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_plan_summaries"
down_revision = "0015_standards"
branch_labels = None
depends_on = None

_BUMP = "UPDATE plan_revisions SET revision = revision + 1 WHERE plan_id "
_OF_ACTION = "IN (SELECT plan_id FROM actions WHERE id IN ({rows}))"

#: (trigger name, event, table, statement) with NEW/OLD rows; rendered for each database below.
_TRIGGERS = [
    ("plan_revisions_plan_insert", "INSERT", "plans",
     "INSERT INTO plan_revisions (plan_id, revision) VALUES (NEW.id, 1)"),
    ("plan_revisions_plan_year", "UPDATE OF year", "plans", _BUMP + "= NEW.id"),
    ("plan_revisions_actions_insert", "INSERT", "actions", _BUMP + "= NEW.plan_id"),
    ("plan_revisions_actions_update", "UPDATE", "actions", _BUMP + "IN (OLD.plan_id, NEW.plan_id)"),
    ("plan_revisions_actions_delete", "DELETE", "actions", _BUMP + "= OLD.plan_id"),
]
for _table in ("progress_updates", "action_measures", "action_high_impact_actions", "action_forums"):
    _TRIGGERS += [
        (f"plan_revisions_{_table}_insert", "INSERT", _table, _BUMP + _OF_ACTION.format(rows="NEW.action_id")),
        (f"plan_revisions_{_table}_update", "UPDATE", _table,
         _BUMP + _OF_ACTION.format(rows="OLD.action_id, NEW.action_id")),
        (f"plan_revisions_{_table}_delete", "DELETE", _table, _BUMP + _OF_ACTION.format(rows="OLD.action_id")),
    ]

_INDEXES = [
    ("ix_actions_plan_id_due_on", "actions", ["plan_id", "due_on", "id"]),
    ("ix_actions_plan_id_last_update_at", "actions", ["plan_id", "last_update_at", "id"]),
    ("ix_progress_updates_action_id_as_at", "progress_updates", ["action_id", "as_at"]),
]


def _trigger_statements(dialect: str) -> list[str]:
    statements = []
    for name, event, table, sql in _TRIGGERS:
        if dialect == "postgresql":
            statements.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                              f"BEGIN {sql}; RETURN NULL; END $$")
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
        else:
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {sql}; END")
    return statements


def upgrade():
    op.create_table(
        "plan_revisions",
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_revisions_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_plan_revisions")),
    )
    op.create_table(
        "plan_summaries",
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_summaries_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_plan_summaries")),
    )
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.execute("INSERT INTO plan_revisions (plan_id, revision) SELECT id, 1 FROM plans")
    for statement in _trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _event, table, _sql in reversed(_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table("plan_summaries")
    op.drop_table("plan_revisions")
