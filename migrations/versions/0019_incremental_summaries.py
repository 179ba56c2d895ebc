"""Plan summaries recomputed from the first month a change can affect

Revision ID: 0019_incremental_summaries
Revises: 0018_indicator_links

plan_month_revisions holds, per plan, a number for each month that triggers add one to whenever a
change could alter an action's RAG at the end of that month or later: a rated progress update added,
changed or deleted (the month of its as-at date, before and after), an action's own rating changed
(the month of its rating date, unless a rated update of the same day outranks it), and, for every
month, an action moved to another plan, deleted, or rated without a date (month 0001-01). A stored
summary keeps the numbers it was computed at, so its RAG at the month ends before the first month
whose number moved is still right and is not counted again (`tracker.plans.summaries`).
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_incremental_summaries"
down_revision = "0018_indicator_links"
branch_labels = None
depends_on = None

#: The month every change to an action's whole history is marked at: before any plan year.
ALL_MONTHS = "0001-01-01"


def _month(day: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"date_trunc('month', {day})::date"
    return f"date({day}, 'start of month')"


def _mark(plan_rows: tuple[str, str], day: str, dialect: str, condition: str = "true") -> str:
    """Add one to the month of `day` for the plan `plan_rows` selects: (its id column, FROM ... WHERE ...)."""
    column, rows = plan_rows
    return (f"INSERT INTO plan_month_revisions (plan_id, month, revision) "
            f"SELECT {column}, {_month(day, dialect)}, 1 {rows} AND {condition} "
            f"ON CONFLICT (plan_id, month) DO UPDATE SET revision = plan_month_revisions.revision + 1")


def _of_action(row: str) -> tuple[str, str]:
    return "plan_id", f"FROM actions WHERE id = {row}.action_id"


def _of_plan(plan_id: str) -> tuple[str, str]:
    # Through plans, so that a plan being deleted (with its actions) is not marked.
    return "marked.id", f"FROM plans AS marked WHERE marked.id = {plan_id}"


def _own(row: str, dialect: str) -> str:
    """Mark the month of the action's own rating, unless a rated update of the same day outranks it."""
    day = f"coalesce({row}.rag_as_at, DATE '{ALL_MONTHS}')" if dialect == "postgresql" else \
        f"coalesce({row}.rag_as_at, '{ALL_MONTHS}')"
    outranked = (f"EXISTS (SELECT 1 FROM progress_updates AS u WHERE u.action_id = {row}.id "
                 f"AND u.as_at = {row}.rag_as_at AND u.rag IS NOT NULL)")
    return _mark(_of_plan(f"{row}.plan_id"), day, dialect, f"{row}.rag IS NOT NULL AND NOT {outranked}")


def _everything(row: str, dialect: str) -> str:
    day = f"DATE '{ALL_MONTHS}'" if dialect == "postgresql" else f"'{ALL_MONTHS}'"
    return _mark(_of_plan(f"{row}.plan_id"), day, dialect)


def _triggers(dialect: str) -> list[tuple[str, str, str, str | None, list[str]]]:
    """(name, event, table, WHEN condition, statements)."""
    distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    rated_update = lambda row: _mark(_of_action(row), f"{row}.as_at", dialect, f"{row}.rag IS NOT NULL")  # noqa: E731
    return [
        ("plan_months_progress_updates_insert", "INSERT", "progress_updates", "NEW.rag IS NOT NULL",
         [rated_update("NEW")]),
        ("plan_months_progress_updates_update", "UPDATE", "progress_updates",
         " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in ("id", "action_id", "as_at", "rag", "posted_at")),
         [rated_update("OLD"), rated_update("NEW")]),
        ("plan_months_progress_updates_delete", "DELETE", "progress_updates", "OLD.rag IS NOT NULL",
         [rated_update("OLD")]),
        ("plan_months_actions_insert", "INSERT", "actions", "NEW.rag IS NOT NULL", [_own("NEW", dialect)]),
        ("plan_months_actions_rating", "UPDATE", "actions",
         f"OLD.plan_id = NEW.plan_id AND (OLD.rag {distinct} NEW.rag OR OLD.rag_as_at {distinct} NEW.rag_as_at)",
         [_own("OLD", dialect), _own("NEW", dialect)]),
        ("plan_months_actions_plan", "UPDATE", "actions", "OLD.plan_id <> NEW.plan_id",
         [_everything("OLD", dialect), _everything("NEW", dialect)]),
        ("plan_months_actions_delete", "DELETE", "actions", None, [_everything("OLD", dialect)]),
    ]


def _trigger_statements(dialect: str) -> list[str]:
    statements = []
    for name, event, table, when, body in _triggers(dialect):
        if dialect == "postgresql":
            statements.append(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                              f"BEGIN {'; '.join(body)}; RETURN NULL; END $$")
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                              + (f"WHEN ({when}) " if when else "") + f"EXECUTE FUNCTION {name}()")
        else:
            # WHERE true keeps SQLite from reading ON CONFLICT as a join's ON.
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                              + (f"WHEN {when} " if when else "")
                              + "BEGIN " + " ".join(f"{sql};" for sql in body) + " END")
    return statements


def upgrade():
    op.create_table(
        "plan_month_revisions",
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_month_revisions_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", "month", name=op.f("pk_plan_month_revisions")),
    )
    for statement in _trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, _event, table, _when, _body in reversed(_triggers(dialect)):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("plan_month_revisions")
