"""Evidence files attached to progress updates, stored in the database in chunks

Revision ID: 0013_evidence_files
Revises: 0012_sign_in_sessions
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_evidence_files"
down_revision = "0012_sign_in_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("safe_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["update_id"], ["progress_updates.id"],
                                name=op.f("fk_evidence_files_update_id_progress_updates"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], name=op.f("fk_evidence_files_uploaded_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["removed_by_id"], ["users.id"], name=op.f("fk_evidence_files_removed_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
    )
    with op.batch_alter_table("evidence_files") as batch:
        batch.create_index(batch.f("ix_evidence_files_update_id"), ["update_id"], unique=False)
    op.create_table(
        "evidence_file_chunks",
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["evidence_files.id"],
                                name=op.f("fk_evidence_file_chunks_file_id_evidence_files"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("file_id", "sequence", name=op.f("pk_evidence_file_chunks")),
    )


def downgrade():
    op.drop_table("evidence_file_chunks")
    with op.batch_alter_table("evidence_files") as batch:
        batch.drop_index(batch.f("ix_evidence_files_update_id"))
    op.drop_table("evidence_files")
