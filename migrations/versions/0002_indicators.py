"""WRES indicator results, national reference series

Revision ID: 0002_indicators
Revises: 0001_foundation
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0002_indicators"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
