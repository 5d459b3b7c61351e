"""The warranty screens: intake form, repair page with its forms, overdue list, unit page
with the warranty and void form, PDFs from the pages; the technician's record rule."""

from __future__ import annotations

from datetime import date, timedelta

from modules.warranty.models import RepairOrder
from modules.warranty.services import open_repair, transition
from tests.warranty.helpers import make_world, user_id

RECENT = date.today() - timedelta(days=100)


def test_repair_pages_for_the_manager(run, ui):
    w = run(lambda s: make_world(s, sale=RECENT))
    tech = run(lambda s: user_id(s, "Technician"))
    rid = run(
        lambda s: (
            open_repair(
                s, w["unit"], "Drum noise", technician_id=tech, warehouse_id=w["wh"], receive=True
            ).id
        )
    )
    c = ui("Service Manager")
    page = c.get("/repairorderview/list/")
    assert page.status_code == 200 and b"RO-" in page.data
    assert c.get("/repairorderview/add").status_code == 200
    show = c.get(f"/repairorderview/show/{rid}")
    assert show.status_code == 200
    html = show.data.decode()
    for marker in ("wty-add-part", "wty-add-labour", "wty-lend", "Drum noise"):
        assert marker in html, marker
    r = c.post(
        f"/repairorderview/add_labour/{rid}",
        data={"description": "Diagnosis", "hours": "1,5", "rate": "40"},
    )
    assert r.status_code == 302
    assert run(lambda s: str(s.get(RepairOrder, rid).labour_total)) == "60.00"
    r = c.post(f"/repairorderview/add_part/{rid}", data={"sku": "PMP-1", "quantity": "1"})
    assert run(lambda s: [ln.state for ln in s.get(RepairOrder, rid).part_lines]) == ["reserved"]
    r = c.post(
        f"/repairorderview/add_part/{rid}",
        data={"sku": "NOPE", "quantity": "1"},
        follow_redirects=True,
    )
    assert r.status_code == 200 and "No such part" in r.data.decode()
    pdf = c.get(f"/repairorderview/acceptance/{rid}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    unit = c.get(f"/unitview/show/{w['unit']}")
    assert unit.status_code == 200 and b"wty-warranty" in unit.data
    assert b"Void the warranty" in unit.data
    cert = c.get(f"/unitview/certificate/{w['unit']}")
    assert cert.status_code == 200 and cert.data.startswith(b"%PDF")
    r = c.post(f"/unitview/void/{w['unit']}", data={"reason": "Opened", "document": "Act 1"})
    assert r.status_code == 302
    show = c.get(f"/repairorderview/show/{rid}").data.decode()
    assert "wty-void" in show and "Opened" in show
    assert c.get("/warrantyinspections/failures").status_code == 200


def test_overdue_list_and_technician_rule_in_the_ui(run, ui):
    w = run(lambda s: make_world(s, sale=date.today() - timedelta(days=300)))
    old = date.today() - timedelta(days=80)
    mgr = run(lambda s: user_id(s, "Service Manager"))

    def repairs(s):
        late = open_repair(s, w["unit"], "Late one", intake_date=old, technician_id=mgr)
        transition(s, late, "receive")
        fresh = open_repair(s, w["unit"], "Fresh one", technician_id=mgr)
        return late.number, fresh.number

    late, fresh = run(repairs)
    c = ui("Service Manager")
    page = c.get("/overduerepairview/list/").data.decode()
    assert late in page and fresh not in page and "wty-overdue" in page
    # the technician sees neither: both are the manager's
    t = ui("Technician")
    assert late not in t.get("/repairorderview/list/").data.decode()
    assert t.get(f"/unitview/void/{w['unit']}").status_code in (403, 405)
    r = t.post(f"/unitview/void/{w['unit']}", data={"reason": "x"})
    assert r.status_code == 403
