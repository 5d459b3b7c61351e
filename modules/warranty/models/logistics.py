"""Shipments of defective goods, and the pool of substitute (loaner) units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import ZERO, Money
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner
from modules.warranty.models.repairs import RepairOrder
from modules.warranty.models.units import Unit

SHIPMENT_DIRECTIONS = Choices(
    ("to_workshop", _l("Customer to workshop")),
    ("to_customer", _l("Workshop to customer")),
    ("to_outside", _l("To outside workshop")),
    ("from_outside", _l("Back from outside workshop")),
)
SHIPMENT_STATES = Choices(
    ("planned", _l("Planned")),
    ("in_transit", _l("In transit")),
    ("delivered", _l("Delivered")),
    ("cancelled", _l("Cancelled")),
)
PAYERS = Choices(
    ("company", _l("Our company")),
    ("customer", _l("Customer")),
    ("supplier", _l("Supplier")),
    ("dealer", _l("Dealer")),
)
LOANER_STATES = Choices(
    ("available", _l("Available")),
    ("lent", _l("Lent")),
    ("maintenance", _l("In maintenance")),
    ("retired", _l("Retired")),
)


class Shipment(Model):
    __tablename__ = "wty_shipment"
    __lookup_fields__ = ("number", "tracking_number")
    __table_args__ = (CheckConstraint("cost >= 0", name="ck_wty_shipment_cost"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    repair_id: Mapped[int | None] = mapped_column(ForeignKey("wty_repair_order.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("wty_unit.id"), index=True)
    direction: Mapped[str] = mapped_column(String(SHIPMENT_DIRECTIONS.length))
    state: Mapped[str] = mapped_column(String(SHIPMENT_STATES.length), default="planned")
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("ptn_partner.id"))
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(64), index=True)
    shipped_on: Mapped[date | None] = mapped_column(Date, index=True)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    cost: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    paid_by: Mapped[str] = mapped_column(String(PAYERS.length), default="company")
    notes: Mapped[str | None] = mapped_column(Text)

    repair: Mapped[RepairOrder | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    workshop: Mapped[Partner | None] = relationship()

    def __str__(self) -> str:
        return self.number or f"SH #{self.id}"


class Loaner(Model):
    """A substitute unit of the pool, lent to customers while their unit is repaired."""

    __tablename__ = "wty_loaner"
    __lookup_fields__ = ("code", "name", "serial_number")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    equipment_model_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    serial_number: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(LOANER_STATES.length), default="available")
    condition: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    equipment_model: Mapped[EquipmentModel | None] = relationship()

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LoanerLoan(Model):
    """A loaner lent for a repair: requested, lent (legal deadline), returned with condition."""

    __tablename__ = "wty_loaner_loan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loaner_id: Mapped[int] = mapped_column(ForeignKey("wty_loaner.id"), index=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("wty_repair_order.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    lent_on: Mapped[date] = mapped_column(Date)
    condition_out: Mapped[str | None] = mapped_column(String(200))
    returned_on: Mapped[date | None] = mapped_column(Date, index=True)
    condition_back: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    loaner: Mapped[Loaner] = relationship()
    repair: Mapped[RepairOrder] = relationship()
    customer: Mapped[Partner] = relationship()

    def __str__(self) -> str:
        return f"{self.loaner_id} -> {self.repair_id} ({self.lent_on})"

    @property
    def out(self) -> bool:
        return self.returned_on is None
