"""Year rollover: carried-forward actions keep their origin

Revision ID: 0005_rollover
Revises: 0004_forum_reviews

SQLite cannot add a named foreign key to an existing table, so the actions table is copied.
With foreign keys on, dropping the old copy would also delete every owner link and progress
update through their ON DELETE CASCADE: foreign keys are turned off for the copy (outside any
transaction, where SQLite allows it), checked afterwards and turned back on.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_rollover"
down_revision = "0004_forum_reviews"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_actions_carried_from_id_actions"
INDEX = "ix_actions_carried_from_id"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _foreign_keys_off()
        with op.batch_alter_table("actions", recreate="always") as batch_op:
            batch_op.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(FOREIGN_KEY, "actions", ["carried_from_id"], ["id"], ondelete="SET NULL")
        _foreign_keys_on()
    else:
        op.add_column("actions", sa.Column("carried_from_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, "actions", "actions", ["carried_from_id"], ["id"], ondelete="SET NULL")
    op.create_index(INDEX, "actions", ["carried_from_id"], unique=False)


def downgrade():
    op.drop_index(INDEX, table_name="actions")
    if op.get_bind().dialect.name == "sqlite":
        _foreign_keys_off()
        with op.batch_alter_table("actions", recreate="always") as batch_op:
            batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
            batch_op.drop_column("carried_from_id")
        _foreign_keys_on()
    else:
        op.drop_constraint(FOREIGN_KEY, "actions", type_="foreignkey")
        op.drop_column("actions", "carried_from_id")


def _foreign_keys_off() -> None:
    """PRAGMA foreign_keys only works outside a transaction, hence the autocommit block."""
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    if op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("SQLite foreign keys could not be turned off, so copying the actions table would delete "
                           "its owners and progress updates. Nothing has been changed.")


def _foreign_keys_on() -> None:
    problems = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"Foreign key problems after copying the actions table: {problems[:5]}")
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=ON")
    if not op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("SQLite foreign keys could not be turned back on after copying the actions table.")
