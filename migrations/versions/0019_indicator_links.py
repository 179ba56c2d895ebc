"""Indicator links: each action's link to a measure with what the indicator and metric pages sort and count by

Revision ID: 0019_indicator_links
Revises: 0016_plan_summaries

measure_links copies action_measures with the action's plan, RAG, open or closed, attention (0 red, 1 amber,
2 other open, 3 complete or closed), due date (31 December 9999 when none) and reference order. Triggers on
action_measures and actions keep it in step in the same transaction as the change, whatever made it; the
application never writes it. Its one index gives a plan's first linked actions most needing attention and
the counts by RAG and overdue without reading the actions (`tracker.indicators.queries.linked_actions`).
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_indicator_links"
down_revision = "0016_plan_summaries"
branch_labels = None
depends_on = None

_CLOSED = "('ACHIEVED', 'ACHIEVED AND ONGOING', 'CANCELLED', 'CARRIED FORWARD')"  # tracker.rag.CLOSED_STATUSES


def _copied(row: str, dialect: str) -> dict[str, str]:
    """The copied columns of measure_links as SQL over an actions row (NEW, or an alias)."""
    is_open = f"(COALESCE({row}.rag, '') <> 'blue' AND COALESCE({row}.status, '') NOT IN {_CLOSED})"
    never = "DATE '9999-12-31'" if dialect == "postgresql" else "'9999-12-31'"
    return {
        "plan_id": f"{row}.plan_id",
        "attention": f"CASE WHEN {row}.rag = 'red' THEN 0 WHEN {row}.rag = 'amber' THEN 1 "
                     f"WHEN {is_open} THEN 2 ELSE 3 END",
        "open": f"CASE WHEN {is_open} THEN 1 ELSE 0 END",
        "rag": f"{row}.rag",
        "due_order": f"COALESCE({row}.due_on, {never})",
        "ref_order": f"{row}.ref_order",
    }


def _insert(link: str, dialect: str) -> str:
    """Copy one action_measures row (NEW or OLD) with its action's columns."""
    copied = _copied("a", dialect)
    return (f"INSERT INTO measure_links (action_id, standard, measure, {', '.join(copied)}) "
            f"SELECT {link}.action_id, {link}.standard, {link}.measure, {', '.join(copied.values())} "
            f"FROM actions a WHERE a.id = {link}.action_id")


def _delete(link: str) -> str:
    return (f"DELETE FROM measure_links WHERE action_id = {link}.action_id AND standard = {link}.standard "
            f"AND measure = {link}.measure")


def _update(dialect: str) -> str:
    copied = _copied("NEW", dialect)
    return (f"UPDATE measure_links SET {', '.join(f'{column} = {sql}' for column, sql in copied.items())} "
            "WHERE action_id = NEW.id")


def _triggers(dialect: str) -> list[tuple[str, str, str, list[str]]]:
    """(trigger name, event, table, statements) with NEW/OLD rows."""
    return [
        ("measure_links_link_insert", "INSERT", "action_measures", [_insert("NEW", dialect)]),
        ("measure_links_link_update", "UPDATE", "action_measures", [_delete("OLD"), _insert("NEW", dialect)]),
        ("measure_links_link_delete", "DELETE", "action_measures", [_delete("OLD")]),
        ("measure_links_action_update", "UPDATE OF plan_id, rag, status, due_on, ref_order", "actions",
         [_update(dialect)]),
    ]


def _trigger_statements(dialect: str) -> list[str]:
    statements = []
    for name, event, table, body in _triggers(dialect):
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
        "measure_links",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=10), nullable=False),
        sa.Column("measure", sa.String(length=10), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("attention", sa.SmallInteger(), nullable=False),
        sa.Column("open", sa.SmallInteger(), nullable=False),
        sa.Column("rag", sa.String(length=10), nullable=True),
        sa.Column("due_order", sa.Date(), nullable=False),
        sa.Column("ref_order", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_measure_links_action_id_actions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_measure_links_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("action_id", "standard", "measure", name=op.f("pk_measure_links")),
    )
    op.create_index("ix_measure_links_attention", "measure_links",
                    ["standard", "measure", "plan_id", "attention", "due_order", "ref_order", "action_id", "rag",
                     "open"], unique=False)
    dialect = op.get_bind().dialect.name
    copied = _copied("a", dialect)
    op.execute(f"INSERT INTO measure_links (action_id, standard, measure, {', '.join(copied)}) "
               f"SELECT m.action_id, m.standard, m.measure, {', '.join(copied.values())} "
               "FROM action_measures m JOIN actions a ON a.id = m.action_id")
    for statement in _trigger_statements(dialect):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _event, table, _body in reversed(_triggers(dialect)):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_measure_links_attention", table_name="measure_links")
    op.drop_table("measure_links")
