"""People aliases: texts plans use for people ("BA / Execs", "EDI Lead") and the users they mean

Revision ID: 0010_person_aliases
Revises: 0009_agenda_ratings

Plan imports match an owners or 'By who' text against these before splitting it into names.
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_person_aliases"
down_revision = "0009_agenda_ratings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "person_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_aliases")),
        sa.UniqueConstraint("key", name=op.f("uq_person_aliases_key")),
    )
    op.create_table(
        "person_alias_users",
        sa.Column("alias_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["alias_id"], ["person_aliases.id"],
                                name=op.f("fk_person_alias_users_alias_id_person_aliases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_person_alias_users_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("alias_id", "user_id", name=op.f("pk_person_alias_users")),
    )
    with op.batch_alter_table("person_alias_users") as batch:
        batch.create_index(batch.f("ix_person_alias_users_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("person_alias_users") as batch:
        batch.drop_index(batch.f("ix_person_alias_users_user_id"))
    op.drop_table("person_alias_users")
    op.drop_table("person_aliases")
