"""Every inventory rule holds the same at the screen and at the API: the same cases
accepted (writing the same row) or refused (writing nothing) through both doors."""

from __future__ import annotations

from datetime import date

from modules.inventory import services
from modules.inventory.models import (
    EquipmentModel,
    Part,
    PartFitment,
    PartsReturn,
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
from modules.partners.models import Partner
from tests.both_doors import Case, Door, check_both_doors
from tests.inventory.helpers import D, make_world

CLERK, MANAGER = "Warehouse Clerk", "Service Manager"

# make_world's rows get the same ids after every cleaning: suppliers 1 and 2, the dealer
# 3 (also a customer), warehouses MAIN 1, VAN1 2, QUAR 3 (quarantine), parts P-1 1 and
# P-2 2, equipment model 1; _world adds a customer who is not a dealer, 4.
SUPPLIER, DEALER, CUSTOMER = 1, 3, 4
MAIN, VAN, QUAR = 1, 2, 3
PART, PART2, MODEL = 1, 2, 1


def _world(session) -> None:
    make_world(session)
    session.add(Partner(name="Walk-in customer", is_customer=True))
    session.flush()


def _doors(app, run, clean, door, cases, role):
    """Each case on a fresh world: the harness empties every table after each door,
    and the world comes back."""

    def reset():
        clean()
        run(_world)

    reset()
    wrong = []
    for case in cases:
        try:
            check_both_doors(app, run, reset, door, [case], role=role)
        except AssertionError as err:
            wrong.append(str(err).splitlines()[0])
            reset()
    assert not wrong, "\n".join(wrong)


def _stock(session, qty="10", wh=MAIN, part=PART) -> None:
    services.post_move(
        session, part_id=part, quantity_=qty, reason="receipt", to_warehouse_id=wh, unit_cost="10"
    )


# ------------------------------------------------------------------ catalog


def test_equipment_model_rules_hold_at_both_doors(app, run, clean):
    def model(session) -> int:
        return session.get(EquipmentModel, MODEL).id

    body = {"code": " wm-9 ", "name": "Washer 9", "manufacturer": "Acme", "durable": True}
    _doors(
        app,
        run,
        clean,
        Door("/equipmentmodelview", "/api/v1/equipment_model/", EquipmentModel),
        [
            Case("a model, its code in capitals", {**body, "active": True}, True),
            Case("blank name", {**body, "name": "  "}, False),
            Case("a code taken", {**body, "code": "wm-1"}, False),
            Case("edit", {"name": "Washer One", "code": "wm-1b"}, True, edit=True, prepare=model),
            Case("edit to a blank code", {"code": "  "}, False, edit=True, prepare=model),
        ],
        CLERK,
    )


def test_part_rules_hold_at_both_doors(app, run, clean):
    def superseded(session) -> int:
        session.get(Part, PART).superseded_by_id = PART2
        return PART2

    body = {
        "sku": " p-9 ",
        "name": "Filter",
        "unit": "pc",
        "cost": "1.50",
        "sale_price": "3.00",
        "lead_time_days": 5,
        "min_order_qty": "2",
        "supplier": SUPPLIER,
        "active": True,
    }
    _doors(
        app,
        run,
        clean,
        Door("/partview", "/api/v1/part/", Part),
        [
            Case("a part", body, True),
            Case("a negative price", {**body, "sale_price": "-1"}, False),
            Case("no minimum order", {**body, "min_order_qty": "0"}, False),
            Case("a supplier that is not one", {**body, "supplier": DEALER}, False),
            Case("blank name", {**body, "name": " "}, False),
            Case(
                "superseded in a loop",
                {"superseded_by": PART},
                False,
                edit=True,
                prepare=superseded,
            ),
            Case(
                "edit",
                {"name": "Seal ring", "superseded_by": PART},
                True,
                edit=True,
                prepare=lambda s: PART2,
            ),  # fmt: skip
        ],
        CLERK,
    )


def test_fitment_rules_hold_at_both_doors(app, run, clean):
    def fitted(session) -> None:
        session.add(PartFitment(part_id=PART, equipment_model_id=MODEL))

    body = {"part": PART, "equipment_model": MODEL, "note": "front"}
    _doors(
        app,
        run,
        clean,
        Door("/partfitmentview", "/api/v1/part_fitment/", PartFitment),
        [
            Case("a part fits a model", body, True),
            Case("listed twice", body, False, prepare=fitted),
            Case("no model", {"part": PART, "equipment_model": None}, False),
        ],
        CLERK,
    )


def test_warehouse_rules_hold_at_both_doors(app, run, clean):
    body = {"code": " w2 ", "name": "Second", "kind": "main", "active": True}
    _doors(
        app,
        run,
        clean,
        Door("/warehouseview", "/api/v1/warehouse/", Warehouse),
        [
            Case("a warehouse, its code in capitals", body, True),
            Case("blank code", {**body, "code": "  "}, False),
            Case("a code taken", {**body, "code": "main"}, False),
            Case("an unknown kind", {**body, "kind": "cellar"}, False),
            Case("edit", {"name": "Main store"}, True, edit=True, prepare=lambda s: MAIN),
        ],
        CLERK,
    )


# ------------------------------------------------------------------ stock


def test_stock_move_rules_hold_at_both_doors(app, run, clean):
    receipt = {
        "part": PART,
        "to_warehouse": MAIN,
        "quantity": "4",
        "unit_cost": "7.50",
        "reason": "receipt",
        "ref_type": "delivery note",
        "ref_id": "DN-1",
    }
    issue = {"part": PART, "from_warehouse": MAIN, "quantity": "3", "reason": "issue"}
    _doors(
        app,
        run,
        clean,
        Door("/stockmoveview", "/api/v1/stock_move/", StockMove, ignore=("at",)),
        [
            Case("a receipt", receipt, True),
            Case("an issue from stock", issue, True, prepare=_stock),
            Case("an issue beyond stock", {**issue, "quantity": "11"}, False, prepare=_stock),
            Case("a negative quantity", {**receipt, "quantity": "-1"}, False),
            Case("more than 3 decimals", {**receipt, "quantity": "1.0001"}, False),
            Case("a reversal posted by hand", {**issue, "reason": "reversal"}, False),
            Case("an issue into a warehouse", {**issue, "to_warehouse": VAN}, False),
            Case(
                "a transfer to where it is",
                {**issue, "reason": "transfer", "to_warehouse": MAIN},
                False,
                prepare=_stock,
            ),
        ],
        CLERK,
    )


def test_reorder_rule_rules_hold_at_both_doors(app, run, clean):
    body = {"part": PART, "warehouse": MAIN, "min_qty": "2", "max_qty": "10", "active": True}

    def rule(session) -> int:
        r = ReorderRule(part_id=PART, warehouse_id=MAIN, min_qty=D(1), max_qty=D(5))
        session.add(r)
        session.flush()
        return r.id

    _doors(
        app,
        run,
        clean,
        Door("/reorderruleview", "/api/v1/reorder_rule/", ReorderRule),
        [
            Case("a rule", body, True),
            Case("maximum below minimum", {**body, "max_qty": "1"}, False),
            Case("a negative minimum", {**body, "min_qty": "-1"}, False),
            Case("edit", {"max_qty": "8"}, True, edit=True, prepare=rule),
            Case("edit below the minimum", {"max_qty": "0.5"}, False, edit=True, prepare=rule),
        ],
        CLERK,
    )


def test_supplier_price_rules_hold_at_both_doors(app, run, clean):
    body = {"supplier": SUPPLIER, "part": PART, "min_qty": "10", "price": "9.00"}
    _doors(
        app,
        run,
        clean,
        Door("/supplierpriceview", "/api/v1/supplier_price/", SupplierPrice),
        [
            Case("a price break", {**body, "lead_time_days": 3}, True),
            Case("a partner that is not a supplier", {**body, "supplier": DEALER}, False),
            Case("no quantity break", {**body, "min_qty": "0"}, False),
            Case("a negative price", {**body, "price": "-0.01"}, False),
            Case("a negative lead time", {**body, "lead_time_days": -1}, False),
        ],
        CLERK,
    )


# ------------------------------------------------------------------ purchase orders


def _order(state: str, lines: bool = True):
    def prepare(session) -> int:
        po = PurchaseOrder(supplier_id=SUPPLIER, warehouse_id=MAIN, order_date=date(2026, 3, 2))
        purchasing.create_order(session, po)
        if lines:
            po.lines.append(PurchaseOrderLine(part_id=PART, quantity=D(4), unit_price=D("3.00")))
        session.flush()
        if state in ("sent", "received"):
            purchasing.transition_order(session, po, "send")
        if state == "received":
            purchasing.transition_order(session, po, "receive")
        if state == "cancelled":
            purchasing.transition_order(session, po, "cancel")
        return po.id

    return prepare


def test_purchase_order_rules_hold_at_both_doors(app, run, clean):
    body = {
        "supplier": SUPPLIER,
        "warehouse": MAIN,
        "order_date": "2026-03-02",
        "expected_date": "2026-03-20",
        "notes": "urgent",
    }
    _doors(
        app,
        run,
        clean,
        Door("/purchaseorderview", "/api/v1/purchase_order/", PurchaseOrder),
        [
            Case("an order", body, True),
            Case("a partner that is not a supplier", {**body, "supplier": DEALER}, False),
            Case("expected before ordered", {**body, "expected_date": "2026-03-01"}, False),
            Case("edit a draft", {"notes": "call first"}, True, edit=True, prepare=_order("draft")),
            Case(
                "edit a sent order's date",
                {"expected_date": "2026-04-01"},
                True,
                edit=True,
                prepare=_order("sent"),
            ),  # fmt: skip
            Case(
                "edit a cancelled order",
                {"notes": "late"},
                False,
                edit=True,
                prepare=_order("cancelled"),
            ),  # fmt: skip
            Case(
                "edit a received order",
                {"notes": "late"},
                False,
                edit=True,
                prepare=_order("received"),
            ),  # fmt: skip
            Case("send", {}, True, action="send", prepare=_order("draft")),
            Case("send without lines", {}, False, action="send", prepare=_order("draft", False)),
            Case(
                "cancel a received order", {}, False, action="cancel", prepare=_order("received")
            ),  # fmt: skip
            Case("delete a draft", {}, True, delete=True, prepare=_order("draft")),
            Case("delete a sent order", {}, False, delete=True, prepare=_order("sent")),
        ],
        CLERK,
    )


# ------------------------------------------------------------------ sales and returns


def _sale(state: str, qty: str = "3", customer: int = DEALER):
    def prepare(session) -> int:
        if state != "quotation":
            _stock(session)
        sale = PartsSale(customer_id=customer, warehouse_id=MAIN, sale_date=date.today())
        sales.create_sale(session, sale)
        session.flush()
        if qty:
            line = PartsSaleLine(sale=sale, part_id=PART, quantity=D(qty), unit_price=D("20.00"))
            session.add(line)
            sales.check_sale_line(line)
            session.flush()
        for action in {"confirmed": ["confirm"], "delivered": ["confirm", "deliver"],
                       "invoiced": ["confirm", "deliver", "invoice"]}.get(state, []):  # fmt: skip
            sales.transition_sale(session, sale, action)
        return sale.id

    return prepare


def test_parts_sale_rules_hold_at_both_doors(app, run, clean):
    body = {
        "customer": DEALER,
        "warehouse": MAIN,
        "sale_date": "2026-03-02",
        "discount_pct": "10",
        "notes": "counter",
    }
    _doors(
        app,
        run,
        clean,
        Door("/partssaleview", "/api/v1/parts_sale/", PartsSale),
        [
            Case("a dealer's sale with a discount", body, True),
            Case("a discount for a customer", {**body, "customer": CUSTOMER}, False),
            Case("a discount above 100 %", {**body, "discount_pct": "150"}, False),
            Case("edit the notes", {"notes": "paid"}, True, edit=True, prepare=_sale("quotation")),
            Case("confirm", {}, True, action="confirm", prepare=_sale("quotation")),
            Case(
                "confirm without lines",
                {},
                False,
                action="confirm",
                prepare=_sale("quotation", qty=""),
            ),  # fmt: skip
            Case("deliver", {}, True, action="deliver", prepare=_sale("confirmed")),
            Case(
                "cancel a delivered sale", {}, False, action="cancel", prepare=_sale("delivered")
            ),  # fmt: skip
            Case("delete", {}, False, delete=True, prepare=_sale("quotation")),
        ],
        MANAGER,
    )


def _returned(qty: str):
    """A delivered sale of 3 (id 1) with `qty` already returned."""

    def prepare(session) -> None:
        sale_id = _sale("delivered")(session)
        ret = PartsReturn(
            sale_id=sale_id,
            customer_id=DEALER,
            part_id=PART,
            warehouse_id=MAIN,
            quantity=D(qty),
            reason="First",
            condition="good",
        )
        sales.register_return(session, ret)

    return prepare


def test_parts_return_rules_hold_at_both_doors(app, run, clean):
    body = {
        "sale": 1,
        "customer": DEALER,
        "part": PART,
        "warehouse": MAIN,
        "quantity": "2",
        "reason": "Not needed",
        "condition": "good",
    }

    def delivered(session) -> None:
        _sale("delivered")(session)

    def confirmed(session) -> None:
        _sale("confirmed")(session)

    def a_return(session) -> int:
        _returned("1")(session)
        return 1

    _doors(
        app,
        run,
        clean,
        Door("/partsreturnview", "/api/v1/parts_return/", PartsReturn),
        [
            Case("a return of part of a sale", body, True, prepare=delivered),
            Case(
                "a refund stated within the limit",
                {**body, "refund_amount": "30.00"},
                True,
                prepare=delivered,
            ),  # fmt: skip
            Case(
                "a refund above the price",
                {**body, "refund_amount": "40.01"},
                False,
                prepare=delivered,
            ),  # fmt: skip
            Case("more than was sold", {**body, "quantity": "4"}, False, prepare=delivered),
            Case("more than is left to return", body, False, prepare=_returned("2")),
            Case("the rest of the sale", {**body, "quantity": "1"}, True, prepare=_returned("2")),
            Case("a sale not delivered", body, False, prepare=confirmed),
            Case(
                "damaged, into the main store",
                {**body, "condition": "damaged"},
                False,
                prepare=delivered,
            ),  # fmt: skip
            Case(
                "damaged, into quarantine",
                {**body, "condition": "damaged", "warehouse": QUAR},
                True,
                prepare=delivered,
            ),  # fmt: skip
            Case("no reason", {**body, "reason": " "}, False, prepare=delivered),
            Case("delete a return", {}, False, delete=True, prepare=a_return),
        ],
        CLERK,
    )


# ------------------------------------------------------------------ lines


def _line_ids(run, model, parent: str, parent_id: int) -> list[int]:
    from sqlalchemy import select

    column = getattr(model, f"{parent}_id")
    return run(lambda s: list(s.scalars(select(model.id).where(column == parent_id))))


def test_order_lines_change_only_on_a_draft_at_both_doors(app, run, clean, api, ui):
    """The screen's line pages and the API's `lines` of a PUT: the same refusals."""
    run(_world)
    clerk_api, clerk_ui = api(CLERK), ui(CLERK)
    new_line = {"order": None, "part": PART2, "quantity": "2", "unit_price": "1.50"}
    for state, ok in (("draft", True), ("sent", False), ("received", False)):
        po = run(_order(state))
        (line,) = _line_ids(run, PurchaseOrderLine, "order", po)
        # add a line: on its screen, then through the API (a PUT's `lines` is the
        # order's complete new set: the line kept and one more)
        clerk_ui.post("/purchaseorderlineview/add", data={**new_line, "order": str(po)})
        assert len(_line_ids(run, PurchaseOrderLine, "order", po)) == (2 if ok else 1), state
        r = clerk_api.put(
            f"/api/v1/purchase_order/{po}",
            json={"lines": [{"id": line}, {"part": PART2, "quantity": "2", "unit_price": "1.50"}]},
        )
        assert (r.status_code == 200) is ok, (state, r.status_code, r.json)
        assert len(_line_ids(run, PurchaseOrderLine, "order", po)) == (2 if ok else 1), state
        # change one
        edit = {"part": PART, "quantity": "9", "unit_price": "3.00"}
        clerk_ui.post(f"/purchaseorderlineview/edit/{line}", data=edit)
        screen_qty = run(lambda s, line=line: s.get(PurchaseOrderLine, line).quantity)
        r = clerk_api.put(
            f"/api/v1/purchase_order/{po}", json={"lines": [{"id": line, "quantity": 7}]}
        )
        api_qty = run(lambda s, line=line: s.get(PurchaseOrderLine, line).quantity)
        assert (screen_qty, api_qty) == ((D(9), D(7)) if ok else (D(4), D(4))), state
        # remove it
        clerk_ui.post(f"/purchaseorderlineview/delete/{line}")
        assert (run(lambda s, line=line: s.get(PurchaseOrderLine, line)) is None) is ok, state
    clean()


def test_sale_lines_change_only_on_a_quotation(app, run, clean, ui):
    """A sale's lines are given with it through the API (POST `lines`); after that only
    its screen changes them, and only on a quotation."""
    run(_world)
    manager = ui(MANAGER)
    for state, ok in (("quotation", True), ("confirmed", False), ("delivered", False)):
        sale = run(_sale(state))
        (line,) = _line_ids(run, PartsSaleLine, "sale", sale)
        add = {"sale": str(sale), "part": str(PART2), "quantity": "1"}
        manager.post("/partssalelineview/add", data=add)
        lines = _line_ids(run, PartsSaleLine, "sale", sale)
        assert len(lines) == (2 if ok else 1), state
        if ok:  # no price given: the part's sale price, the sale's discount
            added = run(
                lambda s, lines=lines: (
                    s.get(PartsSaleLine, max(lines)).unit_price,
                    s.get(PartsSaleLine, max(lines)).discount_pct,
                )
            )
            assert added == (D("9.00"), D("0.00"))
        manager.post(f"/partssalelineview/delete/{line}")
        assert (run(lambda s, line=line: s.get(PartsSaleLine, line)) is None) is ok, state
    clean()
