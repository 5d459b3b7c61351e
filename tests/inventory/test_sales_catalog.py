"""Parts sales and returns, fitment with successors, catalog import, forecast, exports."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.charts import PALETTE
from modules.inventory import services
from modules.inventory.models import Part, PartFitment
from modules.inventory.services.forecast import croston, forecast, safety_stock, ses
from tests.inventory.helpers import D, level, make_world


def _stock(s, w, qty="10", wh="main", part="part", cost="10"):
    services.post_move(
        s, part_id=w[part], quantity_=qty, reason="receipt", to_warehouse_id=w[wh], unit_cost=cost
    )


def test_parts_sale_flow_with_dealer_discount_and_return(api, run):
    w = run(make_world)
    run(lambda s: _stock(s, w, "5"))
    mgr = api("Service Manager")
    r = mgr.post(
        "/api/v1/parts_sale/",
        json={
            "customer": w["dealer"],
            "warehouse": w["main"],
            "discount_pct": "10",
            "lines": [{"part": w["part"], "quantity": 3, "unit_price": "20.00"}],
        },
    )
    assert r.status_code == 201, r.json
    sale = r.json["id"]
    got = mgr.get(f"/api/v1/parts_sale/{sale}").json["result"]
    assert got["total"] == "54.00"
    assert mgr.post(f"/api/v1/parts_sale/{sale}/deliver").status_code == 409
    assert mgr.post(f"/api/v1/parts_sale/{sale}/confirm").status_code == 200
    assert mgr.post(f"/api/v1/parts_sale/{sale}/deliver").status_code == 200
    assert run(lambda s: level(s, w["part"], w["main"])) == (D(2), D(0))
    assert mgr.post(f"/api/v1/parts_sale/{sale}/cancel").status_code == 409
    assert mgr.post(f"/api/v1/parts_sale/{sale}/invoice").json["state"] == "invoiced"
    clerk = api("Warehouse Clerk")
    r = clerk.post(
        "/api/v1/parts_return/",
        json={
            "sale": sale,
            "customer": w["dealer"],
            "part": w["part"],
            "warehouse": w["main"],
            "quantity": "1",
            "reason": "Broken",
            "condition": "damaged",
        },
    )
    assert r.status_code == 422
    r = clerk.post(
        "/api/v1/parts_return/",
        json={
            "sale": sale,
            "customer": w["dealer"],
            "part": w["part"],
            "warehouse": w["quar"],
            "quantity": "1",
            "reason": "Broken",
            "condition": "damaged",
        },
    )
    assert r.status_code == 201, r.json
    assert run(lambda s: level(s, w["part"], w["quar"])) == (D(1), D(0))


def test_sale_beyond_stock_is_refused_on_delivery(api, run):
    w = run(make_world)
    mgr = api("Service Manager")
    r = mgr.post(
        "/api/v1/parts_sale/",
        json={
            "customer": w["dealer"],
            "warehouse": w["main"],
            "lines": [{"part": w["part"], "quantity": 3}],
        },
    )
    sale = r.json["id"]
    mgr.post(f"/api/v1/parts_sale/{sale}/confirm")
    r = mgr.post(f"/api/v1/parts_sale/{sale}/deliver")
    assert r.status_code == 409
    assert mgr.get(f"/api/v1/parts_sale/{sale}").json["result"]["state"] == "confirmed"


def test_fitting_parts_with_successor_and_stock(api, run):
    w = run(make_world)

    def setup(s):
        p1, p2 = s.get(Part, w["part"]), s.get(Part, w["part2"])
        p1.superseded_by = p2
        s.add(PartFitment(part_id=w["part"], equipment_model_id=w["model"]))
        _stock(s, w, "4", "van", "part2")

    run(setup)
    r = api("Technician").get(f"/api/v1/equipment_model/{w['model']}/parts")
    assert r.status_code == 200
    (row,) = r.json["result"]
    assert row["sku"] == "P-1"
    assert row["superseded_by"]["sku"] == "P-2"
    assert row["successor_stock"][0]["available"] == "4.000"
    assert api("Technician").get("/api/v1/equipment_model/99999/parts").status_code == 404


def test_catalog_import_all_or_nothing(api, run):
    run(make_world)
    clerk = api("Warehouse Clerk")
    bad = "sku,name,cost,superseded_by_sku\nA-1,Alpha,1.50,\nA-2,,2,\nA-3,Gamma,x,ZZZ\n"
    r = clerk.post(
        "/api/v1/csv/import/parts",
        data={"file": (io.BytesIO(bad.encode()), "parts.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert {e["line"] for e in r.json["errors"]} == {3, 4}
    assert run(lambda s: s.scalar(select(func.count()).select_from(Part))) == 2
    good = "sku,name,cost,superseded_by_sku\nA-1,Alpha,1.50,\nA-2,Beta,2,A-1\n"
    r = clerk.post(
        "/api/v1/csv/import/parts",
        data={"file": (io.BytesIO(good.encode()), "parts.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200, r.json
    fit = "sku,model_code\nA-1,WM-1\nA-2,NOPE\n"
    r = clerk.post(
        "/api/v1/csv/import/fitment",
        data={"file": (io.BytesIO(fit.encode()), "fit.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and r.json["errors"][0]["line"] == 3
    assert run(lambda s: s.scalar(select(func.count()).select_from(PartFitment))) == 0


def test_croston_and_sba_on_a_hand_computed_series():
    series = [D(x) for x in (0, 5, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0)]
    z, p = croston(series, D("0.2"))
    # first demand 5 after 2 periods; then (2 after 3): z 4.4 p 2.2; (4 after 4): z 4.32 p 2.56
    assert (z, p) == (D("4.32"), D("2.56"))
    assert forecast(series, D("0.2"), "croston")["rate"] == D("1.688")
    sba = forecast(series, D("0.2"))
    assert sba["method"] == "sba" and sba["rate"] == D("1.519")  # 1.6875 * 0.9
    assert ses([D(2), D(4), D(3)], D("0.5")) == D(3)
    regular = forecast([D(2), D(4), D(3)], D("0.5"))
    assert regular["method"] == "ses" and regular["rate"] == D("3.000")
    ss, rop = safety_stock([D(2), D(4), D(3), D(3)], D("0.95"), 30)
    assert ss > 0 and rop > ss
    assert forecast([D(0)] * 5)["rate"] == 0


def test_part_page_shows_the_forecast_chart(api, run, ui):
    w = run(make_world)

    def history(s):
        _stock(s, w, "50")
        now = datetime.now(UTC)
        for months in (2, 5, 9):
            services.post_move(
                s,
                part_id=w["part"],
                quantity_="2",
                reason="consumption",
                from_warehouse_id=w["main"],
                at=now - timedelta(days=30 * months),
            )

    run(history)
    client = ui("Technician")
    r = client.get(f"/partview/show/{w['part']}")
    assert r.status_code == 200
    svg = re.search(r'<svg class="as-forecast".*?</svg>', r.get_data(as_text=True), re.S).group(0)
    assert "<script" not in svg
    r = api("Technician").get(f"/api/v1/part/{w['part']}/forecast")
    assert r.status_code == 200
    got = r.json["result"]
    assert sum(Decimal(h["quantity"]) for h in got["history"]) == D(6)
    # 24 months of consumption, then 6 of forecast from this month on, each in its colour
    bars = re.findall(r'fill="(#[0-9a-f]{6})"><title>([^<]*) — (\d{4}-\d\d): ([^<]*)</title>', svg)
    assert [b[2] for b in bars] == [h["month"] for h in got["history"]] + [
        f"{y:04d}-{m:02d}" for y, m in _months_from(date.today(), 6)
    ]
    assert {(b[0], b[1]) for b in bars[:24]} == {(PALETTE[0], "Consumption")}
    assert {(b[0], b[1]) for b in bars[24:]} == {(PALETTE[1], "Forecast per month")}
    moved = [(datetime.now(UTC) - timedelta(days=30 * m)).strftime("%Y-%m") for m in (2, 5, 9)]
    assert sorted(b[2] for b in bars if b[3] == "2") == sorted(moved)
    rate = Decimal(got["rate"])
    assert {Decimal(b[3]) for b in bars[24:]} == {rate} and 0 < rate < 2
    ticks = re.findall(r'text-anchor="end" fill="#555">([^<]*)<', svg)
    assert ticks[-1] == "2"  # the top value is labelled
    client.get("/lang/ru")
    page = client.get(f"/partview/show/{w['part']}").get_data(as_text=True)
    svg = re.search(r'<svg class="as-forecast".*?</svg>', page, re.S).group(0)
    assert ">Расход</text>" in svg and ">Прогноз в месяц</text>" in svg
    assert f"Прогноз в месяц — {bars[-1][2]}: {str(rate.normalize()).replace('.', ',')}<" in svg


def _months_from(day, n):
    y, m = day.year, day.month
    for _ in range(n):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def test_exports_moves_and_valuation(api, run):
    w = run(make_world)
    run(lambda s: _stock(s, w, "10", cost="10"))
    run(lambda s: _stock(s, w, "10", wh="van", cost="13"))
    run(
        lambda s: services.post_move(
            s, part_id=w["part"], quantity_="4", reason="issue", from_warehouse_id=w["main"]
        )
    )
    acc = api("Accountant")
    r = acc.get("/api/v1/csv/export/stock_moves")
    assert r.status_code == 200
    lines = r.data.decode().splitlines()
    assert lines[0].startswith("id,at,sku,from,to,reason,quantity,unit_cost,value")
    assert lines[3].split(",")[5:9] == ["issue", "4.000", "11.50", "46.00"]
    r = acc.get("/api/v1/csv/export/stock_valuation")
    rows = [ln.split(",") for ln in r.data.decode().splitlines()[1:]]
    assert [(x[1], x[3], x[4], x[5]) for x in rows] == [
        ("P-1", "MAIN", "6.000", "54.00"),
        ("P-1", "VAN1", "10.000", "130.00"),
    ]
    yesterday = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    r = acc.get(f"/api/v1/csv/export/stock_valuation?date_to={yesterday}")
    assert len(r.data.decode().splitlines()) == 1
    r = acc.get(f"/api/v1/csv/export/stock_moves?date_to={yesterday}")
    assert len(r.data.decode().splitlines()) == 1
