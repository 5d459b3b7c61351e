"""Shared set-up for inventory tests: a supplier, a dealer, warehouses and parts."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from modules.inventory.models import EquipmentModel, Part, StockBalance, Warehouse
from modules.partners.models import Partner

D = Decimal


def make_world(session) -> dict:
    """{supplier, supplier2, dealer, main, van, quar, part, part2} ids."""
    sup = Partner(name="Parts Supplier", is_supplier=True)
    sup2 = Partner(name="Second Supplier", is_supplier=True)
    dealer = Partner(name="Dealer", is_dealer=True, is_customer=True)
    main = Warehouse(code="MAIN", name="Main", kind="main")
    van = Warehouse(code="VAN1", name="Van", kind="van")
    quar = Warehouse(code="QUAR", name="Quarantine", kind="quarantine")
    part = Part(sku="P-1", name="Pump", cost=D("10"), sale_price=D("20"), lead_time_days=14)
    part2 = Part(sku="P-2", name="Seal", cost=D("5"), sale_price=D("9"), min_order_qty=D("5"))
    session.add_all([sup, sup2, dealer, main, van, quar, part, part2])
    session.flush()
    part.supplier_id = sup.id
    part2.supplier_id = sup2.id
    model = EquipmentModel(code="WM-1", name="Washer")
    session.add(model)
    session.flush()
    return {
        "supplier": sup.id,
        "supplier2": sup2.id,
        "dealer": dealer.id,
        "main": main.id,
        "van": van.id,
        "quar": quar.id,
        "part": part.id,
        "part2": part2.id,
        "model": model.id,
    }


def level(session, part_id: int, wh_id: int) -> tuple[Decimal, Decimal]:
    row = session.scalar(
        select(StockBalance).where(
            StockBalance.part_id == part_id, StockBalance.warehouse_id == wh_id
        )
    )
    return (row.on_hand, row.reserved) if row else (D(0), D(0))
