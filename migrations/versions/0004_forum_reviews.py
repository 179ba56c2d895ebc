"""Meeting agendas and forum reviews of actions

Revision ID: 0004_forum_reviews
Revises: 0003_reminders
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0004_forum_reviews"
down_revision = "0003_reminders"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
