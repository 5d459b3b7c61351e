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


def parallel(app, username: str, calls) -> list:
    """Send `calls` (each `fn(client) -> response`) at the same moment, one thread and
    one test client each, logged in as `username` (one JWT login shared): their
    responses' status codes, in the order of `calls`."""
    import threading

    from tests.conftest import ApiClient

    login = ApiClient(app, username)
    clients = []
    for _ in calls:
        c = ApiClient(app, None)
        c.headers = dict(login.headers)
        clients.append(c)
    barrier = threading.Barrier(len(calls))
    codes: list = [None] * len(calls)
    errors: list[BaseException] = []

    def worker(i):
        try:
            barrier.wait()
            codes[i] = calls[i](clients[i]).status_code
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return codes


def ledger_on_hand(session, part_id: int, wh_id: int) -> Decimal:
    """What the ledger says is in a warehouse: moves in less moves out."""
    from sqlalchemy import func

    from modules.inventory.models import StockMove

    def total(column):
        return session.scalar(
            select(func.coalesce(func.sum(StockMove.quantity), 0)).where(
                StockMove.part_id == part_id, column == wh_id
            )
        )

    return Decimal(total(StockMove.to_warehouse_id)) - Decimal(total(StockMove.from_warehouse_id))
