"""What the warranty actions take: every body is read by its marshmallow schema (an
unknown field or a wrong type is a 422 naming it, and nothing is written), the OpenAPI
description names those schemas; a final inspection answers its checklist; a labour
line without a rate takes the installation's rate or is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from modules.warranty.models import (
    Checklist,
    ChecklistItem,
    Inspection,
    Loaner,
    LoanerLoan,
    RepairLabourLine,
    RepairOrder,
    WarrantyVoid,
)
from modules.warranty.services import open_repair, transition
from tests.warranty.helpers import make_world, user_id

RECENT = date.today() - timedelta(days=100)


def _count(run, model) -> int:
    return run(lambda s: s.scalar(select(func.count()).select_from(model)))


def _repair_in_repair(run, w) -> int:
    tech = run(lambda s: user_id(s, "Technician"))

    def go(s):
        r = open_repair(s, w["unit"], "noise", technician_id=tech, warehouse_id=w["wh"])
        for action in ("receive", "diagnose", "start_repair"):
            transition(s, r, action)
        return r.id

    return run(go)


def _final_checklist(run, w) -> dict[str, int]:
    def go(s):
        c = Checklist(name="Washer final", kind="final", equipment_model_id=w["model"])
        c.items = [
            ChecklistItem(text="No leak", sequence=1),
            ChecklistItem(text="Drains", sequence=2),
            ChecklistItem(text="Label", sequence=3, required=False),
        ]
        s.add(c)
        s.flush()
        return {i.text: i.id for i in c.items}

    return run(go)


def test_a_final_inspection_answers_its_checklist(run, api):
    """`passed: true` alone does not sign a checklist: an inspector who answers no item
    (or leaves a required one out) is refused, not recorded as a failure that would
    count against the technician."""
    w = run(lambda s: make_world(s, sale=RECENT))
    items = _final_checklist(run, w)
    rid = _repair_in_repair(run, w)
    mgr = api("Service Manager")
    url = f"/api/v1/repair_order/{rid}/inspection"

    r = mgr.post(url, json={"passed": True})
    assert r.status_code == 422, r.json
    assert "results" in r.json["message"]
    assert "No leak" in r.json["message"]["results"][0]
    r = mgr.post(url, json={"passed": True, "results": {str(items["No leak"]): True}})
    assert r.status_code == 422 and "Drains" in r.json["message"]["results"][0]
    assert _count(run, Inspection) == 0

    required = {str(items["No leak"]): True, str(items["Drains"]): True}
    r = mgr.post(url, json={"results": required})  # the optional label left out
    assert r.status_code == 201 and r.json["result"] == "passed", r.json
    r = mgr.post(url, json={"results": {**required, str(items["Drains"]): False}})
    assert r.status_code == 201 and r.json["result"] == "failed", r.json


@pytest.mark.parametrize(
    "body, field",
    [
        ({"reason": "Opened", "documnet": "Act 1"}, "documnet"),
        ({"reason": 12}, "reason"),
        ({"reason": "Opened", "date": "01.06.2025"}, "date"),
        ({}, "reason"),
    ],
)
def test_the_void_refuses_what_it_does_not_know(run, api, body, field):
    w = run(lambda s: make_world(s, sale=RECENT))
    r = api("Service Manager").post(f"/api/v1/unit/{w['unit']}/void", json=body)
    assert r.status_code == 422, r.json
    assert list(r.json["message"]) == [field]
    assert _count(run, WarrantyVoid) == 0


def test_every_action_body_refuses_unknown_fields_and_wrong_types(run, api):
    w = run(lambda s: make_world(s, sale=RECENT))
    rid = _repair_in_repair(run, w)
    loaner = run(lambda s: (s.add(x := Loaner(code="L-1", name="Spare")), s.flush(), x.id)[2])
    mgr = api("Service Manager")
    cases = [
        (f"/api/v1/unit/{w['unit']}/reinstate", {"reason": "x", "why": "y"}, "why"),
        (f"/api/v1/repair_order/{rid}/billing", {"billing_type": 1, "reason": "x"}, "billing_type"),
        (f"/api/v1/repair_order/{rid}/billing", {"billing_type": "paid"}, "reason"),
        (f"/api/v1/repair_order/{rid}/inspection", {"passed": "yes"}, "passed"),
        (f"/api/v1/repair_order/{rid}/inspection", {"kind": "final", "x": 1}, "x"),
        (f"/api/v1/repair_order/{rid}/inspection", {"results": {"a": True}}, "results"),
        (f"/api/v1/repair_order/{rid}/inspection", {"kind": "other"}, "kind"),
        ("/api/v1/loaner_loan/", {"repair": rid, "loaner": loaner, "colour": "red"}, "colour"),
        ("/api/v1/loaner_loan/", {"repair": rid, "loaner": "one"}, "loaner"),
    ]
    for url, body, field in cases:
        r = mgr.post(url, json=body)
        assert r.status_code == 422, (url, body, r.json)
        assert field in r.json["message"], (url, body, r.json)
    assert _count(run, Inspection) == _count(run, LoanerLoan) == 0
    assert run(lambda s: s.get(RepairOrder, rid).billing_overridden) is False


def test_the_loan_return_refuses_unknown_fields(run, api):
    w = run(lambda s: make_world(s, sale=RECENT))
    rid = _repair_in_repair(run, w)
    loaner = run(lambda s: (s.add(x := Loaner(code="L-1", name="Spare")), s.flush(), x.id)[2])
    mgr = api("Service Manager")
    r = mgr.post("/api/v1/loaner_loan/", json={"repair": rid, "loaner": loaner})
    assert r.status_code == 201, r.json
    loan = r.json["id"]
    r = mgr.post(f"/api/v1/loaner_loan/{loan}/return", json={"condition_back": "ok", "odd": 1})
    assert r.status_code == 422 and "odd" in r.json["message"]
    r = mgr.post(
        f"/api/v1/loaner_loan/{loan}/return",
        json={"condition_back": "ok", "needs_maintenance": "no"},
    )
    assert r.status_code == 422 and "needs_maintenance" in r.json["message"]
    assert run(lambda s: s.get(LoanerLoan, loan).returned_on) is None
    r = mgr.post(f"/api/v1/loaner_loan/{loan}/return", json={"condition_back": "ok"})
    assert r.status_code == 200, r.json


def test_the_openapi_description_names_the_action_schemas(api):
    spec = api("Service Manager").get("/api/v1/_openapi").json
    schemas = spec["components"]["schemas"]
    for path, name in (
        ("/api/v1/unit/{pk}/void", "WarrantyVoidBody"),
        ("/api/v1/unit/{pk}/reinstate", "WarrantyReinstateBody"),
        ("/api/v1/repair_order/{pk}/billing", "WarrantyBillingBody"),
        ("/api/v1/repair_order/{pk}/inspection", "WarrantyInspectionBody"),
        ("/api/v1/loaner_loan/{pk}/return", "WarrantyLoanReturnBody"),
    ):
        body = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": f"#/components/schemas/{name}"}, path
        assert name in schemas and schemas[name]["properties"], name


def test_a_labour_line_without_a_rate(app, run, api, ui, monkeypatch):
    """No rate given: the installation's LABOUR_RATE; with none configured (0) the line
    is refused rather than silently free. A rate of 0 written on purpose is kept."""
    w = run(lambda s: make_world(s, sale=RECENT))
    rid = _repair_in_repair(run, w)
    mgr, screen = api("Service Manager"), ui("Service Manager")
    monkeypatch.setitem(app.config, "LABOUR_RATE", "0")
    body = {"repair": rid, "description": "Diagnosis", "hours": 1}
    r = mgr.post("/api/v1/repair_labour_line/", json=body)
    assert r.status_code == 422 and "rate" in r.json["message"], r.json
    r = screen.post(
        f"/repairorderview/add_labour/{rid}",
        data={"description": "Diagnosis", "hours": "1", "rate": ""},
        follow_redirects=True,
    )
    assert "hourly rate" in r.data.decode()
    assert _count(run, RepairLabourLine) == 0

    assert mgr.post("/api/v1/repair_labour_line/", json={**body, "rate": 0}).status_code == 201
    monkeypatch.setitem(app.config, "LABOUR_RATE", "35")
    assert mgr.post("/api/v1/repair_labour_line/", json=body).status_code == 201
    screen.post(f"/repairorderview/add_labour/{rid}", data={"description": "Test", "hours": "2"})
    rates = run(
        lambda s: [str(ln.rate) for ln in s.get(RepairOrder, rid).labour_lines],
    )
    assert rates == ["0.00", "35.00", "35.00"]
