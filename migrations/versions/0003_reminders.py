"""Reminder settings, outbox, scheduler lock, calendar tokens

Revision ID: 0003_reminders
Revises: 0002_indicators
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_reminders"
down_revision = "0002_indicators"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN and a unique index: the users table is never rebuilt, so rows that
    # reference it (owners, members) are untouched on SQLite.
    op.add_column("users", sa.Column("reminder_delivery", sa.String(length=10), nullable=False,
                                     server_default="immediate"))
    op.add_column("users", sa.Column("calendar_token", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_users_calendar_token"), "users", ["calendar_token"], unique=True)

    op.create_table(
        "reminder_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("deadline_days", sa.String(length=50), nullable=False),
        sa.Column("overdue_copy_after_days", sa.Integer(), nullable=False),
        sa.Column("stale_days", sa.Integer(), nullable=False),
        sa.Column("update_request_days", sa.Integer(), nullable=False),
        sa.Column("nudge_days", sa.Integer(), nullable=False),
        sa.Column("weekly_day", sa.Integer(), nullable=False),
        sa.Column("digest_to_reviewers", sa.Boolean(), nullable=False),
        sa.Column("send_hour", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_settings")),
    )
    op.create_table(
        "reminder_runs",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_reminder_runs")),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("cc_addresses", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"],
                                name=op.f("fk_outbox_messages_recipient_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_messages_key")),
    )
    op.create_index(op.f("ix_outbox_messages_recipient_id"), "outbox_messages", ["recipient_id"])
    op.create_index(op.f("ix_outbox_messages_status"), "outbox_messages", ["status"])
    op.create_index(op.f("ix_outbox_messages_next_attempt_at"), "outbox_messages", ["next_attempt_at"])
    op.create_table(
        "reminder_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_messages.id"],
                                name=op.f("fk_reminder_items_message_id_outbox_messages"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"],
                                name=op.f("fk_reminder_items_recipient_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_items")),
        sa.UniqueConstraint("key", name=op.f("uq_reminder_items_key")),
    )
    op.create_index(op.f("ix_reminder_items_rule"), "reminder_items", ["rule"])
    op.create_index(op.f("ix_reminder_items_recipient_id"), "reminder_items", ["recipient_id"])
    op.create_index(op.f("ix_reminder_items_message_id"), "reminder_items", ["message_id"])
    locks = op.create_table(
        "scheduler_locks",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_locks")),
    )
    op.bulk_insert(locks, [{"name": "reminders", "holder": "", "expires_at": datetime(2000, 1, 1)}])
    op.create_table(
        "scheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_jobs")),
    )
    op.create_index(op.f("ix_scheduler_jobs_next_run_time"), "scheduler_jobs", ["next_run_time"])


def downgrade():
    op.drop_index(op.f("ix_scheduler_jobs_next_run_time"), table_name="scheduler_jobs")
    op.drop_table("scheduler_jobs")
    op.drop_table("scheduler_locks")
    op.drop_index(op.f("ix_reminder_items_message_id"), table_name="reminder_items")
    op.drop_index(op.f("ix_reminder_items_recipient_id"), table_name="reminder_items")
    op.drop_index(op.f("ix_reminder_items_rule"), table_name="reminder_items")
    op.drop_table("reminder_items")
    op.drop_index(op.f("ix_outbox_messages_next_attempt_at"), table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_status"), table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_recipient_id"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
    op.drop_table("reminder_runs")
    op.drop_table("reminder_settings")
    op.drop_index(op.f("ix_users_calendar_token"), table_name="users")
    op.drop_column("users", "calendar_token")
    op.drop_column("users", "reminder_delivery")
