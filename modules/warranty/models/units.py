"""Sold units, warranty policies, extended warranties and warranty voids."""

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
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import Money, UTCDateTime, utcnow
from app.widgets import Hidden, join_label
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner

WARRANTY_STARTS = Choices(
    ("sale", _l("Sale date")),
    ("handover", _l("Handover / installation date")),
)
WARRANTY_STATUSES = Choices(
    ("statutory", _l("Statutory warranty")),
    ("manufacturer", _l("Manufacturer's warranty")),
    ("extended", _l("Extended warranty")),
    ("expired", _l("Expired")),
    ("voided", _l("Voided")),
)
UNDER_WARRANTY = ("statutory", "manufacturer", "extended")


class WarrantyPolicy(Model):
    """Warranty terms for an equipment model, or for a whole category of models."""

    __tablename__ = "wty_warranty_policy"
    __lookup_fields__ = ("name", "category")
    __table_args__ = (
        CheckConstraint("statutory_months >= 0", name="ck_wty_policy_statutory"),
        CheckConstraint("manufacturer_months >= 0", name="ck_wty_policy_manufacturer"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    equipment_model_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    statutory_months: Mapped[int] = mapped_column(Integer, default=0)
    manufacturer_months: Mapped[int] = mapped_column(Integer, default=12)
    starts_at: Mapped[str] = mapped_column(String(WARRANTY_STARTS.length), default="sale")
    covers_parts: Mapped[bool] = mapped_column(Boolean, default=True)
    covers_labour: Mapped[bool] = mapped_column(Boolean, default=True)
    covers_transport: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    equipment_model: Mapped[EquipmentModel | None] = relationship()

    def __str__(self) -> str:
        return self.name


class Unit(Model):
    """One sold unit of an equipment model, identified by its serial number."""

    __tablename__ = "wty_unit"
    __lookup_fields__ = ("serial_number", "sales_ref")
    __lookup_load__ = ("equipment_model", "customer")  # what its lookup label shows
    __table_args__ = (
        UniqueConstraint("equipment_model_id", "serial_number", name="uq_wty_unit_model_serial"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial_number: Mapped[str] = mapped_column(String(64), index=True)
    equipment_model_id: Mapped[int] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    dealer_id: Mapped[int | None] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("wty_warranty_policy.id"))
    sale_date: Mapped[date] = mapped_column(Date, index=True)
    handover_date: Mapped[date | None] = mapped_column(Date)
    price: Mapped[Decimal | None] = mapped_column(Money)
    sales_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    equipment_model: Mapped[EquipmentModel] = relationship()
    customer: Mapped[Partner] = relationship(foreign_keys=[customer_id])
    dealer: Mapped[Partner | None] = relationship(foreign_keys=[dealer_id])
    policy: Mapped[WarrantyPolicy | None] = relationship()
    extended_warranties: Mapped[list[ExtendedWarranty]] = relationship(
        back_populates="unit", order_by="ExtendedWarranty.start_date"
    )
    voids: Mapped[list[WarrantyVoid]] = relationship(
        back_populates="unit", order_by="WarrantyVoid.id"
    )

    def __str__(self) -> str:
        return self.serial_number

    def lookup_label(self, hidden: Hidden) -> str:
        """What a lookup offers: "SN-0001 — WM-7 Washer, Pedro Costa (São Paulo)": the
        serial, the model and the customer, those the reader may see."""
        off = hidden(Unit)
        model = None if {"equipment_model", "equipment_model_id"} & off else self.equipment_model
        customer = None
        if not {"customer", "customer_id"} & off and self.customer is not None:
            customer = self.customer.name
            city = None if "city" in hidden(Partner) else self.customer.city
            customer = f"{customer} ({city})" if city else customer
        return join_label(self.serial_number, model, customer)

    @property
    def active_void(self) -> WarrantyVoid | None:
        return next((v for v in reversed(self.voids) if v.reinstated_on is None), None)


class ExtendedWarranty(Model):
    """An extended warranty sold on top of the manufacturer's, with its own dates."""

    __tablename__ = "wty_extended_warranty"
    __lookup_fields__ = ("reference",)
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ck_wty_extended_dates"),
        CheckConstraint("price >= 0", name="ck_wty_extended_price"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("wty_unit.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(64))
    sold_on: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    covers_parts: Mapped[bool] = mapped_column(Boolean, default=True)
    covers_labour: Mapped[bool] = mapped_column(Boolean, default=True)
    covers_transport: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship(back_populates="extended_warranties")

    def __str__(self) -> str:
        return self.reference or f"{self.start_date} – {self.end_date}"


class WarrantyVoid(Model):
    """The service manager voided a unit's warranty (and maybe later reinstated it)."""

    __tablename__ = "wty_warranty_void"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("wty_unit.id"), index=True)
    voided_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    document: Mapped[str | None] = mapped_column(String(200))
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    voided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reinstated_on: Mapped[date | None] = mapped_column(Date)
    reinstate_reason: Mapped[str | None] = mapped_column(Text)
    reinstated_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    reinstated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship(back_populates="voids")
    voided_by: Mapped[User | None] = relationship(User, foreign_keys=[voided_by_id])
    reinstated_by: Mapped[User | None] = relationship(User, foreign_keys=[reinstated_by_id])

    def __str__(self) -> str:
        return f"{self.voided_on}: {self.reason}"

    def applies_on(self, on: date) -> bool:
        return self.voided_on <= on and (self.reinstated_on is None or on < self.reinstated_on)
