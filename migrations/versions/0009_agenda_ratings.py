"""Each agenda item keeps the owner's status and RAG as they stood when the agenda was built

Revision ID: 0009_agenda_ratings
Revises: 0008_plan_archive

The agenda, the review form and the stored review show the same figure: the one taken when the
agenda was built (or last refreshed). Items of agendas built before this are left without one
and read from the action's history, as before.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_agenda_ratings"
down_revision = "0008_plan_archive"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agenda_items") as batch:
        batch.add_column(sa.Column("owner_status", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("owner_rag", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("owner_rag_as_at", sa.Date(), nullable=True))
        batch.add_column(sa.Column("rated_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("agenda_items") as batch:
        batch.drop_column("rated_at")
        batch.drop_column("owner_rag_as_at")
        batch.drop_column("owner_rag")
        batch.drop_column("owner_status")
