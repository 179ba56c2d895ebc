"""Reminder settings, outbox, scheduler lock, calendar tokens

Revision ID: 0003_reminders
Revises: 0002_indicators
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0003_reminders"
down_revision = "0002_indicators"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
