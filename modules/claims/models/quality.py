"""Systemic defects: the detection settings, alerts and proposals to production."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import UTCDateTime, utcnow
from modules.claims.models.claims import DefectCode
from modules.inventory.models import EquipmentModel

ALERT_STATES = Choices(
    ("open", _l("Open")),
    ("acknowledged", _l("Acknowledged")),
    ("closed", _l("Closed")),
)
PROPOSAL_KINDS = Choices(
    ("cut_volume", _l("Cut production volume")),
    ("change_design", _l("Change the design")),
    ("withdraw", _l("Withdraw the product")),
)
PROPOSAL_STATES = Choices(
    ("draft", _l("Draft")),
    ("submitted", _l("Submitted")),
    ("accepted", _l("Accepted")),
    ("rejected", _l("Rejected")),
)
Rate = Numeric(9, 4, asdecimal=True)


class ClaimSettings(Model):
    """The installation's systemic-defect detection settings (one row)."""

    __tablename__ = "clm_settings"
    __table_args__ = (
        CheckConstraint("window_days > 0", name="ck_clm_settings_window"),
        CheckConstraint(
            "threshold_pct > 0 AND threshold_pct <= 100", name="ck_clm_settings_threshold"
        ),
        CheckConstraint(
            "confidence_pct >= 50 AND confidence_pct < 100", name="ck_clm_settings_confidence"
        ),
        CheckConstraint("min_units > 0", name="ck_clm_settings_min_units"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_days: Mapped[int] = mapped_column(Integer, default=365)
    threshold_pct: Mapped[Decimal] = mapped_column(Rate, default=Decimal("2"))
    confidence_pct: Mapped[Decimal] = mapped_column(Rate, default=Decimal("95"))
    min_units: Mapped[int] = mapped_column(Integer, default=20)

    def __str__(self) -> str:
        return f"{self.threshold_pct}% / {self.window_days}"


class SystemicAlert(Model):
    """The lower bound of a defect rate's confidence interval crossed the threshold."""

    __tablename__ = "clm_systemic_alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    equipment_model_id: Mapped[int] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    defect_code_id: Mapped[int] = mapped_column(ForeignKey("clm_defect_code.id"), index=True)
    opened_on: Mapped[date] = mapped_column(Date, default=date.today, index=True)
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    defects: Mapped[int] = mapped_column(Integer)
    units_sold: Mapped[int] = mapped_column(Integer)
    rate_pct: Mapped[Decimal] = mapped_column(Rate)
    lower_pct: Mapped[Decimal] = mapped_column(Rate)
    upper_pct: Mapped[Decimal] = mapped_column(Rate)
    threshold_pct: Mapped[Decimal] = mapped_column(Rate)
    confidence_pct: Mapped[Decimal] = mapped_column(Rate)
    state: Mapped[str] = mapped_column(String(ALERT_STATES.length), default="open", index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    equipment_model: Mapped[EquipmentModel] = relationship()
    defect_code: Mapped[DefectCode] = relationship()

    def __str__(self) -> str:
        return f"{self.equipment_model} / {self.defect_code}"


class ProductionProposal(Model):
    """The service manager's proposal to production: cut volume, change design, withdraw."""

    __tablename__ = "clm_production_proposal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("clm_systemic_alert.id"), index=True)
    equipment_model_id: Mapped[int] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    defect_code_id: Mapped[int | None] = mapped_column(ForeignKey("clm_defect_code.id"))
    kind: Mapped[str] = mapped_column(String(PROPOSAL_KINDS.length), default="change_design")
    title: Mapped[str] = mapped_column(String(200))
    rationale: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(PROPOSAL_STATES.length), default="draft", index=True)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    alert: Mapped[SystemicAlert | None] = relationship()
    equipment_model: Mapped[EquipmentModel] = relationship()
    defect_code: Mapped[DefectCode | None] = relationship()
    author: Mapped[User | None] = relationship(User)

    def __str__(self) -> str:
        return self.number or self.title
