"""The trust's own settings (one row)."""
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class OrganisationSettings(db.Model):
    __tablename__ = "organisation_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_name: Mapped[str] = mapped_column(String(200), default="NHS Trust")
    #: What the trust calls the BME group: "BME", "BAME", "Global Majority"…
    bme_label: Mapped[str] = mapped_column(String(60), default="BME")
    #: Local population BME %, the default target for indicator 1 and aspirational targets.
    local_population_bme_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    lead_director: Mapped[str] = mapped_column(String(200), default="")
    report_author: Mapped[str] = mapped_column(String(200), default="")
