"""PDF documents (English and Russian, Cyrillic and Portuguese text extracted back),
accounting exports and the all-or-nothing import of sold units."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.pdf import DEFAULT_FONT
from modules.inventory.models import Part
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder, Shipment, Unit
from modules.warranty.services import (
    add_labour_line,
    add_part_line,
    open_repair,
    override_billing,
    record_inspection,
    transition,
)
from modules.warranty.services.logistics import create_shipment
from tests.warranty.helpers import make_world, user_id

RECENT = date.today() - timedelta(days=100)

pypdf = pytest.importorskip("pypdf")
needs_font = pytest.mark.skipif(
    not Path(DEFAULT_FONT).exists(), reason=f"{DEFAULT_FONT} missing: PDF tests skipped"
)


def _finished_repair(s, w, *, billing=None, supplier_fault=False) -> int:
    tech = user_id(s, "Technician")
    r = open_repair(
        s,
        w["unit"],
        "Não liga; не сливает воду",
        technician_id=tech,
        warehouse_id=w["wh"],
        accessories="шланг",
        receive=True,
    )
    if billing:
        override_billing(s, r, billing, "test")
    transition(s, r, "diagnose")
    if r.billing_type == "paid":
        add_labour_line(s, r, "Диагностика", "1", "50")
    add_part_line(s, r, w["part"], "1", supplier_fault=supplier_fault)
    add_labour_line(s, r, "Замена насоса", "2", "30")
    if r.billing_type == "paid":  # the customer approves the whole repair
        transition(s, r, "send_quote")
        transition(s, r, "approve")
    transition(s, r, "start_repair")
    record_inspection(s, r, passed=True, inspector_id=user_id(s, "Service Manager"))
    transition(s, r, "mark_ready")
    transition(s, r, "return_unit")
    return r.id


def _text(data: bytes) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


@needs_font
def test_pdfs_in_english_and_russian(run, api):
    w = run(lambda s: make_world(s, sale=RECENT))
    run(lambda s: setattr(s.get(Partner, w["customer"]), "name", "Ольга Петрова"))
    rid = run(lambda s: _finished_repair(s, w))
    mgr = api("Service Manager")
    en = mgr.get(f"/api/v1/repair_order/{rid}/completion_act")
    assert en.status_code == 200 and en.mimetype == "application/pdf"
    text = _text(en.data)
    number = run(lambda s: s.get(RepairOrder, rid).number)
    for expected in (
        number,
        "Ольга Петрова",
        "Não liga",
        "не сливает воду",
        "PMP-1",
        "Замена насоса",
        "Work completion act",
        "Warranty extension",
    ):
        assert expected in text, expected
    ru = _text(mgr.get(f"/api/v1/repair_order/{rid}/completion_act?_l_=ru").data)
    assert "Ольга Петрова" in ru and "г." in ru  # dates in the Russian format
    acc = _text(mgr.get(f"/api/v1/repair_order/{rid}/acceptance_act?_l_=pt_BR").data)
    assert "шланг" in acc and "Não liga" in acc and "SN-0001" in acc
    cert = _text(mgr.get(f"/api/v1/unit/{w['unit']}/certificate").data)
    assert "Warranty certificate" in cert and "SN-0001" in cert and "Washers 12m" in cert
    assert api("HR").get(f"/api/v1/unit/{w['unit']}/certificate").status_code == 403


def _csv(api_client, name, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    r = api_client.get(f"/api/v1/csv/export/{name}?{query}")
    assert r.status_code == 200, r.data[:300]
    return list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig"))))


def test_accounting_exports(run, api):
    w = run(lambda s: make_world(s, sale=RECENT))
    warranty_id = run(lambda s: _finished_repair(s, w, supplier_fault=True))
    paid_id = run(lambda s: _finished_repair(s, w, billing="paid"))

    def ship(s):
        create_shipment(
            s,
            Shipment(
                direction="to_workshop",
                repair_id=warranty_id,
                repair=s.get(RepairOrder, warranty_id),
                carrier="DPD",
                cost=12,
                paid_by="company",
                shipped_on=date.today(),
            ),
        )

    run(ship)
    acc = api("Accountant")
    paid = _csv(acc, "paid_repairs")
    assert [r["number"] for r in paid] == [run(lambda s: s.get(RepairOrder, paid_id).number)]
    # parts at sale price 75 + labour 50 (diagnosis) + 60
    assert (paid[0]["parts"], paid[0]["labour"], paid[0]["total"]) == ("75.00", "110.00", "185.00")
    cost = _csv(acc, "warranty_repairs")
    assert len(cost) == 1 and cost[0]["billing"] == "warranty"
    assert (cost[0]["parts_cost"], cost[0]["labour"], cost[0]["total_cost"]) == (
        "40.00",
        "60.00",
        "100.00",
    )
    rec = _csv(acc, "supplier_recoverable")
    assert [(r["sku"], r["supplier"], r["value"]) for r in rec] == [("PMP-1", "Pumps Ltd", "40.00")]
    ships = _csv(acc, "shipment_costs", date_from=date.today().isoformat())
    assert [(s["carrier"], s["cost"]) for s in ships] == [("DPD", "12.00")]
    assert _csv(acc, "paid_repairs", date_to=(date.today() - timedelta(days=1)).isoformat()) == []
    assert api("Technician").get("/api/v1/csv/export/paid_repairs").status_code == 403


def _import(client, body: str, dry_run: bool = False):
    data = {"file": (io.BytesIO(body.encode()), "units.csv")}
    if dry_run:
        data["dry_run"] = "1"
    return client.post("/api/v1/csv/import/units", data=data, content_type="multipart/form-data")


def test_import_of_sold_units_is_all_or_nothing(run, api):
    w = run(lambda s: make_world(s))

    def refs(s):
        s.get(Partner, w["customer"]).ref = "C-1"
        s.get(Partner, w["dealer"]).ref = "D-1"

    run(refs)
    mgr = api("Service Manager")
    header = "serial_number,model_code,customer_ref,dealer_ref,sale_date,price,sales_ref\n"
    bad = header + "SN-10,WM-7,C-1,D-1,2025-05-01,300,S-10\nSN-11,NOPE,C-1,,2025-05-02,,S-11\n"
    r = _import(mgr, bad)
    assert r.status_code == 422
    assert [(e["line"], e["field"]) for e in r.json["errors"]] == [(3, "model_code")]
    assert run(lambda s: s.scalar(select(func.count(Unit.id)))) == 1
    good = header + "SN-10,WM-7,C-1,D-1,2025-05-01,300,S-10\nSN-0001,WM-7,C-1,,2025-03-10,,\n"
    r = _import(mgr, good)
    assert r.status_code == 200 and (r.json["created"], r.json["updated"]) == (1, 1)
    unit = run(
        lambda s: s.execute(
            select(Unit.sales_ref, Unit.price).where(Unit.serial_number == "SN-10")
        ).one()
    )
    assert unit.sales_ref == "S-10" and str(unit.price) == "300.00"
    assert _import(api("Accountant"), good).status_code == 403
    assert run(lambda s: s.get(Part, w["part"]).sku) == "PMP-1"
