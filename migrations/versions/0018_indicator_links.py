"""Indicator links: each action's link to a measure with what the indicator and metric pages sort and count by

Revision ID: 0018_indicator_links
Revises: 0017_action_counts

measure_links copies action_measures with the action's plan, RAG, open or closed, attention (0 red, 1 amber,
2 other open, 3 complete or closed), due date (31 December 9999 when none) and reference order. Triggers on
action_measures and actions keep it in step in the same transaction as the change, whatever made it; the
application never writes it. One index gives a plan's first linked actions most needing attention without
reading the actions, the other this month's open linked actions (`tracker.indicators.queries.linked_actions`).
measure_tallies counts measure_links per plan, RAG, open or not and month due, kept by triggers on measure_links:
a plan's counts by RAG and overdue add a few rows per month instead of one per linked action.
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_indicator_links"
down_revision = "0017_action_counts"
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


_TALLY_KEY = ("standard", "measure", "plan_id", "rag", "open", "due_month")


def _tally_key(link: str, dialect: str) -> dict[str, str]:
    """measure_tallies' key columns as SQL over a measure_links row (NEW or OLD)."""
    month = (f"to_char({link}.due_order, 'YYYY-MM')" if dialect == "postgresql"
             else f"substr({link}.due_order, 1, 7)")
    # Only an open action's month counts (for overdue): closed ones are tallied under "" whatever their date.
    month = f"CASE WHEN {link}.open = 1 THEN {month} ELSE '' END"
    return {"standard": f"{link}.standard", "measure": f"{link}.measure", "plan_id": f"{link}.plan_id",
            "rag": f"COALESCE({link}.rag, '')", "open": f"{link}.open", "due_month": month}


def _count_in(link: str, dialect: str) -> str:
    key = _tally_key(link, dialect)
    return (f"INSERT INTO measure_tallies ({', '.join(key)}, actions) VALUES ({', '.join(key.values())}, 1) "
            f"ON CONFLICT ({', '.join(_TALLY_KEY)}) DO UPDATE SET actions = measure_tallies.actions + 1")


def _count_out(link: str, dialect: str) -> list[str]:
    where = " AND ".join(f"{column} = {sql}" for column, sql in _tally_key(link, dialect).items())
    return [f"UPDATE measure_tallies SET actions = actions - 1 WHERE {where}",
            f"DELETE FROM measure_tallies WHERE {where} AND actions <= 0"]


def _triggers(dialect: str) -> list[tuple[str, str, str, list[str]]]:
    """(trigger name, event, table, statements) with NEW/OLD rows."""
    return [
        ("measure_tallies_insert", "INSERT", "measure_links", [_count_in("NEW", dialect)]),
        ("measure_tallies_update", "UPDATE", "measure_links", [*_count_out("OLD", dialect), _count_in("NEW", dialect)]),
        ("measure_tallies_delete", "DELETE", "measure_links", _count_out("OLD", dialect)),
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
                    ["standard", "measure", "plan_id", "attention", "due_order", "ref_order", "action_id"], unique=False)
    op.create_index("ix_measure_links_due", "measure_links", ["standard", "measure", "open", "due_order", "plan_id"],
                    unique=False)
    op.create_table(
        "measure_tallies",
        sa.Column("standard", sa.String(length=10), nullable=False),
        sa.Column("measure", sa.String(length=10), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("rag", sa.String(length=10), nullable=False),
        sa.Column("open", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("due_month", sa.String(length=7), nullable=False),
        sa.Column("actions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_measure_tallies_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*_TALLY_KEY, name=op.f("pk_measure_tallies")),
    )
    dialect = op.get_bind().dialect.name
    copied = _copied("a", dialect)
    op.execute(f"INSERT INTO measure_links (action_id, standard, measure, {', '.join(copied)}) "
               f"SELECT m.action_id, m.standard, m.measure, {', '.join(copied.values())} "
               "FROM action_measures m JOIN actions a ON a.id = m.action_id")
    key = _tally_key("l", dialect)
    op.execute(f"INSERT INTO measure_tallies ({', '.join(key)}, actions) SELECT {', '.join(key.values())}, count(*) "
               f"FROM measure_links l GROUP BY {', '.join(key.values())}")
    for statement in _trigger_statements(dialect):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _event, table, _body in reversed(_triggers(dialect)):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("measure_tallies")
    op.drop_index("ix_measure_links_due", table_name="measure_links")
    op.drop_index("ix_measure_links_attention", table_name="measure_links")
    op.drop_table("measure_links")
