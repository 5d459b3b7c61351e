"""Inventory tables (inv_*): catalog, warehouses, the stock ledger and its balances,
reservations, reorder rules, purchasing, parts sales and returns."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.choices import Choices
from app.db import ZERO, Money, Quantity, UTCDateTime, utcnow
from app.formats import number
from modules.partners.models import Partner

WAREHOUSE_KINDS = Choices(
    ("main", _l("Main warehouse")),
    ("workshop", _l("Workshop")),
    ("van", _l("Technician's van")),
    ("quarantine", _l("Quarantine")),
)
MOVE_REASONS = Choices(
    ("receipt", _l("Receipt")),
    ("issue", _l("Issue")),
    ("transfer", _l("Transfer")),
    ("adjustment", _l("Count adjustment")),
    ("return", _l("Return")),
    ("consumption", _l("Consumption")),
    ("sale", _l("Sale")),
    ("reversal", _l("Reversal")),
)
RESERVATION_STATES = Choices(
    ("active", _l("Active")),
    ("released", _l("Released")),
    ("consumed", _l("Consumed")),
)
PO_STATES = Choices(
    ("draft", _l("Draft")),
    ("sent", _l("Sent")),
    ("partially_received", _l("Partially received")),
    ("received", _l("Received")),
    ("cancelled", _l("Cancelled")),
)
SALE_STATES = Choices(
    ("quotation", _l("Quotation")),
    ("confirmed", _l("Confirmed")),
    ("delivered", _l("Delivered")),
    ("invoiced", _l("Invoiced")),
    ("cancelled", _l("Cancelled")),
)
RETURN_CONDITIONS = Choices(
    ("good", _l("Good, back to stock")),
    ("damaged", _l("Damaged, to quarantine")),
)
# The documents a stock move or a reservation is made for (its ref_type), by name: the
# inventory's own here; a module that moves or reserves stock names its own documents
# with register_ref_type (warranty: repair orders).
REF_TYPES: dict[str, object] = {
    "inv_purchase_order": _l("Purchase order"),
    "inv_parts_sale": _l("Parts sale"),
    "inv_parts_return": _l("Parts return"),
    "inv_stock_move": _l("Stock move"),
    "demo": _l("Demo data"),
}


def register_ref_type(code: str, label: object) -> None:
    REF_TYPES.setdefault(code, label)


def ref_type_label(code: str | None) -> str:
    """A document type as its reader names it; a type nobody named, as stored."""
    return str(REF_TYPES.get(code or "", code or ""))


class EquipmentModel(Model):
    __tablename__ = "inv_equipment_model"
    __lookup_fields__ = ("code", "name")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    manufacturer: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(100))
    durable: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Part(Model):
    __tablename__ = "inv_part"
    __lookup_fields__ = ("sku", "name")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    unit: Mapped[str] = mapped_column(String(10), default="pc")
    category: Mapped[str | None] = mapped_column(String(100))
    cost: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    sale_price: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    avg_cost: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0)
    min_order_qty: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("1"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("inv_part.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    supplier: Mapped[Partner | None] = relationship()
    superseded_by: Mapped[Part | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class PartFitment(Model):
    """Part X fits equipment model Y."""

    __tablename__ = "inv_part_fitment"
    __table_args__ = (UniqueConstraint("part_id", "equipment_model_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"), index=True)
    equipment_model_id: Mapped[int] = mapped_column(
        ForeignKey("inv_equipment_model.id"), index=True
    )
    note: Mapped[str | None] = mapped_column(String(200))

    part: Mapped[Part] = relationship()
    equipment_model: Mapped[EquipmentModel] = relationship()

    def __str__(self) -> str:
        return f"{self.part} / {self.equipment_model}"


class Warehouse(Model):
    __tablename__ = "inv_warehouse"
    __lookup_fields__ = ("code", "name")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(WAREHOUSE_KINDS.length), default="main")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    user: Mapped[User | None] = relationship(User)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StockMove(Model):
    """One append-only ledger line; never updated or deleted (a reversal corrects it)."""

    __tablename__ = "inv_stock_move"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_inv_stock_move_qty"),
        Index("ix_inv_stock_move_ref", "ref_type", "ref_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"), index=True)
    from_warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("inv_warehouse.id"), index=True
    )
    to_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("inv_warehouse.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    reason: Mapped[str] = mapped_column(String(MOVE_REASONS.length))
    ref_type: Mapped[str | None] = mapped_column(String(64))
    ref_id: Mapped[str | None] = mapped_column(String(64))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("inv_stock_move.id"), unique=True)
    note: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    username: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    part: Mapped[Part] = relationship()
    from_warehouse: Mapped[Warehouse | None] = relationship(foreign_keys=[from_warehouse_id])
    to_warehouse: Mapped[Warehouse | None] = relationship(foreign_keys=[to_warehouse_id])
    user: Mapped[User | None] = relationship(User)

    def __str__(self) -> str:
        return f"#{self.id} {MOVE_REASONS.label(self.reason)} {number(self.quantity)}"

    @property
    def value(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"))


class StockBalance(Model):
    """On hand and reserved per part and warehouse, kept with every move (one lookup)."""

    __tablename__ = "inv_stock_balance"
    __audit__ = False
    __table_args__ = (
        UniqueConstraint("part_id", "warehouse_id", name="uq_inv_stock_balance_part_wh"),
        CheckConstraint("on_hand >= 0", name="ck_inv_stock_balance_on_hand"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="ck_inv_stock_balance_res"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("inv_warehouse.id"), index=True)
    on_hand: Mapped[Decimal] = mapped_column(Quantity, default=ZERO)
    reserved: Mapped[Decimal] = mapped_column(Quantity, default=ZERO)

    part: Mapped[Part] = relationship()
    warehouse: Mapped[Warehouse] = relationship()

    def __str__(self) -> str:
        return f"{self.part_id}@{self.warehouse_id}: {self.on_hand}"

    @property
    def available(self) -> Decimal:
        return (self.on_hand or ZERO) - (self.reserved or ZERO)


class Reservation(Model):
    """Parts held for a document of another module (generic ref_type / ref_id)."""

    __tablename__ = "inv_reservation"
    __table_args__ = (Index("ix_inv_reservation_ref", "ref_type", "ref_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("inv_warehouse.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    ref_type: Mapped[str] = mapped_column(String(64))
    ref_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(RESERVATION_STATES.length), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    part: Mapped[Part] = relationship()
    warehouse: Mapped[Warehouse] = relationship()

    def __str__(self) -> str:
        return f"{ref_type_label(self.ref_type)} {self.ref_id}: {number(self.quantity)}"


class ReorderRule(Model):
    __tablename__ = "inv_reorder_rule"
    __table_args__ = (UniqueConstraint("part_id", "warehouse_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("inv_warehouse.id"))
    min_qty: Mapped[Decimal] = mapped_column(Quantity)
    max_qty: Mapped[Decimal] = mapped_column(Quantity)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    part: Mapped[Part] = relationship()
    warehouse: Mapped[Warehouse] = relationship()

    def __str__(self) -> str:
        return f"{self.part} {self.min_qty}..{self.max_qty}"


class SupplierPrice(Model):
    """A supplier's price for a part from a quantity on (price breaks)."""

    __tablename__ = "inv_supplier_price"
    __table_args__ = (UniqueConstraint("supplier_id", "part_id", "min_qty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"), index=True)
    min_qty: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("1"))
    price: Mapped[Decimal] = mapped_column(Money)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)

    supplier: Mapped[Partner] = relationship()
    part: Mapped[Part] = relationship()

    def __str__(self) -> str:
        return f"{self.supplier_id}/{self.part_id} >= {self.min_qty}: {self.price}"


class PurchaseOrder(Model):
    __tablename__ = "inv_purchase_order"
    __lookup_fields__ = ("number",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("inv_warehouse.id"))
    state: Mapped[str] = mapped_column(String(PO_STATES.length), default="draft", index=True)
    order_date: Mapped[date] = mapped_column(Date, default=date.today, index=True)
    expected_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    supplier: Mapped[Partner] = relationship()
    warehouse: Mapped[Warehouse] = relationship()
    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        back_populates="order", order_by="PurchaseOrderLine.id", cascade="all, delete-orphan"
    )
    # not stored: the `lines` of an API body, for the rules (services.purchasing)
    line_items = None

    def __str__(self) -> str:
        return self.number or f"PO #{self.id}"

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), ZERO)


class PurchaseOrderLine(Model):
    __tablename__ = "inv_purchase_order_line"
    __table_args__ = (CheckConstraint("received_qty <= quantity", name="ck_inv_po_line_recv"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("inv_purchase_order.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    received_qty: Mapped[Decimal] = mapped_column(Quantity, default=ZERO)

    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
    part: Mapped[Part] = relationship()

    def __str__(self) -> str:
        return f"{self.part} x {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return ((self.quantity or ZERO) * (self.unit_price or ZERO)).quantize(Decimal("0.01"))

    @property
    def outstanding(self) -> Decimal:
        return (self.quantity or ZERO) - (self.received_qty or ZERO)


class PartsSale(Model):
    __tablename__ = "inv_parts_sale"
    __lookup_fields__ = ("number",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("inv_warehouse.id"))
    state: Mapped[str] = mapped_column(String(SALE_STATES.length), default="quotation", index=True)
    sale_date: Mapped[date] = mapped_column(Date, default=date.today, index=True)
    discount_pct: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    notes: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Partner] = relationship()
    warehouse: Mapped[Warehouse] = relationship()
    lines: Mapped[list[PartsSaleLine]] = relationship(
        back_populates="sale", order_by="PartsSaleLine.id", cascade="all, delete-orphan"
    )
    # not stored: the `lines` of an API body, for the rules (services.sales)
    line_items = None

    def __str__(self) -> str:
        return self.number or f"PS #{self.id}"

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), ZERO)


class PartsSaleLine(Model):
    __tablename__ = "inv_parts_sale_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("inv_parts_sale.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    discount_pct: Mapped[Decimal] = mapped_column(Money, default=ZERO)

    sale: Mapped[PartsSale] = relationship(back_populates="lines")
    part: Mapped[Part] = relationship()

    def __str__(self) -> str:
        return f"{self.part} x {self.quantity}"

    @property
    def amount(self) -> Decimal:
        gross = (self.quantity or ZERO) * (self.unit_price or ZERO)
        return (gross * (100 - (self.discount_pct or ZERO)) / 100).quantize(Decimal("0.01"))


class PartsReturn(Model):
    """A customer brings a part back: to stock when good, to quarantine when damaged;
    the refund is what the customer gets back (revenue less, in the returns export)."""

    __tablename__ = "inv_parts_return"
    __table_args__ = (CheckConstraint("refund_amount >= 0", name="ck_inv_parts_return_refund"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("inv_parts_sale.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ptn_partner.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("inv_part.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("inv_warehouse.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    reason: Mapped[str] = mapped_column(String(200))
    condition: Mapped[str] = mapped_column(String(RETURN_CONDITIONS.length), default="good")
    return_date: Mapped[date] = mapped_column(Date, default=date.today, index=True)
    move_id: Mapped[int | None] = mapped_column(ForeignKey("inv_stock_move.id"))
    # paid back to the customer: the sale's net price of what comes back, or less
    refund_amount: Mapped[Decimal] = mapped_column(Money, server_default="0")

    sale: Mapped[PartsSale | None] = relationship()
    customer: Mapped[Partner] = relationship()
    part: Mapped[Part] = relationship()
    warehouse: Mapped[Warehouse] = relationship()
    move: Mapped[StockMove | None] = relationship()

    def __str__(self) -> str:
        return f"{self.return_date} {self.part} x {self.quantity}"
