"""Each agenda item keeps the section it sits in

Revision ID: 0021_agenda_sections
Revises: 0020_forum_links

An item sits under the first of its reasons in the agenda's section order (overdue, red, amber,
escalated, due before the next meeting, due within 60 days, updated since the last meeting,
updated in the 60 days before it, added). The section was worked out from every item's stored
reasons each time a page of the agenda was shown; it is now kept on the item as its place in that
order (0 to 8), set by the application whenever the reasons are, and read from two indexes: with
the item's position (a page of the agenda) and with the moment it was rated (the sections' sizes).
Existing items are given theirs from their stored reasons.
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_agenda_sections"
down_revision = "0020_forum_links"
branch_labels = None
depends_on = None

#: The sections in order, as `tracker.reviews.agenda_rules.GROUP_HEADINGS` had them at this revision.
SECTIONS = ("overdue", "red", "amber", "escalated", "due_before_next_meeting", "due_within_60_days",
            "updated_since_last_meeting", "updated_within_60_days", "added")


def upgrade():
    with op.batch_alter_table("agenda_items") as batch:
        batch.add_column(sa.Column("section", sa.Integer(), nullable=False,
                                   server_default=str(SECTIONS.index("added"))))
    with op.batch_alter_table("agenda_items") as batch:
        batch.alter_column("section", server_default=None)
    # The reasons are stored as JSON text such as ["overdue", "red"]; the first section named wins.
    ranks = " ".join(f"WHEN CAST(reasons AS TEXT) LIKE '%\"{code}\"%' THEN {rank}"
                     for rank, code in enumerate(SECTIONS) if code != "added")
    op.execute(f"UPDATE agenda_items SET section = CASE {ranks} ELSE {SECTIONS.index('added')} END")
    # A page of the agenda in its order, and its sections' sizes with the moments their items were rated.
    op.create_index("ix_agenda_items_meeting_section", "agenda_items", ["meeting_id", "section", "position"])
    op.create_index("ix_agenda_items_meeting_rated", "agenda_items", ["meeting_id", "section", "rated_at"])


def downgrade():
    op.drop_index("ix_agenda_items_meeting_rated", table_name="agenda_items")
    op.drop_index("ix_agenda_items_meeting_section", table_name="agenda_items")
    with op.batch_alter_table("agenda_items") as batch:
        batch.drop_column("section")
