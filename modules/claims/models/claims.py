"""Consumer claims, the defect registry and independent expert examinations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import Money, UTCDateTime, utcnow
from modules.inventory.models import EquipmentModel, Part
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder, Unit

CHANNELS = Choices(
    ("in_person", _l("In person")),
    ("phone", _l("Phone")),
    ("email", _l("E-mail")),
    ("letter", _l("Letter")),
    ("website", _l("Website")),
    ("dealer", _l("Through a dealer")),
)
DEMANDS = Choices(
    ("repair", _l("Repair")),
    ("replacement", _l("Replacement")),
    ("refund", _l("Refund")),
    ("price_reduction", _l("Price reduction")),
    ("reimbursement", _l("Reimbursement of costs")),
    ("other", _l("Other")),
)
CLAIM_STATES = Choices(
    ("new", _l("New")),
    ("under_review", _l("Under review")),
    ("expert_examination", _l("Expert examination")),
    ("accepted", _l("Accepted")),
    ("partly_accepted", _l("Partly accepted")),
    ("rejected", _l("Rejected")),
    ("resolved", _l("Resolved")),
    ("closed", _l("Closed")),
)
CLOSED_CLAIM_STATES = ("resolved", "closed")  # what was owed is settled: no deadline runs
OPEN_CLAIM_STATES = tuple(s for s in CLAIM_STATES if s not in CLOSED_CLAIM_STATES)
RESOLUTIONS = Choices(
    ("repair", _l("Repaired")),
    ("replacement", _l("Replaced")),
    ("refund", _l("Refunded")),
    ("price_reduction", _l("Price reduced")),
    ("reimbursement", _l("Costs reimbursed")),
    ("none", _l("Nothing owed")),
)
ROOT_CAUSES = Choices(
    ("design", _l("Design")),
    ("manufacturing", _l("Manufacturing")),
    ("supplier_part", _l("Supplier part")),
    ("transport", _l("Transport")),
    ("misuse", _l("Misuse")),
    ("wear", _l("Wear")),
    ("unknown", _l("Unknown")),
)
# causes for which the seller answers (the consumer's claim is founded)
SELLER_CAUSES = ("design", "manufacturing", "supplier_part", "transport")
EXAM_STATES = Choices(
    ("sent", _l("Sent")),
    ("concluded", _l("Concluded")),
    ("cancelled", _l("Cancelled")),
)
EXAM_PAYERS = Choices(
    ("seller", _l("Seller")),
    ("consumer", _l("Consumer")),
    ("manufacturer", _l("Manufacturer")),
    ("supplier", _l("Supplier")),
)


# The facts the legal deadlines depend on, and how a claim was settled: the screens
# and the API list them in this order.
CLAIM_LEGAL_FACTS = (
    "jurisdiction",
    "price",
    "quality_check",
    "out_of_stock",
    "hidden_defect",
    "defect_noticed_on",
    "loaner_requested_on",
)
CLAIM_SETTLEMENT = (
    "answer",
    "answered_on",
    "resolution",
    "replacement_serial",
    "compensation_amount",
    "paid_on",
    "penalty_paid",
    "fulfilled_on",
)


class DefectCode(Model):
    """A catalog entry of the defect registry, grouped by category."""

    __tablename__ = "clm_defect_code"
    __lookup_fields__ = ("code", "name")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Claim(Model):
    """A consumer's claim: what is wrong, what the consumer demands, and its answer."""

    __tablename__ = "clm_claim"
    __lookup_fields__ = ("number",)
    __table_args__ = (
        Index("ix_clm_claim_state_due", "state", "due_date"),
        CheckConstraint("price IS NULL OR price >= 0", name="ck_clm_claim_price"),
        CheckConstraint(
            "compensation_amount IS NULL OR compensation_amount >= 0",
            name="ck_clm_claim_compensation",
        ),
        CheckConstraint(
            "penalty_paid IS NULL OR penalty_paid >= 0", name="ck_clm_claim_penalty_paid"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("wty_unit.id"), index=True)
    # why the claimant may claim on a unit sold to another customer (he claims on
    # behalf of its owner); empty: the claimant is the unit's owner
    on_behalf_reason: Mapped[str | None] = mapped_column(Text)
    equipment_model_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    channel: Mapped[str] = mapped_column(String(CHANNELS.length), default="in_person")
    received_on: Mapped[date] = mapped_column(Date, default=date.today, index=True)
    demand: Mapped[str] = mapped_column(String(DEMANDS.length), default="repair")
    description: Mapped[str] = mapped_column(Text)
    # legal frame: jurisdiction (default: the installation's) and what the periods depend on
    jurisdiction: Mapped[str | None] = mapped_column(String(2))
    price: Mapped[Decimal | None] = mapped_column(Money)
    quality_check: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    durable: Mapped[bool] = mapped_column(Boolean, default=True)
    hidden_defect: Mapped[bool] = mapped_column(Boolean, default=False)
    defect_noticed_on: Mapped[date | None] = mapped_column(Date)
    loaner_requested_on: Mapped[date | None] = mapped_column(Date)
    # the fulfilment deadline of the demand, computed by the service (for lists and filters)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    state: Mapped[str] = mapped_column(String(CLAIM_STATES.length), default="new", index=True)
    # the written answer
    answer: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    # how it was settled
    resolution: Mapped[str | None] = mapped_column(String(RESOLUTIONS.length))
    repair_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("wty_repair_order.id"), index=True
    )
    replacement_serial: Mapped[str | None] = mapped_column(String(64))
    compensation_amount: Mapped[Decimal | None] = mapped_column(Money)
    paid_on: Mapped[date | None] = mapped_column(Date)
    penalty_paid: Mapped[Decimal | None] = mapped_column(Money)
    fulfilled_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Partner] = relationship(foreign_keys=[customer_id])
    unit: Mapped[Unit | None] = relationship()
    equipment_model: Mapped[EquipmentModel | None] = relationship()
    officer: Mapped[User | None] = relationship(User, foreign_keys=[officer_id])
    repair_order: Mapped[RepairOrder | None] = relationship()
    defects: Mapped[list[ClaimDefect]] = relationship(
        back_populates="claim", order_by="ClaimDefect.id"
    )
    examinations: Mapped[list[ExpertExamination]] = relationship(
        back_populates="claim", order_by="ExpertExamination.id"
    )

    def __str__(self) -> str:
        return self.number or f"CL #{self.id}"

    def days_left_on(self, today: date) -> int | None:
        """Days from `today` to the fulfilment deadline (negative: overdue); None once
        fulfilled or closed, or without a deadline."""
        if self.due_date is None or self.fulfilled_on is not None:
            return None
        if self.state in CLOSED_CLAIM_STATES:
            return None
        return (self.due_date - today).days

    @property
    def due(self) -> tuple[date | None, bool]:
        """The fulfilment deadline and whether it has passed unfulfilled."""
        left = self.days_left_on(date.today())
        return self.due_date, left is not None and left < 0


class ClaimDefect(Model):
    """A defect found on a claim's item or on a repair, with its root cause."""

    __tablename__ = "clm_claim_defect"
    __lookup_fields__ = ("defect_code.code", "defect_code.name", "notes")
    __lookup_load__ = ("claim", "repair_order", "defect_code")  # what __str__ shows
    __table_args__ = (
        CheckConstraint(
            "claim_id IS NOT NULL OR repair_order_id IS NOT NULL", name="ck_clm_defect_owner"
        ),
        Index("ix_clm_claim_defect_model_code", "equipment_model_id", "defect_code_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("clm_claim.id"), index=True)
    repair_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("wty_repair_order.id"), index=True
    )
    defect_code_id: Mapped[int] = mapped_column(ForeignKey("clm_defect_code.id"), index=True)
    root_cause: Mapped[str] = mapped_column(String(ROOT_CAUSES.length), default="unknown")
    part_id: Mapped[int | None] = mapped_column(ForeignKey("inv_part.id"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    # the equipment model of the claim's or repair's unit (set by the service)
    equipment_model_id: Mapped[int | None] = mapped_column(ForeignKey("inv_equipment_model.id"))
    found_on: Mapped[date] = mapped_column(Date, default=date.today, index=True)
    notes: Mapped[str | None] = mapped_column(Text)

    claim: Mapped[Claim | None] = relationship(back_populates="defects")
    repair_order: Mapped[RepairOrder | None] = relationship()
    defect_code: Mapped[DefectCode] = relationship()
    part: Mapped[Part | None] = relationship()
    supplier: Mapped[Partner | None] = relationship()
    equipment_model: Mapped[EquipmentModel | None] = relationship()

    def __str__(self) -> str:
        owner = self.claim or self.repair_order
        where = f" · {owner.number}" if owner is not None and owner.number else ""
        return f"{self.defect_code} ({ROOT_CAUSES.label(self.root_cause)}){where}"


class ExpertExamination(Model):
    """An independent examination of a claim's item: sent, then its conclusion."""

    __tablename__ = "clm_expert_examination"
    __table_args__ = (CheckConstraint("cost IS NULL OR cost >= 0", name="ck_clm_exam_cost"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("clm_claim.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("ptn_partner.id"))
    sent_on: Mapped[date] = mapped_column(Date, default=date.today)
    questions: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(EXAM_STATES.length), default="sent", index=True)
    # the conclusion
    concluded_on: Mapped[date | None] = mapped_column(Date)
    cause_found: Mapped[str | None] = mapped_column(String(ROOT_CAUSES.length))
    defect_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    conclusion: Mapped[str | None] = mapped_column(Text)
    cost: Mapped[Decimal | None] = mapped_column(Money)
    paid_by: Mapped[str | None] = mapped_column(String(EXAM_PAYERS.length))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="examinations")
    expert: Mapped[Partner | None] = relationship()

    def __str__(self) -> str:
        return f"{self.organisation} {self.sent_on}"
