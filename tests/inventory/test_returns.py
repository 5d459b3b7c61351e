"""Customer returns: never more than was sold less what came back already, and each
carries its refund (the sale line's net price by default, less when stated), which
revenue, the dashboard's money and the accountant's export take off the sale."""

from __future__ import annotations

from datetime import date, timedelta

from modules.inventory import services
from modules.inventory.insights import parts_sold_money, parts_sold_section
from modules.inventory.models import PartsSale, PartsSaleLine
from modules.inventory.services import sales
from tests.inventory.helpers import D, level, make_world


def _sale(w, lines=(("3", "20.00"),), discount="10"):
    """A dealer's delivered sale of part P-1 (10 % discount): its id."""

    def make(s):
        services.post_move(
            s,
            part_id=w["part"],
            quantity_="20",
            reason="receipt",
            to_warehouse_id=w["main"],
            unit_cost="10",
        )
        sale = PartsSale(
            customer_id=w["dealer"],
            warehouse_id=w["main"],
            sale_date=date.today(),
            discount_pct=D(discount),
        )
        sales.create_sale(s, sale)
        s.flush()
        for qty, price in lines:
            line = PartsSaleLine(sale=sale, part_id=w["part"], quantity=D(qty), unit_price=D(price))
            s.add(line)
            sales.check_sale_line(line)
        s.flush()
        for action in ("confirm", "deliver"):
            sales.transition_sale(s, sale, action)
        return sale.id

    return make


def _return(clerk, w, sale, qty, **extra):
    body = {
        "sale": sale,
        "customer": w["dealer"],
        "part": w["part"],
        "warehouse": w["main"],
        "quantity": qty,
        "reason": "Not needed",
        "condition": "good",
        **extra,
    }
    return clerk.post("/api/v1/parts_return/", json=body)


def test_returns_never_exceed_what_was_sold_less_what_came_back(api, run):
    w = run(make_world)
    sale = run(_sale(w))
    clerk = api("Warehouse Clerk")
    assert _return(clerk, w, sale, "2").status_code == 201
    r = _return(clerk, w, sale, "2")
    assert r.status_code == 409, r.json
    assert "1" in r.json["message"]["quantity"][0]  # says how much is left
    assert _return(clerk, w, sale, "1").status_code == 201
    assert _return(clerk, w, sale, "0.001").status_code == 409
    # stock is back at its level before the sale, not above
    assert run(lambda s: level(s, w["part"], w["main"])) == (D(20), D(0))


def test_a_return_refunds_the_net_price_of_the_sale_line(api, run):
    w = run(make_world)
    sale = run(_sale(w))  # 3 x 20.00 less 10 %: 54.00, 18.00 each
    clerk = api("Warehouse Clerk")
    r = _return(clerk, w, sale, "2")
    assert r.status_code == 201, r.json
    got = clerk.get(f"/api/v1/parts_return/{r.json['id']}").json["result"]
    assert got["refund_amount"] == "36.00"
    r = _return(clerk, w, sale, "1", refund_amount="18.01")
    assert r.status_code == 422 and "refund_amount" in r.json["message"]
    r = _return(clerk, w, sale, "1", refund_amount="10.00")  # a partial refund (worn part)
    assert r.status_code == 201
    assert clerk.get(f"/api/v1/parts_return/{r.json['id']}").json["result"]["refund_amount"] == (
        "10.00"
    )


def test_the_last_return_refunds_what_is_left_of_the_line(api, run):
    w = run(make_world)
    sale = run(_sale(w, lines=(("3", "9.99"),), discount="7"))  # 27.8721 -> 27.87
    clerk = api("Warehouse Clerk")
    refunds = []
    for _ in range(3):
        r = _return(clerk, w, sale, "1")
        assert r.status_code == 201, r.json
        got = clerk.get(f"/api/v1/parts_return/{r.json['id']}").json["result"]
        refunds.append(D(got["refund_amount"]))
    assert sum(refunds) == D("27.87")


def test_revenue_and_the_report_are_net_of_refunds(api, run):
    w = run(make_world)
    sale = run(_sale(w))
    assert _return(api("Warehouse Clerk"), w, sale, "2").status_code == 201
    today = date.today()
    week = (today - timedelta(days=7), today)
    lines = run(lambda s: list(parts_sold_money(s, *week)))
    assert sum(ln.amount for ln in lines) == D("18.00")
    section = run(lambda s: parts_sold_section(s, *week))
    assert section.rows == [["P-1", "Pump", "1", D("18.00")]]
    r = api("Service Manager").get(
        f"/api/v1/cost_revenue/?date_from={week[0].isoformat()}&date_to={today.isoformat()}"
    )
    assert r.status_code == 200, r.json
    assert r.json["totals"]["amounts"]["inventory.parts_sold"] == 18.0


def test_the_accountant_exports_returns_with_their_refunds(api, run):
    w = run(make_world)
    sale = run(_sale(w))
    assert _return(api("Warehouse Clerk"), w, sale, "2").status_code == 201
    r = api("Accountant").get("/api/v1/csv/export/parts_returns")
    assert r.status_code == 200
    header, row = r.get_data(as_text=True).splitlines()
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert cells["sale"].startswith("PS-") and cells["customer"] == "Dealer"
    assert (cells["sku"], cells["quantity"], cells["refund"]) == ("P-1", "2.000", "36.00")
