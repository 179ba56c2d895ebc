"""Plans can be archived (and draft plans deleted): who archived a plan and when; ids never reused

Revision ID: 0008_plan_archive
Revises: 0007_timeline_indexes

`plans.archived_at` and `plans.archived_by_id` record that an admin archived the plan (both null
while it is not archived).

Deleting a draft plan removes its plan and action rows, but the audit trail keeps their ids. On
SQLite a table without AUTOINCREMENT gives the next new row the highest id plus one, so a deleted
plan's or action's id could be given again and the old audit events would read as the new
row's. So on SQLite the plans and actions tables are copied into tables declared AUTOINCREMENT
(PostgreSQL sequences never hand out an id twice). As in 0005_rollover, foreign keys are turned
off for the copy (dropping the old table would otherwise cascade to every row that points at
it), checked afterwards and turned back on.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_plan_archive"
down_revision = "0007_timeline_indexes"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_plans_archived_by_id_users"


def _archive_columns() -> list[sa.Column]:
    return [sa.Column("archived_at", sa.DateTime(), nullable=True),
            sa.Column("archived_by_id", sa.Integer(), nullable=True)]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _foreign_keys_off()
        with op.batch_alter_table("plans", recreate="always", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            for column in _archive_columns():
                batch_op.add_column(column)
            batch_op.create_foreign_key(FOREIGN_KEY, "users", ["archived_by_id"], ["id"])
        with op.batch_alter_table("actions", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass
        _foreign_keys_on()
    else:
        for column in _archive_columns():
            op.add_column("plans", column)
        op.create_foreign_key(FOREIGN_KEY, "plans", "users", ["archived_by_id"], ["id"])


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _foreign_keys_off()
        with op.batch_alter_table("actions", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
            pass
        with op.batch_alter_table("plans", recreate="always", table_kwargs={"sqlite_autoincrement": False}) as batch_op:
            batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
            batch_op.drop_column("archived_by_id")
            batch_op.drop_column("archived_at")
        _foreign_keys_on()
    else:
        op.drop_constraint(FOREIGN_KEY, "plans", type_="foreignkey")
        op.drop_column("plans", "archived_by_id")
        op.drop_column("plans", "archived_at")


def _foreign_keys_off() -> None:
    """PRAGMA foreign_keys only works outside a transaction, hence the autocommit block."""
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    if op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("SQLite foreign keys could not be turned off, so copying the plans and actions tables "
                           "would delete their themes, owners and progress updates. Nothing has been changed.")


def _foreign_keys_on() -> None:
    problems = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"Foreign key problems after copying the plans and actions tables: {problems[:5]}")
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=ON")
    if not op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("SQLite foreign keys could not be turned back on after copying the plans and actions tables.")
