"""The unit's passport (its show page): warranty today, and every record about the unit
in every module the reader may read, with buttons that start a repair or a claim with
the unit filled in (AppModelView.prefill_add_form)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from modules.claims.models import Claim
from modules.contracts.models import ContractCoverage, ServiceContract
from modules.warranty.models import Loaner, LoanerLoan, RepairOrder, Shipment
from tests.warranty.helpers import make_world, user_id


def _world(run) -> dict:
    def build(s):
        w = make_world(s, sale=date.today() - timedelta(days=30), stock_qty=None)
        tech, manager = user_id(s, "Technician"), user_id(s, "Service Manager")
        mine = RepairOrder(
            number="RO-2026-00081",
            unit_id=w["unit"],
            customer_id=w["customer"],
            reported_defect="Noise",
            technician_id=tech,
        )
        other = RepairOrder(
            number="RO-2026-00082",
            unit_id=w["unit"],
            customer_id=w["customer"],
            reported_defect="Leak",
            technician_id=manager,
        )
        s.add_all([mine, other])
        s.flush()
        loaner = Loaner(code="LN-7", name="Spare washer")
        contract = ServiceContract(
            number="SC-2026-00004",
            title="Care plan",
            partner_id=w["customer"],
            start_date=date.today() - timedelta(days=10),
            end_date=date.today() + timedelta(days=300),
        )
        s.add_all([loaner, contract])
        s.flush()
        s.add_all(
            [
                Claim(
                    number="CL-2026-00009",
                    customer_id=w["customer"],
                    unit_id=w["unit"],
                    description="Broken",
                    repair_order_id=other.id,
                ),
                LoanerLoan(
                    loaner_id=loaner.id,
                    repair_id=other.id,
                    customer_id=w["customer"],
                    requested_on=date.today(),
                    lent_on=date.today(),
                ),
                Shipment(number="SH-2026-00009", repair_id=mine.id, direction="to_workshop"),
                ContractCoverage(contract_id=contract.id, unit_id=w["unit"]),
            ]
        )
        return {**w, "mine": mine.id, "other": other.id}

    return run(build)


def _page(ui, role, unit_id) -> str:
    r = ui(role).get(f"/unitview/show/{unit_id}")
    assert r.status_code == 200, r.data[:300]
    return r.data.decode()


def test_the_passport_lists_the_units_records(run, ui):
    w = _world(run)
    html = _page(ui, "Service Manager", w["unit"])
    for text in (
        "Washer 7",
        "Olga Petrova",
        "Dealer One",
        'id="wty-warranty"',
        "RO-2026-00081",
        "RO-2026-00082",
        "CL-2026-00009",
        "SH-2026-00009",
        "LN-7 Spare washer",
        "SC-2026-00004",
    ):
        assert text in html, text
    assert f'href="/repairorderview/add?unit={w["unit"]}"' in html
    assert f'href="/claimview/add?unit={w["unit"]}&amp;customer={w["customer"]}"' in html


def test_each_section_follows_the_readers_policy(run, ui):
    w = _world(run)
    html = _page(ui, "Technician", w["unit"])
    assert "RO-2026-00081" in html and "SH-2026-00009" in html  # his repair, its shipment
    # another's repair, and the claim and loan that hang on it, are not his to see
    for text in ("RO-2026-00082", "CL-2026-00009", "LN-7 Spare washer"):
        assert text not in html, text
    assert "/claimview/add" not in html  # he reads claims, he does not open them
    viewer = _page(ui, "Viewer", w["unit"])
    assert "/repairorderview/add" not in viewer and "/claimview/add" not in viewer


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select id="{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="(\d+)" selected>', select.group(1))


def test_add_forms_open_with_the_unit_filled_in(run, ui):
    w = _world(run)
    client = ui("Service Manager")
    r = client.get(f"/repairorderview/add?unit={w['unit']}")
    assert r.status_code == 200
    assert _selected(r.data.decode(), "unit") == [str(w["unit"])]
    r = client.get(f"/claimview/add?unit={w['unit']}&customer={w['customer']}")
    assert r.status_code == 200
    html = r.data.decode()
    assert _selected(html, "unit") == [str(w["unit"])]
    assert _selected(html, "customer") == [str(w["customer"])]
    # a value that names nothing leaves the field empty; never an error
    for bad in ("abc", "987654321", "99999999999999999999"):
        r = client.get(f"/repairorderview/add?unit={bad}")
        assert r.status_code == 200, bad
        assert _selected(r.data.decode(), "unit") == []
