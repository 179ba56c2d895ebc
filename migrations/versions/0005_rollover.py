"""Year rollover: carried-forward actions keep their origin

Revision ID: 0005_rollover
Revises: 0004_forum_reviews
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005_rollover"
down_revision = "0004_forum_reviews"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
