"""Actions keep a sortable copy of their ref, so plan pages sort and page in SQL

Revision ID: 0006_action_ref_order
Revises: 0005_rollover

The key is computed here rather than imported, so this migration keeps giving the same
result if the application's code changes later.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0006_action_ref_order"
down_revision = "0005_rollover"
branch_labels = None
depends_on = None

INDEX = "ix_actions_plan_id_ref_order"


def _ref_order(ref: str) -> str:
    parts = [part for part in re.split(r"[.\s\-]+", ref.strip()) if part]
    return ".".join("0" + part[-9:].zfill(9) if part.isdigit() else "1" + part.lower() for part in parts)


def upgrade():
    op.add_column("actions", sa.Column("ref_order", sa.String(200), nullable=False, server_default=""))
    actions = sa.table("actions", sa.column("id", sa.Integer), sa.column("ref", sa.String),
                       sa.column("ref_order", sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(actions.c.id, actions.c.ref)).all()
    if rows:
        connection.execute(actions.update().where(actions.c.id == sa.bindparam("action_id"))
                           .values(ref_order=sa.bindparam("order")),
                           [{"action_id": id_, "order": _ref_order(ref)} for id_, ref in rows])
    op.create_index(INDEX, "actions", ["plan_id", "ref_order"])


def downgrade():
    op.drop_index(INDEX, table_name="actions")
    op.drop_column("actions", "ref_order")
