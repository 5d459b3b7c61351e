"""Shared set-up for warranty tests: partners, a model with its policy, a unit, stock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select

from modules.inventory.models import EquipmentModel, Part, StockBalance, Warehouse
from modules.inventory.services.stock import post_move
from modules.partners.models import Partner
from modules.warranty.models import Unit, WarrantyPolicy
from tests.conftest import ROLE_USERS

D = Decimal


def user_id(session, role: str) -> int:
    return session.scalar(select(User.id).where(User.username == ROLE_USERS[role]))


def make_world(
    session,
    *,
    sale: date = date(2025, 3, 10),
    statutory: int = 0,
    manufacturer: int = 12,
    stock_qty: str | None = "5",
    starts_at: str = "sale",
    handover: date | None = None,
) -> dict:
    """ids: customer, dealer, supplier, model, policy, unit, wh, part, part2 (not in stock)."""
    customer = Partner(name="Olga Petrova", is_customer=True)
    dealer = Partner(name="Dealer One", is_dealer=True)
    supplier = Partner(name="Pumps Ltd", is_supplier=True)
    wh = Warehouse(code="WS", name="Workshop", kind="workshop")
    model = EquipmentModel(code="WM-7", name="Washer 7", category="Washers")
    session.add_all([customer, dealer, supplier, wh, model])
    session.flush()
    part = Part(
        sku="PMP-1", name="Drain pump", cost=D("40"), sale_price=D("75"), supplier_id=supplier.id
    )
    part2 = Part(sku="BRG-2", name="Drum bearing", cost=D("15"), sale_price=D("30"))
    policy = WarrantyPolicy(
        name="Washers 12m",
        equipment_model_id=model.id,
        statutory_months=statutory,
        manufacturer_months=manufacturer,
        starts_at=starts_at,
    )
    session.add_all([part, part2, policy])
    session.flush()
    unit = Unit(
        serial_number="SN-0001",
        equipment_model_id=model.id,
        customer_id=customer.id,
        dealer_id=dealer.id,
        sale_date=sale,
        handover_date=handover,
        price=D("500"),
    )
    session.add(unit)
    session.flush()
    if stock_qty:
        post_move(
            session,
            part_id=part.id,
            quantity_=stock_qty,
            reason="receipt",
            to_warehouse_id=wh.id,
            unit_cost="40",
        )
    return {
        "customer": customer.id,
        "dealer": dealer.id,
        "supplier": supplier.id,
        "model": model.id,
        "policy": policy.id,
        "unit": unit.id,
        "wh": wh.id,
        "part": part.id,
        "part2": part2.id,
    }


def level(session, part_id: int, wh_id: int) -> tuple[Decimal, Decimal]:
    row = session.scalar(
        select(StockBalance).where(
            StockBalance.part_id == part_id, StockBalance.warehouse_id == wh_id
        )
    )
    return (row.on_hand, row.reserved) if row else (D(0), D(0))
