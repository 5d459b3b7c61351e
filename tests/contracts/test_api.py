"""The REST resources: contracts through their stages, bad input refused with nothing
written, a technician's own visits, dealer reimbursements, the renewal endpoints."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from modules.contracts.models import ScheduledVisit, ServiceContract
from tests.contracts.helpers import TODAY, D, make_contract, make_world, user_id

BASE = "/api/v1/service_contract/"


def _count(run, model):
    return run(lambda s: s.scalar(select(func.count(model.id))))


def test_contract_through_its_stages(run, api):
    w = run(make_world)
    m = api("Service Manager")
    body = {
        "title": "Hotel Volna maintenance",
        "kind": "maintenance",
        "partner": w["customer"],
        "start_date": TODAY.isoformat(),
        "end_date": (TODAY + timedelta(days=364)).isoformat(),
        "price": "2400.00",
        "billing_period": "quarterly",
        "visits_per_year": 4,
        "response_hours": 4,
        "resolution_hours": 24,
        "business_from": "08:00:00",
        "business_to": "17:00:00",
        "timezone": "Europe/Moscow",
    }
    r = m.post(BASE, json=body)
    assert r.status_code == 201, r.json
    cid = r.json["id"]
    r = m.post("/api/v1/contract_coverage/", json={"contract": cid, "equipment_model": w["model"]})
    assert r.status_code == 201, r.json
    for action in ("negotiate", "approve", "sign"):
        r = m.post(f"{BASE}{cid}/{action}", json={"comment": f"{action} ok"})
        assert r.status_code == 200, r.json
    assert r.json["state"] == "active" and "renew" in r.json["allowed"]
    r = m.get(f"{BASE}{cid}")
    assert r.json["result"]["number"].startswith("SC-")
    assert r.json["result"]["business_from"].startswith("08:00")
    history = m.get(f"{BASE}{cid}/history").json["result"]
    assert [h["to"] for h in history] == ["draft", "negotiation", "approved", "active"]
    assert history[-1]["user"] == "service_manager" and history[-1]["comment"] == "sign ok"
    # signed: visits and billing exist; coverage and terms are locked
    assert _count(run, ScheduledVisit) == 4
    r = m.post("/api/v1/contract_coverage/", json={"contract": cid, "unit": w["fridge"]})
    assert r.status_code == 409
    assert m.put(f"{BASE}{cid}", json={"price": "1.00"}).status_code == 409
    assert m.post(f"{BASE}{cid}/approve").status_code == 409
    assert m.post(f"{BASE}{cid}/fly").status_code == 400
    assert m.delete(f"{BASE}{cid}").status_code == 409
    assert m.post(f"{BASE}{cid}/terminate", json={}).status_code == 422  # comment needed
    assert api("Viewer").post(f"{BASE}{cid}/terminate", json={"comment": "x"}).status_code == 403


def test_bad_contracts_are_refused_and_nothing_is_written(run, api):
    w = run(make_world)
    m = api("Service Manager")
    good = {
        "title": "X",
        "partner": w["customer"],
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
    }
    bad = [
        {**good, "end_date": "2025-01-01"},
        {**good, "kind": "lease"},
        {**good, "timezone": "Nowhere/Town"},
        {**good, "price": "-5"},
        {**good, "business_from": "18:00:00", "business_to": "09:00:00"},
        {**good, "partner": 987654},
        {**good, "title": ""},
        {**good, "response_hours": 0},
    ]
    for body in bad:
        r = m.post(BASE, json=body)
        assert 400 <= r.status_code < 500, (body, r.status_code, r.json)
        assert "message" in r.json
    assert _count(run, ServiceContract) == 0
    assert m.post(BASE, json=good).status_code == 201


def test_technician_sees_and_records_his_own_visits(run, api):
    w = run(make_world)

    def setup(session):
        tech = user_id(session, "Technician")
        c = make_contract(session, w["customer"], model_id=w["model"], visits_per_year=2)
        mine, other = session.scalars(select(ScheduledVisit).order_by(ScheduledVisit.seq))
        mine.technician_id = tech
        return c.id, mine.id, other.id

    cid, mine, other = run(setup)
    t = api("Technician")
    r = t.get("/api/v1/scheduled_visit/")
    assert r.status_code == 200 and [v["id"] for v in r.json["result"]] == [mine]
    assert t.get(f"/api/v1/scheduled_visit/{other}").status_code == 404
    assert (
        t.post(f"/api/v1/scheduled_visit/{other}/record", json={"work_done": "x"}).status_code
        == 404
    )
    # the plan is the manager's
    r = t.put(f"/api/v1/scheduled_visit/{mine}", json={"planned_on": TODAY.isoformat()})
    assert r.status_code == 403
    r = t.post("/api/v1/scheduled_visit/generate", json={"contract": cid})
    assert r.status_code == 403
    r = t.post(f"/api/v1/scheduled_visit/{mine}/cancel", json={"comment": "no"})
    assert r.status_code == 403
    r = t.post(f"/api/v1/scheduled_visit/{mine}/record", json={"work_done": "", "hours": 1})
    assert r.status_code == 422
    r = t.post(f"/api/v1/scheduled_visit/{mine}/record", json={"work_done": "x", "hours": "abc"})
    assert r.status_code == 422
    r = t.post(f"/api/v1/scheduled_visit/{mine}/record", json=["x"])
    assert r.status_code == 400
    r = t.post(
        f"/api/v1/scheduled_visit/{mine}/record",
        json={"work_done": "Cleaned filters", "hours": 1.5},
    )
    assert r.status_code == 200 and r.json["state"] == "done", r.json
    m = api("Service Manager")
    assert len(m.get("/api/v1/scheduled_visit/").json["result"]) == 2
    r = m.post("/api/v1/scheduled_visit/generate", json={"contract": cid})
    assert r.status_code == 200 and r.json["created"] == []
    r = m.post("/api/v1/scheduled_visit/generate", json={"contract": "x"})
    assert r.status_code == 422
    r = m.post("/api/v1/scheduled_visit/generate", json={"contract": 987654})
    assert r.status_code == 404


def test_reimbursement_api(run, api):
    w = run(make_world)
    dc = run(
        lambda s: (
            make_contract(
                s, w["dealer"], kind="dealer", labour_rate=D("40.00"), parts_discount_pct=D("10")
            ).id
        )
    )
    m = api("Service Manager")
    r = m.post(
        "/api/v1/dealer_reimbursement/",
        json={
            "contract": dc,
            "unit": w["new_unit"],
            "work_date": TODAY.isoformat(),
            "description": "Compressor relay",
            "labour_hours": "1.5",
            "parts_amount": "50.00",
        },
    )
    assert r.status_code == 201, r.json
    rid = r.json["id"]
    for action in ("submit", "check", "approve"):
        assert m.post(f"/api/v1/dealer_reimbursement/{rid}/{action}").status_code == 200
    got = m.get(f"/api/v1/dealer_reimbursement/{rid}").json["result"]
    assert (got["labour_amount"], got["parts_reimbursed"], got["total"]) == (
        "60.00",
        "45.00",
        "105.00",
    )
    assert api("Accountant").get("/api/v1/dealer_reimbursement/").status_code == 200
    assert api("Technician").get("/api/v1/dealer_reimbursement/").status_code == 403


def test_expiring_pipeline_and_review(run, api):
    w = run(make_world)
    run(
        lambda s: make_contract(
            s,
            w["customer"],
            model_id=w["model"],
            start=TODAY - timedelta(days=350),
            end=TODAY + timedelta(days=14),
        )
    )
    v = api("Viewer")
    r = v.get(BASE + "expiring")
    assert r.status_code == 200 and len(r.json["result"]) == 1
    assert v.get(BASE + "expiring?date=bad").status_code == 400
    r = v.get(BASE + "pipeline")
    assert {x["state"]: x["count"] for x in r.json["result"]}["active"] == 1
    assert v.post(BASE + "review").status_code == 403
    r = api("Service Manager").post(BASE + "review")
    assert r.status_code == 200 and r.json["expiring"] == 1
