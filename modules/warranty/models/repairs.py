"""Repair orders with their part and labour lines, checklists and inspections."""

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
from app.db import ZERO, Money, Quantity, UTCDateTime, utcnow
from modules.inventory.models import EquipmentModel, Part, Warehouse
from modules.partners.models import Partner
from modules.warranty.models.units import Unit

REPAIR_STATES = Choices(
    ("draft", _l("Draft")),
    ("received", _l("Received")),
    ("diagnosing", _l("Diagnosing")),
    ("quote_sent", _l("Quote sent")),
    ("approved", _l("Approved")),
    ("refused", _l("Refused")),
    ("waiting_parts", _l("Waiting for parts")),
    ("in_repair", _l("In repair")),
    ("ready", _l("Ready")),
    ("returned", _l("Returned")),
    ("cancelled", _l("Cancelled")),
)
CLOSED_STATES = ("returned", "cancelled")  # a repair's life has ended
OPEN_STATES = tuple(s for s in REPAIR_STATES if s not in CLOSED_STATES)
BILLING_TYPES = Choices(
    ("warranty", _l("Warranty")),
    ("paid", _l("Paid")),
    ("contract", _l("Contract")),
)
REPAIR_TYPES = Choices(
    ("workshop", _l("Workshop repair")),
    ("on_site", _l("On-site repair")),
    ("outside", _l("Outside workshop")),
)
PART_LINE_STATES = Choices(
    ("waiting", _l("Waiting for stock")),
    ("reserved", _l("Reserved")),
    ("consumed", _l("Consumed")),
    ("released", _l("Released")),
)
CHECKLIST_KINDS = Choices(
    ("intake", _l("Intake checklist")),
    ("final", _l("Final inspection")),
)
INSPECTION_RESULTS = Choices(
    ("passed", _l("Passed")),
    ("failed", _l("Failed")),
)


class RepairOrder(Model):
    __tablename__ = "wty_repair_order"
    __lookup_fields__ = ("number",)
    __table_args__ = (Index("ix_wty_repair_order_state_due", "state", "due_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("wty_unit.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    state: Mapped[str] = mapped_column(String(REPAIR_STATES.length), default="draft", index=True)
    origin: Mapped[str | None] = mapped_column(String(64), index=True)
    repair_type: Mapped[str] = mapped_column(String(REPAIR_TYPES.length), default="workshop")
    # intake
    intake_date: Mapped[date] = mapped_column(Date, default=date.today, index=True)
    reported_defect: Mapped[str] = mapped_column(Text)
    condition: Mapped[str | None] = mapped_column(Text)
    accessories: Mapped[str | None] = mapped_column(Text)
    # the legal repair deadline, computed by the service at intake
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    # work
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("inv_warehouse.id"))
    diagnosis: Mapped[str | None] = mapped_column(Text)
    work_done: Mapped[str | None] = mapped_column(Text)
    # billing: decided from the warranty status, overridable with a reason
    warranty_status: Mapped[str | None] = mapped_column(String(20))
    warranty_end: Mapped[date | None] = mapped_column(Date)
    billing_type: Mapped[str] = mapped_column(String(BILLING_TYPES.length), default="paid")
    billing_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    billing_reason: Mapped[str | None] = mapped_column(Text)
    coverage_source: Mapped[str | None] = mapped_column(String(32))
    coverage_ref_id: Mapped[int | None] = mapped_column(Integer)
    coverage_label: Mapped[str | None] = mapped_column(String(200))
    covers_parts: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_labour: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_transport: Mapped[bool] = mapped_column(Boolean, default=False)
    # paid repairs: the quote and the customer's answer
    quote_amount: Mapped[Decimal | None] = mapped_column(Money)
    # what the customer approved: a paid repair charges no more (app: QUOTE_TOLERANCE_PCT)
    approved_amount: Mapped[Decimal | None] = mapped_column(Money)
    quote_sent_on: Mapped[date | None] = mapped_column(Date)
    customer_decision_on: Mapped[date | None] = mapped_column(Date)
    # the supplier of a faulty part pays back the warranty cost
    supplier_fault: Mapped[bool] = mapped_column(Boolean, default=False)
    recovery_supplier_id: Mapped[int | None] = mapped_column(ForeignKey("ptn_partner.id"))
    # dates of the life
    ready_on: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    customer: Mapped[Partner] = relationship(foreign_keys=[customer_id])
    technician: Mapped[User | None] = relationship(User, foreign_keys=[technician_id])
    warehouse: Mapped[Warehouse | None] = relationship()
    recovery_supplier: Mapped[Partner | None] = relationship(foreign_keys=[recovery_supplier_id])
    part_lines: Mapped[list[RepairPartLine]] = relationship(
        back_populates="repair", order_by="RepairPartLine.id"
    )
    labour_lines: Mapped[list[RepairLabourLine]] = relationship(
        back_populates="repair", order_by="RepairLabourLine.id"
    )
    inspections: Mapped[list[Inspection]] = relationship(
        back_populates="repair", order_by="Inspection.id"
    )

    def __str__(self) -> str:
        return self.number or f"RO #{self.id}"

    @property
    def days_left(self) -> int | None:
        """Days to the legal deadline (negative: overdue); None once closed."""
        return self.days_left_on(date.today())

    def days_left_on(self, today: date) -> int | None:
        """Days from `today` to the legal deadline; None once closed or without one."""
        if self.due_date is None or self.state in CLOSED_STATES:
            return None
        return (self.due_date - today).days

    @property
    def parts_total(self) -> Decimal:
        return sum((ln.amount for ln in self.part_lines if ln.state != "released"), ZERO)

    @property
    def parts_cost(self) -> Decimal:
        return sum((ln.cost for ln in self.part_lines if ln.state != "released"), ZERO)

    @property
    def labour_total(self) -> Decimal:
        return sum((ln.amount for ln in self.labour_lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.parts_total + self.labour_total


class RepairPartLine(Model):
    """A part used on a repair: reserved when added, consumed when the repair is done."""

    __tablename__ = "wty_repair_part_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="ck_wty_part_line_qty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("wty_repair_order.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("inv_warehouse.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    state: Mapped[str] = mapped_column(String(PART_LINE_STATES.length), default="waiting")
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("inv_reservation.id"))
    supplier_fault: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(200))

    repair: Mapped[RepairOrder] = relationship(back_populates="part_lines")
    part: Mapped[Part] = relationship()
    warehouse: Mapped[Warehouse] = relationship()

    def __str__(self) -> str:
        return f"{self.part} x {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return ((self.quantity or ZERO) * (self.unit_price or ZERO)).quantize(Decimal("0.01"))

    @property
    def cost(self) -> Decimal:
        return ((self.quantity or ZERO) * (self.unit_cost or ZERO)).quantize(Decimal("0.01"))


class RepairLabourLine(Model):
    """Work on a repair: hours x rate."""

    __tablename__ = "wty_repair_labour_line"
    __table_args__ = (
        CheckConstraint("hours > 0", name="ck_wty_labour_line_hours"),
        CheckConstraint("rate >= 0", name="ck_wty_labour_line_rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("wty_repair_order.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    performed_on: Mapped[date] = mapped_column(Date, default=date.today)
    hours: Mapped[Decimal] = mapped_column(Quantity)
    rate: Mapped[Decimal] = mapped_column(Money, default=ZERO)

    repair: Mapped[RepairOrder] = relationship(back_populates="labour_lines")
    technician: Mapped[User | None] = relationship(User)

    def __str__(self) -> str:
        return f"{self.description} {self.hours} h"

    @property
    def amount(self) -> Decimal:
        return ((self.hours or ZERO) * (self.rate or ZERO)).quantize(Decimal("0.01"))


class Checklist(Model):
    """Intake or final-inspection items for an equipment model and/or a repair type."""

    __tablename__ = "wty_checklist"
    __lookup_fields__ = ("name",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(CHECKLIST_KINDS.length), default="final")
    equipment_model_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    repair_type: Mapped[str | None] = mapped_column(String(REPAIR_TYPES.length))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    equipment_model: Mapped[EquipmentModel | None] = relationship()
    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="checklist", order_by="ChecklistItem.sequence, ChecklistItem.id"
    )

    def __str__(self) -> str:
        return self.name


class ChecklistItem(Model):
    __tablename__ = "wty_checklist_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("wty_checklist.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=10)
    text: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    checklist: Mapped[Checklist] = relationship(back_populates="items")

    def __str__(self) -> str:
        return self.text


class Inspection(Model):
    """An intake check or a final inspection of a repair, signed by the inspector."""

    __tablename__ = "wty_inspection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("wty_repair_order.id"), index=True)
    kind: Mapped[str] = mapped_column(String(CHECKLIST_KINDS.length), default="final")
    checklist_id: Mapped[int | None] = mapped_column(ForeignKey("wty_checklist.id"))
    result: Mapped[str] = mapped_column(String(INSPECTION_RESULTS.length))
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    # the technician whose work was inspected (failed inspections count against him)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notes: Mapped[str | None] = mapped_column(Text)

    repair: Mapped[RepairOrder] = relationship(back_populates="inspections")
    checklist: Mapped[Checklist | None] = relationship()
    inspector: Mapped[User | None] = relationship(User, foreign_keys=[inspector_id])
    technician: Mapped[User | None] = relationship(User, foreign_keys=[technician_id])
    items: Mapped[list[InspectionItem]] = relationship(
        back_populates="inspection", order_by="InspectionItem.id"
    )

    def __str__(self) -> str:
        return f"{CHECKLIST_KINDS.label(self.kind)}: {INSPECTION_RESULTS.label(self.result)}"


class InspectionItem(Model):
    __tablename__ = "wty_inspection_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("wty_inspection.id"), index=True)
    checklist_item_id: Mapped[int | None] = mapped_column(ForeignKey("wty_checklist_item.id"))
    text: Mapped[str] = mapped_column(String(200))
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(200))

    inspection: Mapped[Inspection] = relationship(back_populates="items")

    def __str__(self) -> str:
        return self.text
