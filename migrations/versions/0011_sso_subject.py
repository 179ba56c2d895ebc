"""Single sign-on: the NHS account (OpenID Connect subject) a user first signed in with

Revision ID: 0011_sso_subject
Revises: 0010_person_aliases

Later single sign-ins for the same email must come from the same account.
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_sso_subject"
down_revision = "0010_person_aliases"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("sso_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint(batch.f("uq_users_sso_subject"), ["sso_subject"])


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(batch.f("uq_users_sso_subject"), type_="unique")
        batch.drop_column("sso_subject")
