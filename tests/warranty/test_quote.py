"""The quote the customer approved binds: a paid repair charged more than the approved
amount (beyond the installation's tolerance, QUOTE_TOLERANCE_PCT) cannot be marked ready
or returned; a new quote goes back to the customer, whose new approval unblocks it."""

from __future__ import annotations

from datetime import date

from modules.warranty.models import RepairOrder
from tests.warranty.helpers import make_world, user_id

EXPIRED_SALE = date(2020, 1, 1)  # out of warranty: the repair is paid


def _paid_repair_approved_at_40(run, api) -> tuple[int, dict]:
    w = run(lambda s: make_world(s, sale=EXPIRED_SALE))
    tech = run(lambda s: user_id(s, "Technician"))
    mgr = api("Service Manager")
    r = mgr.post(
        "/api/v1/repair_order/",
        json={
            "unit": w["unit"],
            "reported_defect": "Does not drain",
            "technician": tech,
            "warehouse": w["wh"],
        },
    )
    assert r.status_code == 201, r.json
    rid = r.json["id"]
    for action in ("receive", "diagnose"):
        assert mgr.post(f"/api/v1/repair_order/{rid}/{action}").status_code == 200
    r = mgr.post(
        "/api/v1/repair_labour_line/",
        json={"repair": rid, "description": "Diagnosis", "hours": 1, "rate": 40},
    )
    assert r.status_code == 201, r.json
    for action in ("send_quote", "approve"):
        r = mgr.post(f"/api/v1/repair_order/{rid}/{action}")
        assert r.status_code == 200, r.json
    shown = mgr.get(f"/api/v1/repair_order/{rid}").json["result"]
    assert (shown["quote_amount"], shown["approved_amount"]) == ("40.00", "40.00")
    return rid, w


def _work_done(api, rid, w, pump_price: str) -> None:
    """The technician finds a broken pump, fits it, the manager inspects the work."""
    mgr = api("Service Manager")
    r = mgr.post(
        "/api/v1/repair_part_line/",
        json={"repair": rid, "part": w["part"], "quantity": 1, "unit_price": pump_price},
    )
    assert r.status_code == 201, r.json
    assert mgr.post(f"/api/v1/repair_order/{rid}/start_repair").status_code == 200
    r = api("Service Manager").post(f"/api/v1/repair_order/{rid}/inspection", json={"passed": True})
    assert r.status_code == 201, r.json


def test_a_total_above_the_approved_quote_needs_a_new_approval(run, api):
    rid, w = _paid_repair_approved_at_40(run, api)
    _work_done(api, rid, w, "50")  # 40 + 50 = 90 charged, 40 approved
    mgr = api("Service Manager")
    r = mgr.post(f"/api/v1/repair_order/{rid}/mark_ready")
    assert r.status_code == 409, r.json
    assert "90.00" in r.json["message"] and "40.00" in r.json["message"]
    assert run(lambda s: s.get(RepairOrder, rid).state) == "in_repair"

    # a new quote goes to the customer: the repair waits for his answer again
    r = mgr.post(f"/api/v1/repair_order/{rid}/send_quote")
    assert r.status_code == 200 and r.json["state"] == "quote_sent", r.json
    shown = mgr.get(f"/api/v1/repair_order/{rid}").json["result"]
    assert (shown["quote_amount"], shown["approved_amount"]) == ("90.00", "40.00")
    assert mgr.post(f"/api/v1/repair_order/{rid}/start_repair").status_code == 409

    for action in ("approve", "start_repair", "mark_ready", "return_unit"):
        r = mgr.post(f"/api/v1/repair_order/{rid}/{action}")
        assert r.status_code == 200, (action, r.json)
    shown = mgr.get(f"/api/v1/repair_order/{rid}").json["result"]
    assert (shown["state"], shown["approved_amount"], shown["total"]) == (
        "returned",
        "90.00",
        "90.00",
    )


def test_the_quote_tolerance_is_the_installations(app, run, api, monkeypatch):
    monkeypatch.setitem(app.config, "QUOTE_TOLERANCE_PCT", "10")
    rid, w = _paid_repair_approved_at_40(run, api)
    _work_done(api, rid, w, "4.01")  # 44.01 > 40 + 10 %
    mgr = api("Service Manager")
    assert mgr.post(f"/api/v1/repair_order/{rid}/mark_ready").status_code == 409
    lines = mgr.get(f"/api/v1/repair_order/{rid}").json["result"]["part_lines"]
    assert mgr.delete(f"/api/v1/repair_part_line/{lines[0]['id']}").status_code == 200
    r = mgr.post(
        "/api/v1/repair_part_line/",
        json={"repair": rid, "part": w["part"], "quantity": 1, "unit_price": "4.00"},
    )
    assert r.status_code == 201, r.json  # 44.00: within the tolerance
    assert mgr.post(f"/api/v1/repair_order/{rid}/mark_ready").status_code == 200


def test_the_quote_being_decided_cannot_change_under_the_customer(run, api):
    w = run(lambda s: make_world(s, sale=EXPIRED_SALE))
    mgr = api("Service Manager")
    rid = mgr.post(
        "/api/v1/repair_order/", json={"unit": w["unit"], "reported_defect": "noise"}
    ).json["id"]
    for action in ("receive", "diagnose"):
        mgr.post(f"/api/v1/repair_order/{rid}/{action}")
    assert mgr.put(f"/api/v1/repair_order/{rid}", json={"quote_amount": "40"}).status_code == 200
    assert mgr.post(f"/api/v1/repair_order/{rid}/send_quote").status_code == 200
    r = mgr.put(f"/api/v1/repair_order/{rid}", json={"quote_amount": "30"})
    assert r.status_code == 409, r.json
    assert run(lambda s: str(s.get(RepairOrder, rid).quote_amount)) == "40.00"
    # the customer approves the amount he was sent
    assert mgr.post(f"/api/v1/repair_order/{rid}/approve").status_code == 200
    assert run(lambda s: str(s.get(RepairOrder, rid).approved_amount)) == "40.00"
