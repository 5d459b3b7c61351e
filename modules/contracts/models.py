"""Contract tables (ctr_*): contracts, what they cover, their billing schedule,
scheduled visits and dealers' reimbursement requests."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import ZERO, Money, Quantity, UTCDateTime, utcnow
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner
from modules.warranty.models import Unit

CONTRACT_KINDS = Choices(
    ("dealer", _l("Dealer agreement")),
    ("maintenance", _l("Maintenance contract")),
    ("extended", _l("Extended service")),
)
CONTRACT_STATES = Choices(
    ("draft", _l("Draft")),
    ("negotiation", _l("Negotiation")),
    ("approved", _l("Approved")),
    ("active", _l("Active (signed)")),
    ("expiring", _l("Expiring")),
    ("renewed", _l("Renewed")),
    ("expired", _l("Expired")),
    ("terminated", _l("Terminated")),
)
# states in which a contract covers units and bills
IN_FORCE = ("active", "expiring")
CLOSED_STATES = ("renewed", "expired", "terminated")
BILLING_PERIODS = Choices(
    ("monthly", _l("Monthly")),
    ("quarterly", _l("Quarterly")),
    ("yearly", _l("Yearly")),
    ("once", _l("Once, at the start")),
)
SLA_CALENDARS = Choices(
    ("business", _l("Business hours")),
    ("24x7", _l("24/7")),
)
VISIT_STATES = Choices(
    ("planned", _l("Planned")),
    ("done", _l("Done")),
    ("missed", _l("Missed")),
    ("cancelled", _l("Cancelled")),
)
REIMBURSEMENT_STATES = Choices(
    ("draft", _l("Draft")),
    ("submitted", _l("Submitted")),
    ("checked", _l("Checked")),
    ("approved", _l("Approved")),
    ("rejected", _l("Rejected")),
)
Percent = Numeric(5, 2, asdecimal=True)

# The terms a user writes on a contract, in form order (screens and API share them).
CONTRACT_TERMS = (
    "title",
    "kind",
    "partner",
    "manager",
    "start_date",
    "end_date",
    "auto_renew",
    "notice_days",
    "price",
    "billing_period",
    "covers_parts",
    "covers_labour",
    "covers_travel",
    "visits_per_year",
    "response_hours",
    "resolution_hours",
    "sla_calendar",
    "business_from",
    "business_to",
    "timezone",
    "labour_rate",
    "parts_discount_pct",
    "reporting_duties",
    "notes",
)


class ServiceContract(Model):
    """A contract with a dealer (rates we reimburse) or a customer (maintenance, extended
    service): its term, price, coverage, SLA and life (deal stages)."""

    __tablename__ = "ctr_service_contract"
    __lookup_fields__ = ("number", "title")
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ck_ctr_contract_dates"),
        CheckConstraint("price >= 0", name="ck_ctr_contract_price"),
        CheckConstraint("notice_days >= 0", name="ck_ctr_contract_notice"),
        CheckConstraint("visits_per_year >= 0", name="ck_ctr_contract_visits"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(CONTRACT_KINDS.length), default="maintenance")
    partner_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    state: Mapped[str] = mapped_column(String(CONTRACT_STATES.length), default="draft", index=True)
    state_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # term
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date] = mapped_column(Date, index=True)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_days: Mapped[int] = mapped_column(Integer, default=30)
    signed_on: Mapped[date | None] = mapped_column(Date)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("ctr_service_contract.id"), index=True
    )
    # price: for the whole term, billed in equal instalments per billing period
    price: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    billing_period: Mapped[str] = mapped_column(String(BILLING_PERIODS.length), default="monthly")
    # coverage (the scope is in ContractCoverage lines)
    covers_parts: Mapped[bool] = mapped_column(Boolean, default=True)
    covers_labour: Mapped[bool] = mapped_column(Boolean, default=True)
    covers_travel: Mapped[bool] = mapped_column(Boolean, default=False)
    visits_per_year: Mapped[int] = mapped_column(Integer, default=0)
    # SLA
    response_hours: Mapped[int | None] = mapped_column(Integer)
    resolution_hours: Mapped[int | None] = mapped_column(Integer)
    sla_calendar: Mapped[str] = mapped_column(String(SLA_CALENDARS.length), default="business")
    business_from: Mapped[time] = mapped_column(Time, default=time(9, 0))
    business_to: Mapped[time] = mapped_column(Time, default=time(18, 0))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # dealer terms
    labour_rate: Mapped[Decimal | None] = mapped_column(Money)
    parts_discount_pct: Mapped[Decimal | None] = mapped_column(Percent)
    reporting_duties: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()
    manager: Mapped[User | None] = relationship(User)
    previous: Mapped[ServiceContract | None] = relationship(remote_side=[id])
    coverages: Mapped[list[ContractCoverage]] = relationship(
        back_populates="contract", order_by="ContractCoverage.id"
    )
    billing_lines: Mapped[list[BillingLine]] = relationship(
        back_populates="contract", order_by="BillingLine.seq"
    )

    def __str__(self) -> str:
        return f"{self.number or '#' + str(self.id)} {self.title}"

    def stage(self) -> tuple[str, datetime | None]:
        """(state, since when) for lists: a stage not left for long is "stuck"."""
        return self.state, self.state_since


class ContractCoverage(Model):
    """One line of a contract's scope: an equipment model (every unit of it that belongs
    to the contract's party) or one listed unit."""

    __tablename__ = "ctr_contract_coverage"
    __table_args__ = (
        CheckConstraint(
            "(equipment_model_id IS NULL) <> (unit_id IS NULL)", name="ck_ctr_coverage_target"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("ctr_service_contract.id"), index=True)
    equipment_model_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("wty_unit.id"), index=True)
    note: Mapped[str | None] = mapped_column(String(200))

    contract: Mapped[ServiceContract] = relationship(back_populates="coverages")
    equipment_model: Mapped[EquipmentModel | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def __str__(self) -> str:
        return str(self.unit or self.equipment_model or "")


class BillingLine(Model):
    """One instalment of a contract's price: the billing schedule."""

    __tablename__ = "ctr_billing_line"
    __table_args__ = (UniqueConstraint("contract_id", "seq", name="uq_ctr_billing_line_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("ctr_service_contract.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date, index=True)
    period_end: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)

    contract: Mapped[ServiceContract] = relationship(back_populates="billing_lines")

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end}"


class ScheduledVisit(Model):
    """A preventive maintenance visit, generated from the contract's frequency."""

    __tablename__ = "ctr_scheduled_visit"
    __lookup_fields__ = ("planned_on",)
    __table_args__ = (
        UniqueConstraint("contract_id", "seq", name="uq_ctr_visit_seq"),
        CheckConstraint("hours IS NULL OR hours >= 0", name="ck_ctr_visit_hours"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("ctr_service_contract.id"), index=True)
    # the n-th generated visit of the contract's term; empty for a visit added by hand
    seq: Mapped[int | None] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("wty_unit.id"))
    planned_on: Mapped[date] = mapped_column(Date, index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    state: Mapped[str] = mapped_column(String(VISIT_STATES.length), default="planned", index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[Decimal | None] = mapped_column(Quantity)
    work_done: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[ServiceContract] = relationship()
    unit: Mapped[Unit | None] = relationship()
    technician: Mapped[User | None] = relationship(User)

    def __str__(self) -> str:
        return f"{self.planned_on}"


class DealerReimbursement(Model):
    """A dealer's warranty work reported for reimbursement at its contract's rates."""

    __tablename__ = "ctr_dealer_reimbursement"
    __lookup_fields__ = ("number", "dealer_ref")
    __table_args__ = (
        CheckConstraint("labour_hours >= 0", name="ck_ctr_reimb_hours"),
        CheckConstraint("parts_amount >= 0", name="ck_ctr_reimb_parts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("ctr_service_contract.id"), index=True)
    dealer_ref: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("wty_unit.id"), index=True)
    work_date: Mapped[date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(Text)
    labour_hours: Mapped[Decimal] = mapped_column(Quantity, default=ZERO)
    parts_amount: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    # the contract's terms, copied when the request is checked
    labour_rate: Mapped[Decimal | None] = mapped_column(Money)
    parts_discount_pct: Mapped[Decimal | None] = mapped_column(Percent)
    labour_amount: Mapped[Decimal | None] = mapped_column(Money)
    parts_reimbursed: Mapped[Decimal | None] = mapped_column(Money)
    total: Mapped[Decimal | None] = mapped_column(Money)
    state: Mapped[str] = mapped_column(
        String(REIMBURSEMENT_STATES.length), default="draft", index=True
    )
    decided_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped[ServiceContract] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def __str__(self) -> str:
        return self.number or f"#{self.id}"
