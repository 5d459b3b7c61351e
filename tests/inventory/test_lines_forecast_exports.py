"""Purchase order lines change only while the order is a draft (API and UI); the
forecast's reorder point uses the supplier's lead time; export periods are whole UTC
days on the move timestamp; big lists count without their joins."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from modules.inventory import services
from modules.inventory.models import (
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    StockMove,
    SupplierPrice,
)
from modules.inventory.services import purchasing
from modules.inventory.services.forecast import part_forecast, safety_stock
from tests.inventory.helpers import D, make_world


def _order(s, w, state="draft"):
    po = PurchaseOrder(supplier_id=w["supplier"], warehouse_id=w["main"])
    purchasing.create_order(s, po)
    po.lines.append(PurchaseOrderLine(part_id=w["part"], quantity=D(5), unit_price=D("4.00")))
    po.lines.append(PurchaseOrderLine(part_id=w["part2"], quantity=D(2), unit_price=D("1.50")))
    s.flush()
    if state == "sent":
        purchasing.transition_order(s, po, "send")
    return po.id, [ln.id for ln in po.lines]


def _lines(run, po_id):
    return run(
        lambda s: [
            (ln.part_id, ln.quantity, ln.unit_price)
            for ln in s.scalars(
                select(PurchaseOrderLine)
                .where(PurchaseOrderLine.order_id == po_id)
                .order_by(PurchaseOrderLine.id)
            )
        ]
    )


# ------------------------------------------------------------ order lines, API


def test_put_replaces_the_lines_of_a_draft_order(api, run):
    w = run(make_world)
    run(
        lambda s: s.add(
            SupplierPrice(supplier_id=w["supplier"], part_id=w["part2"], min_qty=D(10), price=D(1))
        )
    )
    po_id, (first, second) = run(lambda s: _order(s, w))
    clerk = api("Warehouse Clerk")
    r = clerk.put(
        f"/api/v1/purchase_order/{po_id}",
        json={
            "notes": "call before delivery",
            "lines": [
                {"id": first, "quantity": "7", "unit_price": "3.90"},  # changed
                {"part": w["part2"], "quantity": 10},  # added: priced from the price list
            ],  # `second` left out: removed
        },
    )
    assert r.status_code == 200, r.json
    assert _lines(run, po_id) == [
        (w["part"], D(7), D("3.90")),
        (w["part2"], D(10), D("1.00")),
    ]
    got = clerk.get(f"/api/v1/purchase_order/{po_id}").json["result"]
    assert got["notes"] == "call before delivery"
    assert got["total"] == "37.30"
    assert second not in [ln["id"] for ln in got["lines"]]
    # a PUT without `lines` leaves them alone
    r = clerk.put(f"/api/v1/purchase_order/{po_id}", json={"notes": "n"})
    assert r.status_code == 200 and len(_lines(run, po_id)) == 2


def test_lines_of_a_sent_order_cannot_change_and_nothing_is_written(api, run):
    w = run(make_world)
    po_id, (first, second) = run(lambda s: _order(s, w, "sent"))
    before = _lines(run, po_id)
    clerk = api("Warehouse Clerk")
    for lines in (
        [{"id": first, "quantity": 9}, {"id": second}],  # edit
        [{"id": first}, {"id": second}, {"part": w["part"], "quantity": 1}],  # add
        [{"id": first}],  # delete
    ):
        r = clerk.put(f"/api/v1/purchase_order/{po_id}", json={"notes": "x", "lines": lines})
        assert r.status_code == 409, r.json
        assert "draft" in r.json["message"]["lines"][0]
    assert _lines(run, po_id) == before
    assert run(lambda s: s.get(PurchaseOrder, po_id).notes) is None


def test_bad_line_changes_are_refused_with_nothing_written(api, run):
    w = run(make_world)
    po_id, (first, _second) = run(lambda s: _order(s, w))
    other_id, (foreign, _) = run(lambda s: _order(s, w))
    before = _lines(run, po_id)
    clerk = api("Warehouse Clerk")
    for lines in (
        [{"id": foreign, "quantity": 1}],  # a line of another order
        [{"id": first}, {"id": first}],  # the same line twice
        [{"part": w["part"]}],  # a new line without quantity
        [{"quantity": 1}],  # a new line without part
        [{"part": 99999, "quantity": 1}],
        [{"id": first, "quantity": 0}],
        [{"id": first, "unit_price": "-1"}],
        [{"id": first, "colour": "red"}],
        "x",
        [1],
    ):
        r = clerk.put(f"/api/v1/purchase_order/{po_id}", json={"notes": "x", "lines": lines})
        assert 400 <= r.status_code < 500, (lines, r.status_code, r.data)
        assert r.json["message"], lines
    assert _lines(run, po_id) == before
    assert run(lambda s: s.get(PurchaseOrder, po_id).notes) is None
    assert len(_lines(run, other_id)) == 2
    tech = api("Technician")
    r = tech.put(f"/api/v1/purchase_order/{po_id}", json={"lines": []})
    assert r.status_code == 403
    assert _lines(run, po_id) == before


# ------------------------------------------------------------- order lines, UI


def test_ui_edits_lines_of_a_draft_order_only(run, ui):
    w = run(make_world)
    draft_id, (draft_line, _) = run(lambda s: _order(s, w))
    sent_id, (sent_line, sent_line2) = run(lambda s: _order(s, w, "sent"))
    clerk = ui("Warehouse Clerk")
    page = clerk.get(f"/purchaseorderlineview/edit/{draft_line}")
    assert page.status_code == 200 and b'name="quantity"' in page.data
    r = clerk.post(
        f"/purchaseorderlineview/edit/{draft_line}",
        data={"part": w["part"], "quantity": "8", "unit_price": "4.20"},
    )
    assert r.status_code == 302
    assert _lines(run, draft_id)[0] == (w["part"], D(8), D("4.20"))

    before = _lines(run, sent_id)
    r = clerk.post(
        f"/purchaseorderlineview/edit/{sent_line}",
        data={"part": w["part"], "quantity": "9", "unit_price": "1"},
        follow_redirects=True,
    )
    assert b"only while the order is a draft" in r.data
    r = clerk.post(
        "/purchaseorderlineview/add",
        data={"order": sent_id, "part": w["part2"], "quantity": "1", "unit_price": "1"},
        follow_redirects=True,
    )
    assert b"only while the order is a draft" in r.data
    r = clerk.post(f"/purchaseorderlineview/delete/{sent_line2}", follow_redirects=True)
    assert b"only while the order is a draft" in r.data
    assert _lines(run, sent_id) == before
    # a line cannot be moved to another order through its edit form
    clerk.post(
        f"/purchaseorderlineview/edit/{draft_line}",
        data={"order": sent_id, "part": w["part"], "quantity": "8", "unit_price": "4.20"},
    )
    assert run(lambda s: s.get(PurchaseOrderLine, draft_line).order_id) == draft_id
    assert _lines(run, sent_id) == before


# ---------------------------------------------------------------- forecast


def _history(s, w):
    services.post_move(
        s, part_id=w["part"], quantity_="100", reason="receipt", to_warehouse_id=w["main"]
    )
    for month, qty in ((2, "4"), (3, "1"), (5, "6"), (6, "2"), (8, "5"), (9, "3")):
        services.post_move(
            s,
            part_id=w["part"],
            quantity_=qty,
            reason="consumption",
            from_warehouse_id=w["main"],
            at=datetime(2026, month, 15, 12, tzinfo=UTC),
        )


def test_reorder_point_uses_the_preferred_suppliers_lead_time(run):
    w = run(make_world)  # part: lead time 14 days, preferred supplier "supplier"
    run(lambda s: _history(s, w))
    today = datetime(2026, 11, 1).date()

    def fc(s):
        return part_forecast(s, s.get(Part, w["part"]), D("0.95"), months=12, today=today)

    own = run(fc)
    assert (own["lead_time_days"], own["lead_time_source"]) == (14, "part")
    series = [h["quantity"] for h in own["history"]]
    assert (own["safety_stock"], own["reorder_point"]) == safety_stock(series, D("0.95"), 14)

    # another supplier's lead time does not count, nor a price without one
    run(
        lambda s: s.add_all(
            [
                SupplierPrice(
                    supplier_id=w["supplier2"], part_id=w["part"], price=D(9), lead_time_days=90
                ),
                SupplierPrice(supplier_id=w["supplier"], part_id=w["part"], price=D(10)),
            ]
        )
    )
    assert run(fc)["lead_time_days"] == 14

    # the preferred supplier quotes 45 days for larger quantities: the longest counts
    run(
        lambda s: s.add_all(
            [
                SupplierPrice(
                    supplier_id=w["supplier"],
                    part_id=w["part"],
                    min_qty=D(10),
                    price=D(9),
                    lead_time_days=30,
                ),
                SupplierPrice(
                    supplier_id=w["supplier"],
                    part_id=w["part"],
                    min_qty=D(50),
                    price=D(8),
                    lead_time_days=45,
                ),
            ]
        )
    )
    got = run(fc)
    assert (got["lead_time_days"], got["lead_time_source"]) == (45, "supplier_price")
    assert (got["safety_stock"], got["reorder_point"]) == safety_stock(series, D("0.95"), 45)
    assert got["reorder_point"] > own["reorder_point"]
    assert got["safety_stock"] > own["safety_stock"]


def test_part_page_and_api_show_the_lead_time_used(api, run, ui):
    w = run(make_world)
    run(lambda s: _history(s, w))
    run(
        lambda s: s.add(
            SupplierPrice(
                supplier_id=w["supplier"], part_id=w["part"], price=D(9), lead_time_days=21
            )
        )
    )
    r = api("Technician").get(f"/api/v1/part/{w['part']}/forecast")
    assert r.status_code == 200
    assert r.json["result"]["lead_time_days"] == 21
    assert r.json["result"]["lead_time_source"] == "supplier_price"
    page = ui("Technician").get(f"/partview/show/{w['part']}").data.decode()
    assert "21 days" in page and "price list" in page


# ----------------------------------------------------------------- exports


def test_move_exports_take_whole_utc_days_on_the_timestamp(api, run):
    w = run(make_world)

    def moves(s):
        for stamp in ("2026-03-01T00:00:00", "2026-03-31T23:59:59.5", "2026-04-01T00:00:00"):
            services.post_move(
                s,
                part_id=w["part"],
                quantity_="1",
                reason="receipt",
                to_warehouse_id=w["main"],
                unit_cost="2.50",
                at=datetime.fromisoformat(stamp).replace(tzinfo=UTC),
            )

    run(moves)
    acc = api("Accountant")
    r = acc.get("/api/v1/csv/export/stock_moves?date_from=2026-03-01&date_to=2026-03-31")
    rows = [ln.split(",") for ln in r.data.decode().splitlines()[1:]]
    assert [x[1] for x in rows] == [
        "2026-03-01T00:00:00.000000+00:00",
        "2026-03-31T23:59:59.500000+00:00",
    ]
    assert rows[0][6:9] == ["1.000", "2.50", "2.50"]
    r = acc.get("/api/v1/csv/export/stock_moves?date_from=2026-04-01&decimal=,&delimiter=;")
    rows = [ln.split(";") for ln in r.data.decode().splitlines()[1:]]
    assert [x[1][:10] for x in rows] == ["2026-04-01"]
    assert rows[0][6:9] == ["1,000", "2,50", "2,50"]


# ------------------------------------------------------------- list counts


def test_stock_move_list_counts_stay_right_without_the_joins(api, run):
    w = run(make_world)

    def moves(s):
        for wh in ("main", "main", "van"):
            services.post_move(
                s, part_id=w["part"], quantity_="1", reason="receipt", to_warehouse_id=w[wh]
            )
        services.post_move(
            s, part_id=w["part2"], quantity_="1", reason="receipt", to_warehouse_id=w["main"]
        )

    run(moves)
    clerk = api("Warehouse Clerk")
    r = clerk.get("/api/v1/stock_move/?q=(page_size:2)")
    assert r.json["count"] == 4 and len(r.json["result"]) == 2
    assert r.json["result"][0]["part"]["sku"] in ("P-1", "P-2")
    r = clerk.get(f"/api/v1/stock_move/?q=(filters:!((col:part,opr:rel_o_m,value:{w['part']})))")
    assert r.json["count"] == 3
    r = clerk.get(
        "/api/v1/stock_move/?q=(filters:!((col:to_warehouse,opr:rel_o_m,"
        f"value:{w['van']}),(col:part,opr:rel_o_m,value:{w['part']})))"
    )
    assert r.json["count"] == 1
    r = clerk.get(f"/api/v1/stock_level/?q=(filters:!((col:part,opr:rel_o_m,value:{w['part']})))")
    assert r.json["count"] == 2
    assert run(lambda s: s.scalar(select(func.count()).select_from(StockMove))) == 4


def test_a_sale_line_cannot_leave_its_confirmed_sale_through_the_edit_form(run, ui):
    from modules.inventory.models import PartsSale, PartsSaleLine
    from modules.inventory.services import sales

    w = run(make_world)

    def two_sales(s):
        out = []
        for confirm in (True, False):
            sale = PartsSale(customer_id=w["dealer"], warehouse_id=w["main"])
            sales.create_sale(s, sale)
            sale.lines.append(PartsSaleLine(part_id=w["part"], quantity=D(1), unit_price=D(20)))
            s.flush()
            if confirm:
                sales.transition_sale(s, sale, "confirm")
            out.append((sale.id, sale.lines[0].id))
        return out

    (confirmed, line), (quotation, _) = run(two_sales)
    r = ui("Service Manager").post(
        f"/partssalelineview/edit/{line}",
        data={
            "sale": quotation,
            "part": w["part"],
            "quantity": "1",
            "unit_price": "20",
            "discount_pct": "0",
        },
        follow_redirects=True,
    )
    assert b"Only a quotation can be changed." in r.data
    assert run(lambda s: s.get(PartsSaleLine, line).sale_id) == confirmed
