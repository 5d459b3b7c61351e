"""Lists people can search by what they know of a record (#15 item 4): a repair by its
unit's serial, its customer or its technician; a claim by customer, serial or officer;
stock levels by part and warehouse; units, parts sales and purchase orders by partner.

Found by users: the search offered only the record's own columns (no serial on a
repair, no customer on a claim), and FAB's filter on a relation would list every row
of the related table. The filters here take text, join the related record, keep the
reader's record rule, and refuse a hidden field with a 400."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from app.policy import Fields
from modules.claims.models import Claim
from modules.inventory.models import (
    EquipmentModel,
    Part,
    PartsSale,
    PurchaseOrder,
    Warehouse,
)
from modules.inventory.services.stock import post_move
from modules.partners.models import Partner
from modules.warranty.models import RepairOrder, Unit
from tests.warranty.helpers import user_id

RECORD_COUNT = re.compile(r"<strong>Record Count:</strong>\s*(\d+)")


def _world(s) -> dict:
    olga = Partner(name="Olga Petrova", is_customer=True)
    ivan = Partner(name="Ivan Sidorov", is_customer=True)
    pumps = Partner(name="Pumps Ltd", is_supplier=True)
    drums = Partner(name="Drum & Co", is_supplier=True)
    model = EquipmentModel(code="WM-7", name="Washer 7", category="Washers")
    ws = Warehouse(code="WS", name="Workshop", kind="workshop")
    main = Warehouse(code="MAIN", name="Main store", kind="main")
    s.add_all([olga, ivan, pumps, drums, model, ws, main])
    s.flush()
    units = {}
    for serial, owner in (("SN-0001", olga), ("AB-7700", ivan), ("X-SN-0001-B", ivan)):
        units[serial] = Unit(
            serial_number=serial,
            equipment_model_id=model.id,
            customer_id=owner.id,
            sale_date=date(2025, 3, 10),
        )
    s.add_all(units.values())
    s.flush()
    tech, manager = user_id(s, "Technician"), user_id(s, "Service Manager")
    officer = user_id(s, "Claims Officer")
    repairs = {}
    for number, serial, owner, who in (
        ("RO-2026-00001", "SN-0001", olga, tech),
        ("RO-2026-00002", "AB-7700", ivan, manager),
        ("RO-2026-00003", "X-SN-0001-B", ivan, tech),
    ):
        repairs[number] = RepairOrder(
            number=number,
            unit_id=units[serial].id,
            customer_id=owner.id,
            reported_defect="Noise",
            technician_id=who,
        )
    s.add_all(repairs.values())
    s.flush()
    s.add_all(
        [
            Claim(
                number="CL-2026-00001",
                customer_id=olga.id,
                unit_id=units["SN-0001"].id,
                description="Leak",
                officer_id=officer,
                repair_order_id=repairs["RO-2026-00001"].id,
            ),
            Claim(
                number="CL-2026-00002",
                customer_id=ivan.id,
                unit_id=units["AB-7700"].id,
                description="Noise",
                repair_order_id=repairs["RO-2026-00002"].id,
            ),
        ]
    )
    pump = Part(sku="PMP-1", name="Drain pump", cost=Decimal("40"), sale_price=Decimal("75"))
    drum = Part(sku="BRG-2", name="Drum bearing", cost=Decimal("15"), sale_price=Decimal("30"))
    s.add_all([pump, drum])
    s.flush()
    for part, wh in ((pump, ws), (pump, main), (drum, main)):
        post_move(
            s,
            part_id=part.id,
            quantity_="3",
            reason="receipt",
            to_warehouse_id=wh.id,
            unit_cost="9",
        )
    s.add_all(
        [
            PartsSale(number="PS-2026-00001", customer_id=olga.id, warehouse_id=main.id),
            PartsSale(number="PS-2026-00002", customer_id=ivan.id, warehouse_id=main.id),
            PurchaseOrder(number="PO-2026-00001", supplier_id=pumps.id, warehouse_id=main.id),
            PurchaseOrder(number="PO-2026-00002", supplier_id=drums.id, warehouse_id=main.id),
        ]
    )
    return {"tech": tech}


@pytest.fixture
def world(run):
    return run(_world)


def _list(client, path: str, **args) -> tuple[int, str]:
    r = client.get(path, query_string=args)
    assert r.status_code == 200, (path, args, r.status_code, r.data[:300])
    html = r.get_data(as_text=True)
    found = RECORD_COUNT.search(html)
    return (int(found.group(1)) if found else 0), html


def _numbers(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf"{prefix}-2026-\d{{5}}", html))


# FAB's index of each filter in the widget: 0 starts with, 1 contains
STARTS, CONTAINS = "_flt_0_", "_flt_1_"


def test_repairs_by_serial_customer_and_technician(world, ui):
    manager = ui("Service Manager")
    path = "/repairorderview/list/"
    n, html = _list(manager, path, **{STARTS + "unit": "sn-0001"})
    assert (n, _numbers(html, "RO")) == (1, {"RO-2026-00001"})
    n, html = _list(manager, path, **{CONTAINS + "unit": "SN-0001"})
    assert _numbers(html, "RO") == {"RO-2026-00001", "RO-2026-00003"} and n == 2
    n, html = _list(manager, path, **{CONTAINS + "customer": "sidorov"})
    assert _numbers(html, "RO") == {"RO-2026-00002", "RO-2026-00003"} and n == 2
    n, html = _list(manager, path, **{STARTS + "customer": "Olga"})
    assert _numbers(html, "RO") == {"RO-2026-00001"}
    # the technician by user name, or "first last" as a person types it
    n, html = _list(manager, path, **{CONTAINS + "technician": "technician test"})
    assert _numbers(html, "RO") == {"RO-2026-00001", "RO-2026-00003"} and n == 2
    # two filters together; text with LIKE's wildcards is plain text
    n, _html = _list(manager, path, **{CONTAINS + "unit": "SN", CONTAINS + "customer": "Ivan"})
    assert n == 1
    assert _list(manager, path, **{CONTAINS + "unit": "%"})[0] == 0
    assert _list(manager, path, **{CONTAINS + "unit": "S_-"})[0] == 0
    # the overdue list has the same search
    _list(manager, "/overduerepairview/list/", **{CONTAINS + "unit": "SN"})


def test_the_search_offers_the_filters_not_a_select_of_every_row(world, ui):
    html = ui("Service Manager").get("/repairorderview/list/").get_data(as_text=True)
    widget = re.search(r"new AdminFilters\((.*?)\);", html, re.S).group(1)
    assert "Serial number starts with" in widget and "Name contains" in widget
    assert "Olga Petrova" not in widget  # no <option> per customer
    assert "SN-0001" not in widget


def test_a_technician_finds_only_his_repairs(world, ui):
    tech = ui("Technician")
    n, html = _list(tech, "/repairorderview/list/", **{CONTAINS + "customer": "sidorov"})
    assert (n, _numbers(html, "RO")) == (1, {"RO-2026-00003"})
    n, html = _list(tech, "/repairorderview/list/", **{STARTS + "unit": "AB"})
    assert n == 0 and not _numbers(html, "RO")


def test_claims_by_customer_serial_and_officer(world, ui):
    officer = ui("Claims Officer")
    path = "/claimview/list/"
    assert _numbers(_list(officer, path, **{CONTAINS + "customer": "olga"})[1], "CL") == {
        "CL-2026-00001"
    }
    assert _numbers(_list(officer, path, **{STARTS + "unit": "AB-77"})[1], "CL") == {
        "CL-2026-00002"
    }
    assert _numbers(_list(officer, path, **{CONTAINS + "officer": "claims"})[1], "CL") == {
        "CL-2026-00001"
    }
    # the technician sees the claims of his repairs only
    tech = ui("Technician")
    assert _list(tech, path, **{CONTAINS + "customer": "ivan"})[0] == 0
    assert _list(tech, path, **{CONTAINS + "customer": "olga"})[0] == 1


def test_stock_levels_by_part_and_warehouse(world, ui):
    clerk = ui("Warehouse Clerk")
    path = "/stocklevelview/list/"
    assert _list(clerk, path)[0] == 3
    assert _list(clerk, path, **{CONTAINS + "part": "drum"})[0] == 1
    assert _list(clerk, path, **{STARTS + "part": "PMP"})[0] == 2
    assert _list(clerk, path, **{STARTS + "warehouse": "work"})[0] == 1
    assert _list(clerk, path, **{CONTAINS + "warehouse": "main", STARTS + "part": "pmp"})[0] == 1


def test_units_sales_and_orders_by_partner(world, ui):
    manager = ui("Service Manager")
    n, html = _list(manager, "/unitview/list/", **{CONTAINS + "customer": "Sidorov"})
    assert n == 2 and "AB-7700" in html and ">SN-0001<" not in html
    n, html = _list(manager, "/partssaleview/list/", **{CONTAINS + "customer": "olga"})
    assert (n, _numbers(html, "PS")) == (1, {"PS-2026-00001"})
    n, html = _list(manager, "/purchaseorderview/list/", **{CONTAINS + "supplier": "& co"})
    assert (n, _numbers(html, "PO")) == (1, {"PO-2026-00002"})


def test_filters_refuse_bad_input_with_400(world, ui):
    manager = ui("Service Manager")
    path = "/repairorderview/list/"
    assert manager.get(path, query_string={"_flt_7_unit": "SN"}).status_code == 400
    assert manager.get(path, query_string={CONTAINS + "unit": "x" * 300}).status_code == 400


@pytest.fixture
def hide(app):
    """hide(Model, names): those fields hidden from everyone for the test."""
    book = app.extensions["aftersales"].policy
    added = []

    def _hide(model, names):
        rule = Fields(model, names, seen_by=None)
        book.fields.setdefault(model, []).append(rule)
        added.append((model, rule))

    yield _hide
    for model, rule in added:
        book.fields[model].remove(rule)


def test_a_hidden_field_is_neither_offered_nor_filtered(world, ui, hide):
    manager = ui("Service Manager")
    path = "/repairorderview/list/"
    hide(RepairOrder, ("customer",))
    html = manager.get(path).get_data(as_text=True)
    widget = re.search(r"new AdminFilters\((.*?)\);", html, re.S).group(1)
    assert '"customer"' not in widget and '"unit"' in widget
    assert manager.get(path, query_string={CONTAINS + "customer": "olga"}).status_code == 400
    # a hidden field of the related record: the unit's serial
    hide(Unit, ("serial_number",))
    assert manager.get(path, query_string={STARTS + "unit": "SN"}).status_code == 400
    assert manager.get(path, query_string={CONTAINS + "technician": "tech"}).status_code == 200
