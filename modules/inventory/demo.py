"""Demo inventory: warehouses, equipment models, parts with fitment and supersession,
supplier prices, reorder rules, a year of consumption, orders and a sale. Safe to run again."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.ops import progress
from modules.inventory.models import (
    EquipmentModel,
    Part,
    PartFitment,
    PartsSale,
    PartsSaleLine,
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderRule,
    StockMove,
    SupplierPrice,
    Warehouse,
)
from modules.inventory.services import purchasing, sales
from modules.inventory.services.stock import post_move
from modules.partners.models import Partner

SIZES = {"small": 30, "medium": 300, "large": 3_000}
WAREHOUSES = [
    ("MAIN", "Main warehouse", "main"),
    ("WKSP", "Workshop", "workshop"),
    ("VAN1", "Van of Ivan Petrov", "van"),
    ("QUAR", "Quarantine", "quarantine"),
]
MODELS = [
    ("WM-700", "Washing machine 700", "Aqualux", "Washing machines"),
    ("WM-900", "Washing machine 900", "Aqualux", "Washing machines"),
    ("RF-350", "Refrigerator 350", "Frigo", "Refrigerators"),
    ("DW-45", "Dishwasher 45", "Aqualux", "Dishwashers"),
    ("AC-12", "Air conditioner 12k", "Klimat", "Air conditioning"),
]
PART_NAMES = [
    "Drain pump",
    "Door seal",
    "Heating element",
    "Control board",
    "Bearing kit",
    "Thermostat",
    "Compressor relay",
    "Fan motor",
    "Filter",
    "Hose",
]


def load(session: Session, size: str) -> None:
    """The first run loads everything; a later run with a bigger size adds the parts
    (with fitment, prices, reorder rule and opening stock) up to that size."""
    main = session.scalar(select(Warehouse).where(Warehouse.code == "MAIN"))
    if main is not None:
        _grow(session, size, main)
        return
    rnd = random.Random(2026)
    whs = {}
    for code, name, kind in WAREHOUSES:
        whs[code] = Warehouse(code=code, name=name, kind=kind, active=True)
        session.add(whs[code])
    models = []
    for code, name, maker, cat in MODELS:
        m = EquipmentModel(code=code, name=name, manufacturer=maker, category=cat, durable=True)
        session.add(m)
        models.append(m)
    suppliers = _suppliers(session)
    customers = session.scalars(
        select(Partner).where(Partner.is_dealer.is_(True)).order_by(Partner.id).limit(3)
    ).all()
    session.flush()
    parts = _add_parts(session, 0, SIZES[size], models, suppliers, whs["MAIN"], rnd)
    if len(parts) > 2:
        parts[0].superseded_by = parts[1]
    session.flush()
    today = date.today()
    # A year of intermittent consumption, backdated.
    for part in parts[: min(len(parts), 30)]:
        for month in range(12, 0, -1):
            if rnd.random() < 0.45:
                qty = Decimal(rnd.randint(1, 3))
                post_move(
                    session,
                    part_id=part.id,
                    quantity_=Decimal(1),
                    reason="receipt",
                    to_warehouse_id=whs["WKSP"].id,
                    unit_cost=part.cost,
                    ref_type="demo",
                    ref_id="history",
                    at=datetime.now(UTC) - timedelta(days=30 * month + 3),
                )
                post_move(
                    session,
                    part_id=part.id,
                    quantity_=min(qty, Decimal(1)),
                    reason="consumption",
                    from_warehouse_id=whs["WKSP"].id,
                    ref_type="demo",
                    ref_id=f"repair-{month}",
                    at=datetime.now(UTC) - timedelta(days=30 * month),
                )
    if suppliers:
        po = PurchaseOrder(supplier=suppliers[0], warehouse=whs["MAIN"], order_date=today)
        purchasing.create_order(session, po)
        for part in parts[:3]:
            po.lines.append(
                PurchaseOrderLine(part=part, quantity=Decimal(10), unit_price=part.cost)
            )
        session.flush()
    if customers:
        sale = PartsSale(customer=customers[0], warehouse=whs["MAIN"], sale_date=today)
        sales.create_sale(session, sale)
        sale.lines.append(
            PartsSaleLine(part=parts[2], quantity=Decimal(1), unit_price=parts[2].sale_price)
        )
    session.flush()
    assert session.scalar(select(StockMove.id).limit(1)) is not None


def _suppliers(session: Session) -> list[Partner]:
    return list(
        session.scalars(
            select(Partner).where(Partner.is_supplier.is_(True)).order_by(Partner.id).limit(3)
        )
    )


def _grow(session: Session, size: str, main: Warehouse) -> None:
    have = session.scalar(select(func.count()).where(Part.sku.like("SP-%"))) or 0
    if have >= SIZES[size]:
        return
    models = session.scalars(
        select(EquipmentModel)
        .where(EquipmentModel.code.in_([m[0] for m in MODELS]))
        .order_by(EquipmentModel.id)
    ).all()
    if not models:
        return
    rnd = random.Random(2026 + have)
    _add_parts(session, have, SIZES[size], list(models), _suppliers(session), main, rnd)
    session.flush()


def _add_parts(
    session: Session,
    start: int,
    stop: int,
    models: list[EquipmentModel],
    suppliers: list[Partner],
    main: Warehouse,
    rnd: random.Random,
) -> list[Part]:
    """Parts SP-<start>..SP-<stop - 1>, each with fitment, supplier price breaks, a
    reorder rule and an opening receipt into the main warehouse."""
    parts = []
    with progress(stop - start, "parts") as bar:
        for i in range(start, stop):
            cost = Decimal(rnd.randint(200, 20000)) / 100
            part = Part(
                sku=f"SP-{i:05d}",
                name=f"{PART_NAMES[i % len(PART_NAMES)]} {i}",
                unit="pc",
                category=PART_NAMES[i % len(PART_NAMES)],
                cost=cost,
                sale_price=(cost * Decimal("1.6")).quantize(Decimal("0.01")),
                lead_time_days=rnd.choice([7, 14, 30]),
                min_order_qty=Decimal(rnd.choice([1, 1, 5, 10])),
                supplier=suppliers[i % len(suppliers)] if suppliers else None,
                active=True,
            )
            session.add(part)
            parts.append(part)
            session.add(PartFitment(part=part, equipment_model=models[i % len(models)]))
            for sup in suppliers[:2]:
                for brk, factor in ((1, "1.00"), (10, "0.92"), (50, "0.85")):
                    session.add(
                        SupplierPrice(
                            supplier=sup,
                            part=part,
                            min_qty=Decimal(brk),
                            price=(cost * Decimal(factor)).quantize(Decimal("0.01")),
                        )
                    )
            session.add(
                ReorderRule(part=part, warehouse=main, min_qty=Decimal(5), max_qty=Decimal(20))
            )
            session.flush()
            post_move(
                session,
                part_id=part.id,
                quantity_=Decimal(rnd.randint(2, 40)),
                reason="receipt",
                to_warehouse_id=main.id,
                unit_cost=part.cost,
                ref_type="demo",
                ref_id="opening",
            )
            bar.update(1)
    return parts
