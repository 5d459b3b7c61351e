"""The repair of a unit through the REST API, from intake to return; what is refused
(illegal steps, parts not in stock, a loaner still out, self-inspection) writes nothing;
the technician's record rule; the warranty endpoint; voiding by role."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from app.cli import ensure_user
from app.models import StateTransition
from modules.inventory.models import StockMove
from modules.staff.models import Absence, Employee
from modules.warranty.models import Loaner, RepairOrder
from tests.conftest import ApiClient, password_of
from tests.warranty.helpers import D, level, make_world, user_id

RECENT = date.today() - timedelta(days=100)


def _count(run, model):
    return run(lambda s: s.scalar(select(func.count()).select_from(model)))


def _steps(run, rid):
    return run(
        lambda s: s.scalar(
            select(func.count(StateTransition.id)).where(
                StateTransition.doc_type == "wty_repair_order", StateTransition.doc_id == rid
            )
        )
    )


def test_whole_repair_through_the_api(run, api):
    w = run(lambda s: make_world(s, sale=RECENT, stock_qty="4"))
    tech = run(lambda s: user_id(s, "Technician"))
    loaner = run(
        lambda s: (s.add(ln := Loaner(code="L-9", name="Spare washer")), s.flush(), ln.id)[2]
    )
    mgr, tc = api("Service Manager"), api("Technician")

    r = mgr.post(
        "/api/v1/repair_order/",
        json={
            "unit": w["unit"],
            "reported_defect": "Water stays in the drum",
            "accessories": "hose",
            "technician": tech,
            "warehouse": w["wh"],
        },
    )
    assert r.status_code == 201, r.json
    rid = r.json["id"]
    got = mgr.get(f"/api/v1/repair_order/{rid}").json["result"]
    assert got["state"] == "draft" and got["billing_type"] == "warranty"
    assert got["number"].startswith("RO-") and got["days_left"] >= 45

    # illegal step: 409, nothing written
    steps = _steps(run, rid)
    r = tc.post(f"/api/v1/repair_order/{rid}/mark_ready")
    assert r.status_code == 409 and "message" in r.json
    assert _steps(run, rid) == steps
    assert tc.post(f"/api/v1/repair_order/{rid}/no_such_action").status_code == 400

    for action in ("receive", "diagnose"):
        r = tc.post(f"/api/v1/repair_order/{rid}/{action}")
        assert r.status_code == 200, r.json
    assert r.json["state"] == "diagnosing"

    # the customer asks for a substitute unit
    r = mgr.post(
        "/api/v1/loaner_loan/", json={"repair": rid, "loaner": loaner, "condition_out": "new"}
    )
    assert r.status_code == 201, r.json
    loan_id = r.json["id"]

    r = tc.post("/api/v1/repair_part_line/", json={"repair": rid, "part": w["part"], "quantity": 2})
    assert r.status_code == 201, r.json
    assert tc.get(f"/api/v1/repair_part_line/{r.json['id']}").json["result"]["state"] == "reserved"
    r = tc.post(
        "/api/v1/repair_part_line/", json={"repair": rid, "part": w["part2"], "quantity": 1}
    )
    assert r.status_code == 201
    waiting_line = r.json["id"]
    assert tc.get(f"/api/v1/repair_part_line/{waiting_line}").json["result"]["state"] == "waiting"
    r = tc.post(
        "/api/v1/repair_labour_line/",
        json={"repair": rid, "description": "Replace pump", "hours": 1.5, "rate": 30},
    )
    assert r.status_code == 201, r.json
    r = tc.post(
        "/api/v1/repair_labour_line/",
        json={"repair": rid, "description": "x", "hours": -1, "rate": 30},
    )
    assert r.status_code == 422

    assert tc.post(f"/api/v1/repair_order/{rid}/start_repair").status_code == 200

    # final inspection: not by the technician himself
    r = tc.post(f"/api/v1/repair_order/{rid}/inspection", json={"passed": True})
    assert r.status_code == 403
    r = mgr.post(f"/api/v1/repair_order/{rid}/inspection", json={"passed": True})
    assert r.status_code == 201 and r.json["result"] == "passed"

    # a part not in stock: ready refused, nothing consumed
    moves = _count(run, StockMove)
    r = tc.post(f"/api/v1/repair_order/{rid}/mark_ready")
    assert r.status_code == 409 and "BRG-2" in r.json["message"]
    assert _count(run, StockMove) == moves
    assert run(lambda s: level(s, w["part"], w["wh"])) == (D(4), D(2))
    assert tc.delete(f"/api/v1/repair_part_line/{waiting_line}").status_code == 200

    r = tc.post(f"/api/v1/repair_order/{rid}/mark_ready")
    assert r.status_code == 200, r.json
    assert run(lambda s: level(s, w["part"], w["wh"])) == (D(2), D(0))

    # closing with the loaner out: refused
    r = mgr.post(f"/api/v1/repair_order/{rid}/return_unit")
    assert r.status_code == 409 and "substitute" in r.json["message"]
    assert run(lambda s: s.get(RepairOrder, rid).state) == "ready"
    r = mgr.post(f"/api/v1/loaner_loan/{loan_id}/return", json={"condition_back": "fine"})
    assert r.status_code == 200, r.json
    r = mgr.post(f"/api/v1/repair_order/{rid}/return_unit")
    assert r.status_code == 200 and r.json["state"] == "returned"

    got = mgr.get(f"/api/v1/repair_order/{rid}").json["result"]
    assert got["returned_on"] == date.today().isoformat()
    assert got["labour_total"] == "45.00" and got["who_pays"] == "company"
    assert got["days_left"] is None
    hist = mgr.get(f"/api/v1/repair_order/{rid}/history").json["result"]
    assert [h["to"] for h in hist][-1] == "returned"
    # finished: lines and billing no longer change
    r = tc.post(
        "/api/v1/repair_labour_line/",
        json={"repair": rid, "description": "More", "hours": 1, "rate": 30},
    )
    assert r.status_code == 409
    assert mgr.delete(f"/api/v1/repair_order/{rid}").status_code == 409


def test_warranty_endpoint_and_void_by_role(run, api):
    w = run(lambda s: make_world(s, sale=date(2025, 3, 10)))
    mgr = api("Service Manager")
    r = mgr.get(f"/api/v1/unit/{w['unit']}/warranty?date=2026-03-10")
    assert r.status_code == 200
    assert (r.json["status"], r.json["end_date"]) == ("manufacturer", "2026-03-10")
    assert r.json["reason"]
    assert mgr.get(f"/api/v1/unit/{w['unit']}/warranty?date=2026-03-11").json["status"] == (
        "expired"
    )
    assert mgr.get(f"/api/v1/unit/{w['unit']}/warranty?date=10.03.2026").status_code == 400
    assert mgr.get("/api/v1/unit/999999/warranty").status_code == 404

    r = api("Technician").post(f"/api/v1/unit/{w['unit']}/void", json={"reason": "x"})
    assert r.status_code == 403
    assert mgr.post(f"/api/v1/unit/{w['unit']}/void", json={}).status_code == 422
    r = mgr.post(
        f"/api/v1/unit/{w['unit']}/void",
        json={"reason": "Repaired elsewhere", "date": "2025-06-01", "document": "Act 3"},
    )
    assert r.status_code == 200, r.json
    assert mgr.get(f"/api/v1/unit/{w['unit']}/warranty?date=2025-07-01").json["status"] == (
        "voided"
    )
    unit = api("Claims Officer").get(f"/api/v1/unit/{w['unit']}").json["result"]
    assert unit["voids"][0]["reason"] == "Repaired elsewhere"
    r = mgr.post(
        f"/api/v1/unit/{w['unit']}/reinstate", json={"reason": "Error", "date": "2025-07-02"}
    )
    assert r.status_code == 200
    assert mgr.get(f"/api/v1/unit/{w['unit']}/warranty?date=2025-08-01").json["status"] == (
        "manufacturer"
    )


def test_duplicate_serial_and_bad_unit_input(run, api):
    w = run(lambda s: make_world(s))
    mgr = api("Service Manager")
    body = {
        "serial_number": "SN-0001",
        "equipment_model": w["model"],
        "customer": w["customer"],
        "sale_date": "2025-01-01",
    }
    r = mgr.post("/api/v1/unit/", json=body)
    assert r.status_code == 409
    r = mgr.post("/api/v1/unit/", json={**body, "serial_number": "SN-2", "customer": w["dealer"]})
    assert r.status_code == 422 and "customer" in r.json["message"]
    r = mgr.post("/api/v1/unit/", json={**body, "serial_number": "SN-2", "sale_date": "2099-01-01"})
    assert r.status_code == 422
    assert mgr.post("/api/v1/unit/", json={**body, "serial_number": "SN-2"}).status_code == 201


def _second_technician(app):
    with app.app_context():
        from app.db import db

        u = ensure_user(
            "tech2", "tech2@example.com", "Second", "Tech", password_of("tech2"), "Technician"
        )
        db.session.commit()
        return u.id


def test_technician_sees_own_and_deputised_repairs_only(app, run, api):
    w = run(lambda s: make_world(s, sale=RECENT))
    me = run(lambda s: user_id(s, "Technician"))
    other = _second_technician(app)
    mgr = api("Service Manager")
    ids = {}
    for who, uid in (("me", me), ("other", other)):
        r = mgr.post(
            "/api/v1/repair_order/",
            json={"unit": w["unit"], "reported_defect": "noise", "technician": uid},
        )
        assert r.status_code == 201, r.json
        ids[who] = r.json["id"]
    tc = api("Technician")
    listed = {r["id"] for r in tc.get("/api/v1/repair_order/").json["result"]}
    assert listed == {ids["me"]}
    assert tc.get(f"/api/v1/repair_order/{ids['other']}").status_code == 404
    assert tc.post(f"/api/v1/repair_order/{ids['other']}/receive").status_code == 404
    r = tc.post(
        "/api/v1/repair_labour_line/",
        json={"repair": ids["other"], "description": "x", "hours": 1, "rate": 1},
    )
    assert r.status_code == 422  # a repair he may not see does not exist for him
    assert r.json["message"] == {"repair": ["The referenced record does not exist."]}
    r = tc.post(
        "/api/v1/repair_order/",
        json={"unit": w["unit"], "reported_defect": "x", "technician": other},
    )
    assert r.status_code == 403

    # the colleague is away and named me his deputy: I see his repair
    def away(s):
        e_me = Employee(name="Me", user_id=me, active=True)
        e_other = Employee(name="Other", user_id=other, active=True)
        s.add_all([e_me, e_other])
        s.flush()
        s.add(
            Absence(
                employee_id=e_other.id,
                deputy_id=e_me.id,
                kind="vacation",
                date_from=date.today() - timedelta(days=1),
                date_to=date.today() + timedelta(days=1),
            )
        )

    run(away)
    listed = {r["id"] for r in tc.get("/api/v1/repair_order/").json["result"]}
    assert listed == {ids["me"], ids["other"]}
    assert api("Viewer").get(f"/api/v1/repair_order/{ids['other']}").status_code == 200
    assert api("Viewer").post(f"/api/v1/repair_order/{ids['other']}/receive").status_code == 403
    assert ApiClient(app, None).get("/api/v1/repair_order/").status_code == 401


def test_billing_override_only_by_the_service_manager(run, api):
    w = run(lambda s: make_world(s, sale=date(2020, 1, 1)))
    mgr = api("Service Manager")
    rid = mgr.post(
        "/api/v1/repair_order/", json={"unit": w["unit"], "reported_defect": "noise"}
    ).json["id"]
    assert mgr.get(f"/api/v1/repair_order/{rid}").json["result"]["billing_type"] == "paid"
    body = {"billing_type": "warranty", "reason": "Goodwill for a loyal customer"}
    assert (
        api("Technician").post(f"/api/v1/repair_order/{rid}/billing", json=body).status_code == 403
    )
    assert (
        mgr.post(
            f"/api/v1/repair_order/{rid}/billing", json={"billing_type": "x", "reason": "r"}
        ).status_code
        == 422
    )
    r = mgr.post(f"/api/v1/repair_order/{rid}/billing", json=body)
    assert r.status_code == 200 and r.json["billing_type"] == "warranty"
    got = mgr.get(f"/api/v1/repair_order/{rid}").json["result"]
    assert got["billing_overridden"] is True and got["billing_reason"].startswith("Goodwill")


def test_intake_photos_follow_the_repair_record_rule(app, run, api):
    w = run(lambda s: make_world(s, sale=RECENT))
    me = run(lambda s: user_id(s, "Technician"))
    other = _second_technician(app)
    mgr = api("Service Manager")
    mine = mgr.post(
        "/api/v1/repair_order/",
        json={"unit": w["unit"], "reported_defect": "dent", "technician": me},
    ).json["id"]
    theirs = mgr.post(
        "/api/v1/repair_order/",
        json={"unit": w["unit"], "reported_defect": "dent", "technician": other},
    ).json["id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    tc = api("Technician")

    def upload(rid, data=png, name="intake.png"):
        return tc.post(
            f"/api/v1/attachment/wty_repair_order/{rid}",
            data={"file": (io.BytesIO(data), name), "note": "front panel"},
            content_type="multipart/form-data",
        )

    assert upload(mine).status_code == 201
    assert upload(theirs).status_code == 404
    assert upload(mine, b"MZ\x90\x00binary", "photo.png").status_code in (400, 415, 422)
    files = tc.get(f"/api/v1/attachment/wty_repair_order/{mine}").json["result"]
    assert [f["filename"] for f in files] == ["intake.png"]


def test_renaming_a_loaner_to_a_code_in_use_is_a_conflict_not_a_server_error(run, api):
    from modules.warranty.models import Loaner

    def make(s):
        a, b = Loaner(code="L-1", name="Washer A"), Loaner(code="L-2", name="Washer B")
        s.add_all([a, b])
        s.flush()
        return a.id

    first = run(make)
    r = api("Service Manager").put(f"/api/v1/loaner/{first}", json={"code": "L-2", "name": "X"})
    assert r.status_code in (409, 422), r.json
    assert run(lambda s: s.get(Loaner, first).code) == "L-1"
