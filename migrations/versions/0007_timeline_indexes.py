"""An action's timeline and audit trail are read newest first from an index

Revision ID: 0007_timeline_indexes
Revises: 0006_action_ref_order

The action page shows the latest 20 progress updates and audit events. With the date in the
index the database reads those 20 rows in order instead of sorting all of them; the old
indexes are the new ones' leading columns, so they are dropped.
"""
from alembic import op

revision = "0007_timeline_indexes"
down_revision = "0006_action_ref_order"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_progress_updates_action_id_posted_at", "progress_updates", ["action_id", "posted_at"])
    op.drop_index("ix_progress_updates_action_id", table_name="progress_updates")
    op.create_index("ix_audit_events_subject_at", "audit_events", ["subject_type", "subject_id", "at"])
    op.drop_index("ix_audit_events_subject", table_name="audit_events")


def downgrade():
    op.create_index("ix_audit_events_subject", "audit_events", ["subject_type", "subject_id"])
    op.drop_index("ix_audit_events_subject_at", table_name="audit_events")
    op.create_index("ix_progress_updates_action_id", "progress_updates", ["action_id"])
    op.drop_index("ix_progress_updates_action_id_posted_at", table_name="progress_updates")
