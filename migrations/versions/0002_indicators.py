"""WRES indicator results, national reference series

Revision ID: 0002_indicators
Revises: 0001_foundation

The national series is loaded from tracker/indicators/national.csv with the csv module;
the table is described here (not imported from the app) so this migration never changes.
"""
import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002_indicators"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

NATIONAL_CSV = Path(__file__).resolve().parents[2] / "tracker" / "indicators" / "national.csv"


def _national_rows() -> list[dict]:
    """standard, year, indicator, measure, value from the shipped CSV."""
    with NATIONAL_CSV.open(newline="", encoding="utf-8") as handle:
        return [
            {"standard": row["standard"], "year": int(row["year"]), "indicator": int(row["indicator"]),
             "measure": row["measure"], "value": float(row["value"])}
            for row in csv.DictReader(handle)
        ]


def upgrade():
    op.create_table(
        "indicator_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("pack_summary", sa.JSON(), nullable=True),
        sa.Column("target_percent", sa.Float(), nullable=True),
        sa.Column("target_population", sa.String(length=20), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["imported_by_id"], ["users.id"], name=op.f("fk_indicator_years_imported_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_years")),
        sa.UniqueConstraint("year", name=op.f("uq_indicator_years_year")),
    )
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("ci_low", sa.Float(), nullable=True),
        sa.Column("ci_high", sa.Float(), nullable=True),
        sa.Column("small_numbers", sa.Boolean(), nullable=False),
        sa.Column("not_calculable_reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["year"], ["indicator_years.year"],
                                name=op.f("fk_indicator_values_year_indicator_years"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_values")),
        sa.UniqueConstraint("year", "indicator", "measure", name=op.f("uq_indicator_values_year")),
    )
    national = op.create_table(
        "national_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_values")),
        sa.UniqueConstraint("standard", "year", "indicator", "measure", name=op.f("uq_national_values_standard")),
    )
    op.bulk_insert(national, _national_rows())


def downgrade():
    op.drop_table("national_values")
    op.drop_table("indicator_values")
    op.drop_table("indicator_years")
