"""Simultaneous users, through the API, on SQLite and on PostgreSQL alike: stock never
goes negative, a reservation is taken and consumed once, document numbers are
distinct and gap-free, a step of a document's life is recorded once, returns never
exceed the sale."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from app.db import db
from app.errors import DomainError
from app.models import StateTransition
from modules.inventory import services
from modules.inventory.models import (
    PartsReturn,
    PartsSale,
    PartsSaleLine,
    PurchaseOrder,
    PurchaseOrderLine,
    StockMove,
)
from modules.inventory.services import purchasing, sales
from tests.conftest import ROLE_USERS
from tests.inventory.helpers import D, ledger_on_hand, level, make_world, parallel

CLERK = ROLE_USERS["Warehouse Clerk"]
MANAGER = ROLE_USERS["Service Manager"]


def _receive(s, w, qty, wh="main"):
    services.post_move(
        s, part_id=w["part"], quantity_=qty, reason="receipt", to_warehouse_id=w[wh], unit_cost="10"
    )


def test_twenty_simultaneous_issues_of_one_from_five_accept_five(app, run):
    w = run(make_world)
    run(lambda s: _receive(s, w, "5"))
    body = {"part": w["part"], "from_warehouse": w["main"], "quantity": "1", "reason": "issue"}
    codes = parallel(app, CLERK, [lambda c: c.post("/api/v1/stock_move/", json=body)] * 20)
    assert sorted(codes) == [201] * 5 + [409] * 15, codes
    assert run(lambda s: level(s, w["part"], w["main"])) == (D(0), D(0))
    assert run(lambda s: ledger_on_hand(s, w["part"], w["main"])) == D(0)


def test_twenty_simultaneous_reservations_of_one_from_five_hold_five(app, run):
    """Reservations are taken by other modules' documents (repairs), in their requests:
    each thread is such a request (its own app context and session)."""
    w = run(make_world)
    run(lambda s: _receive(s, w, "5"))
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def request(i):
        with app.app_context():
            barrier.wait()
            try:
                services.reserve(db.session, w["part"], w["main"], "1", "repair", i)
                db.session.commit()
                outcome = "reserved"
            except DomainError as err:
                db.session.rollback()
                outcome = str(err.status)
            finally:
                db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=request, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409"] * 15 + ["reserved"] * 5, outcomes
    assert run(lambda s: level(s, w["part"], w["main"])) == (D(5), D(5))


def test_one_reservation_consumed_by_simultaneous_requests_is_consumed_once(app, run):
    w = run(make_world)
    run(lambda s: _receive(s, w, "5"))
    run(lambda s: services.reserve(s, w["part"], w["main"], "2", "repair", 7))
    body = {"ref_type": "repair", "ref_id": "7"}
    codes = parallel(app, CLERK, [lambda c: c.post("/api/v1/stock_move/consume", json=body)] * 8)
    assert sorted(codes) == [201] + [409] * 7, codes
    assert run(lambda s: level(s, w["part"], w["main"])) == (D(3), D(0))
    assert run(lambda s: ledger_on_hand(s, w["part"], w["main"])) == D(3)


def test_simultaneous_orders_get_distinct_gap_free_numbers(app, run):
    w = run(make_world)
    body = {"supplier": w["supplier"], "warehouse": w["main"], "order_date": "2026-05-04"}
    codes = parallel(app, CLERK, [lambda c: c.post("/api/v1/purchase_order/", json=body)] * 12)
    assert codes == [201] * 12, codes
    numbers = run(lambda s: sorted(s.scalars(select(PurchaseOrder.number))))
    assert numbers == [f"PO-2026-{n:05d}" for n in range(1, 13)]


def _draft_order(s, w) -> int:
    po = PurchaseOrder(supplier_id=w["supplier"], warehouse_id=w["main"])
    purchasing.create_order(s, po)
    po.lines.append(PurchaseOrderLine(part_id=w["part"], quantity=D(4), unit_price=D("3.00")))
    s.flush()
    return po.id


def _steps(s, doc_type, doc_id) -> list[str]:
    return list(
        s.scalars(
            select(StateTransition.to_state)
            .where(StateTransition.doc_type == doc_type, StateTransition.doc_id == doc_id)
            .order_by(StateTransition.id)
        )
    )


def test_two_simultaneous_sends_of_one_order_record_one(app, run):
    w = run(make_world)
    po = run(lambda s: _draft_order(s, w))
    codes = parallel(app, CLERK, [lambda c: c.post(f"/api/v1/purchase_order/{po}/send")] * 2)
    assert sorted(codes) == [200, 409], codes
    assert run(lambda s: _steps(s, "inv_purchase_order", po)) == ["draft", "sent"]


def test_simultaneous_receipts_of_one_order_receive_it_once(app, run):
    w = run(make_world)
    po = run(lambda s: _draft_order(s, w))
    run(lambda s: purchasing.transition_order(s, s.get(PurchaseOrder, po), "send"))
    codes = parallel(app, CLERK, [lambda c: c.post(f"/api/v1/purchase_order/{po}/receive")] * 4)
    assert sorted(codes) == [200] + [409] * 3, codes
    assert run(lambda s: level(s, w["part"], w["main"])) == (D(4), D(0))
    assert run(lambda s: _steps(s, "inv_purchase_order", po)) == ["draft", "sent", "received"]


def _delivered_sale(s, w, qty="3") -> int:
    sale = PartsSale(customer_id=w["dealer"], warehouse_id=w["main"], sale_date=date.today())
    sales.create_sale(s, sale)
    s.flush()
    line = PartsSaleLine(sale=sale, part_id=w["part"], quantity=D(qty), unit_price=D("20.00"))
    s.add(line)
    sales.check_sale_line(line)
    s.flush()
    sales.transition_sale(s, sale, "confirm")
    sales.transition_sale(s, sale, "deliver")
    return sale.id


def test_two_simultaneous_deliveries_of_one_sale_issue_its_stock_once(app, run):
    w = run(make_world)
    run(lambda s: _receive(s, w, "10"))

    def confirmed(s):
        sale = PartsSale(customer_id=w["dealer"], warehouse_id=w["main"])
        sales.create_sale(s, sale)
        s.flush()
        s.add(PartsSaleLine(sale=sale, part_id=w["part"], quantity=D(3), unit_price=D(20)))
        s.flush()
        sales.transition_sale(s, sale, "confirm")
        return sale.id

    sale = run(confirmed)
    codes = parallel(app, MANAGER, [lambda c: c.post(f"/api/v1/parts_sale/{sale}/deliver")] * 2)
    assert sorted(codes) == [200, 409], codes
    assert run(lambda s: level(s, w["part"], w["main"])) == (D(7), D(0))
    sold = run(
        lambda s: s.scalar(
            select(func.count()).select_from(StockMove).where(StockMove.reason == "sale")
        )
    )
    assert sold == 1


def test_simultaneous_returns_never_exceed_the_sale(app, run):
    w = run(make_world)
    run(lambda s: _receive(s, w, "5"))
    sale = run(lambda s: _delivered_sale(s, w, "3"))
    body = {
        "sale": sale,
        "customer": w["dealer"],
        "part": w["part"],
        "warehouse": w["main"],
        "quantity": "2",
        "reason": "Not needed",
        "condition": "good",
    }
    codes = parallel(app, CLERK, [lambda c: c.post("/api/v1/parts_return/", json=body)] * 6)
    assert sorted(codes) == [201] + [409] * 5, codes
    returned = run(lambda s: s.scalar(select(func.sum(PartsReturn.quantity))))
    assert returned == D(2)
    assert run(lambda s: level(s, w["part"], w["main"])) == (D(4), D(0))
