"""Standards as data: a plan's standard (WRES, WDES or combined), actions linked to measures of
either standard, actions tagged with high impact actions, and stored WDES years

Revision ID: 0015_standards
Revises: 0014_search

Every WRES indicator link becomes a measure link ("wres", "2"). A downgrade keeps the WRES links
and drops the WDES ones, the high impact action tags and the WDES years.
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_standards"
down_revision = "0014_search"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("plans", sa.Column("standard", sa.String(length=10), nullable=False, server_default="wres"))

    op.create_table(
        "action_measures",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=10), nullable=False),
        sa.Column("measure", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_action_measures_action_id_actions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("action_id", "standard", "measure", name=op.f("pk_action_measures")),
    )
    op.create_index("ix_action_measures_standard_measure", "action_measures", ["standard", "measure"])
    op.execute("INSERT INTO action_measures (action_id, standard, measure) "
               "SELECT action_id, 'wres', CAST(indicator AS VARCHAR(10)) FROM action_indicators")
    op.drop_table("action_indicators")

    op.create_table(
        "action_high_impact_actions",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"],
                                name=op.f("fk_action_high_impact_actions_action_id_actions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("action_id", "number", name=op.f("pk_action_high_impact_actions")),
    )
    op.create_index(op.f("ix_action_high_impact_actions_number"), "action_high_impact_actions", ["number"])

    op.create_table(
        "wdes_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("pack_summary", sa.JSON(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["imported_by_id"], ["users.id"], name=op.f("fk_wdes_years_imported_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wdes_years")),
        sa.UniqueConstraint("year", name=op.f("uq_wdes_years_year")),
    )
    op.create_table(
        "wdes_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=10), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("ci_low", sa.Float(), nullable=True),
        sa.Column("ci_high", sa.Float(), nullable=True),
        sa.Column("small_numbers", sa.Boolean(), nullable=False),
        sa.Column("not_calculable_reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["year"], ["wdes_years.year"], name=op.f("fk_wdes_values_year_wdes_years"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wdes_values")),
        sa.UniqueConstraint("year", "metric", "measure", name=op.f("uq_wdes_values_year")),
    )


def downgrade():
    op.drop_table("wdes_values")
    op.drop_table("wdes_years")
    op.drop_index(op.f("ix_action_high_impact_actions_number"), table_name="action_high_impact_actions")
    op.drop_table("action_high_impact_actions")
    op.create_table(
        "action_indicators",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_action_indicators_action_id_actions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("action_id", "indicator", name=op.f("pk_action_indicators")),
    )
    op.create_index(op.f("ix_action_indicators_indicator"), "action_indicators", ["indicator"])
    op.execute("INSERT INTO action_indicators (action_id, indicator) "
               "SELECT action_id, CAST(measure AS INTEGER) FROM action_measures WHERE standard = 'wres'")
    op.drop_index("ix_action_measures_standard_measure", table_name="action_measures")
    op.drop_table("action_measures")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column in place; a batch copy of plans would lose its AUTOINCREMENT and, with
        # foreign keys on, cascade the drop of the old table to every action.
        op.execute("ALTER TABLE plans DROP COLUMN standard")
    else:
        op.drop_column("plans", "standard")
