"""Sign-in sessions kept in the database, and refused sign-ins counted for the sign-in limits

Revision ID: 0012_sign_in_sessions
Revises: 0011_sso_subject

A session's cookie holds a random token; the table keeps only its SHA-256, so sign-out, a password
change, deactivation and "sign out everywhere" end sessions on every app server at once.
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_sign_in_sessions"
down_revision = "0011_sso_subject"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=40), nullable=True),
        sa.Column("user_agent", sa.String(length=100), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sign_in_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_sessions_token_hash")),
    )
    with op.batch_alter_table("sign_in_sessions") as batch:
        batch.create_index(batch.f("ix_sign_in_sessions_user_id"), ["user_id"], unique=False)
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failures")),
    )
    with op.batch_alter_table("sign_in_failures") as batch:
        batch.create_index(batch.f("ix_sign_in_failures_at"), ["at"], unique=False)
        batch.create_index("ix_sign_in_failures_email_at", ["email", "at"], unique=False)
        batch.create_index("ix_sign_in_failures_address_at", ["address", "at"], unique=False)


def downgrade():
    with op.batch_alter_table("sign_in_failures") as batch:
        batch.drop_index("ix_sign_in_failures_address_at")
        batch.drop_index("ix_sign_in_failures_email_at")
        batch.drop_index(batch.f("ix_sign_in_failures_at"))
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("sign_in_sessions") as batch:
        batch.drop_index(batch.f("ix_sign_in_sessions_user_id"))
    op.drop_table("sign_in_sessions")
