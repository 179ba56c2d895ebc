"""Meeting agendas and forum reviews of actions

Revision ID: 0004_forum_reviews
Revises: 0003_reminders
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_forum_reviews"
down_revision = "0003_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_agendas",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_meeting_agendas_meeting_id_meetings"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_agendas")),
    )
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("escalated_from_id", sa.Integer(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_agenda_items_meeting_id_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"],
                                name=op.f("fk_agenda_items_action_id_actions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["escalated_from_id"], ["forums.id"],
                                name=op.f("fk_agenda_items_escalated_from_id_forums")),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_agenda_items_added_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
        sa.UniqueConstraint("meeting_id", "action_id", name=op.f("uq_agenda_items_meeting_id")),
    )
    op.create_index(op.f("ix_agenda_items_meeting_id"), "agenda_items", ["meeting_id"])
    op.create_index(op.f("ix_agenda_items_action_id"), "agenda_items", ["action_id"])
    op.create_table(
        "forum_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_rag", sa.String(length=10), nullable=False),
        sa.Column("owner_rag", sa.String(length=10), nullable=True),
        sa.Column("owner_rag_as_at", sa.Date(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=30), nullable=False),
        sa.Column("escalated_to_id", sa.Integer(), nullable=True),
        sa.Column("escalated_to_meeting_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_forum_reviews_meeting_id_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"],
                                name=op.f("fk_forum_reviews_action_id_actions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_forum_reviews_reviewer_id_users")),
        sa.ForeignKeyConstraint(["escalated_to_id"], ["forums.id"],
                                name=op.f("fk_forum_reviews_escalated_to_id_forums")),
        sa.ForeignKeyConstraint(["escalated_to_meeting_id"], ["meetings.id"],
                                name=op.f("fk_forum_reviews_escalated_to_meeting_id_meetings"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_reviews")),
    )
    op.create_index(op.f("ix_forum_reviews_meeting_id"), "forum_reviews", ["meeting_id"])
    op.create_index(op.f("ix_forum_reviews_action_id"), "forum_reviews", ["action_id"])
    op.create_index(op.f("ix_forum_reviews_escalated_to_meeting_id"), "forum_reviews", ["escalated_to_meeting_id"])
    op.create_index(op.f("ix_forum_reviews_created_at"), "forum_reviews", ["created_at"])


def downgrade():
    op.drop_index(op.f("ix_forum_reviews_created_at"), table_name="forum_reviews")
    op.drop_index(op.f("ix_forum_reviews_escalated_to_meeting_id"), table_name="forum_reviews")
    op.drop_index(op.f("ix_forum_reviews_action_id"), table_name="forum_reviews")
    op.drop_index(op.f("ix_forum_reviews_meeting_id"), table_name="forum_reviews")
    op.drop_table("forum_reviews")
    op.drop_index(op.f("ix_agenda_items_action_id"), table_name="agenda_items")
    op.drop_index(op.f("ix_agenda_items_meeting_id"), table_name="agenda_items")
    op.drop_table("agenda_items")
    op.drop_table("meeting_agendas")
