"""The claims REST API: contract resource names, actions, deadlines, rights and bad input."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from modules.claims import services
from modules.claims.models import Claim, SatisfactionRequest
from modules.warranty.services import open_repair
from tests.claims.helpers import make_world, user_id


def test_register_claim_and_read_its_deadlines(api, run):
    w = run(make_world)
    officer = api("Claims Officer")
    today = date.today()
    r = officer.post(
        "/api/v1/claim/",
        json={
            "customer": w["customer"],
            "unit": w["unit"],
            "demand": "refund",
            "channel": "email",
            "received_on": (today - timedelta(days=3)).isoformat(),
            "description": "The drum leaks",
        },
    )
    assert r.status_code == 201, r.json
    pk = r.json["id"]
    r = officer.get(f"/api/v1/claim/{pk}")
    result = r.json["result"]
    assert result["number"].startswith("CL-") and result["state"] == "new"
    assert result["officer"]["id"] == run(lambda s: user_id(s, "Claims Officer"))
    fulfil = next(d for d in result["deadlines"] if d["kind"] == "fulfilment")
    assert fulfil["code"] == "refund" and fulfil["basis"] == "Law 2300-1 art. 22"
    r = officer.get(f"/api/v1/claim/{pk}/deadlines?today=2030-01-01")
    assert r.status_code == 200
    codes = {d["code"]: d for d in r.json["result"]}
    assert set(codes) >= {"claim_answer", "refund"}
    assert codes["refund"]["overdue"] is True and codes["refund"]["days_left"] < 0
    assert float(codes["refund"]["penalty"]) > 0
    assert officer.get(f"/api/v1/claim/{pk}/deadlines?today=soon").status_code == 400
    r = officer.get("/api/v1/claim/")
    assert r.json["result"][0]["days_left"] is not None


def test_actions_answer_settle_close(api, run):
    w = run(make_world)
    pk = run(lambda s: services.register_claim(s, "Leak", unit_id=w["unit"], demand="refund").id)
    officer = api("Claims Officer")
    assert officer.post(f"/api/v1/claim/{pk}/close").status_code == 409
    assert officer.post(f"/api/v1/claim/{pk}/start_review").json["state"] == "under_review"
    r = officer.post(f"/api/v1/claim/{pk}/accept", json={})
    assert r.status_code == 422 and "comment" in r.json["message"]
    r = officer.post(f"/api/v1/claim/{pk}/accept", json={"comment": "We refund."})
    assert r.status_code == 200 and "resolve" in r.json["allowed"]
    for body in ({"resolution": "refund", "amount": "-3"}, {"resolution": "magic"}, [1]):
        r = officer.post(f"/api/v1/claim/{pk}/settle", json=body)
        assert r.status_code in (400, 422), body
    r = officer.post(f"/api/v1/claim/{pk}/settle", json={"resolution": "refund", "amount": "480"})
    assert r.status_code == 200 and r.json["compensation_amount"] == "480.00"
    assert officer.post(f"/api/v1/claim/{pk}/resolve").status_code == 200
    assert officer.post(f"/api/v1/claim/{pk}/close").status_code == 200
    assert officer.put(f"/api/v1/claim/{pk}", json={"notes": "x"}).status_code == 409
    assert officer.delete(f"/api/v1/claim/{pk}").status_code == 409
    steps = officer.get(f"/api/v1/claim/{pk}/history").json["result"]
    assert [s["to"] for s in steps] == ["new", "under_review", "accepted", "resolved", "closed"]
    assert run(lambda s: s.scalar(select(SatisfactionRequest.claim_id))) == pk


def test_bad_input_is_refused_and_nothing_written(api, run):
    w = run(make_world)
    officer = api("Claims Officer")
    bad = [
        {"customer": w["customer"], "description": ""},
        {"customer": w["customer"], "description": "x", "demand": "magic"},
        {"customer": 999999, "description": "x"},
        {"customer": w["customer"], "description": "x", "received_on": "2999-01-01"},
        {"customer": w["customer"], "description": "x", "jurisdiction": "FR"},
        {"customer": w["customer"], "description": "x", "price": "-5"},
    ]
    for body in bad:
        r = officer.post("/api/v1/claim/", json=body)
        assert r.status_code in (400, 422), (body, r.status_code, r.json)
    assert run(lambda s: s.scalar(select(Claim.id))) is None


def test_technician_reads_only_claims_of_his_repairs(api, run):
    def setup(s):
        w = make_world(s)
        mine = services.register_claim(s, "Leak", unit_id=w["unit"])
        services.start_repair(s, mine, technician_id=user_id(s, "Technician"))
        other = services.register_claim(s, "Noise", unit_id=w["unit"])
        return mine.id, other.id

    mine, other = run(setup)
    tech = api("Technician")
    ids = [row["id"] for row in tech.get("/api/v1/claim/").json["result"]]
    assert ids == [mine]
    assert tech.get(f"/api/v1/claim/{other}").status_code == 404
    assert tech.get(f"/api/v1/claim/{mine}/deadlines").status_code == 200
    assert tech.post(f"/api/v1/claim/{mine}/start_review").status_code == 403
    assert len(api("Viewer").get("/api/v1/claim/").json["result"]) == 2


def test_examination_through_the_api_decides_the_claim(api, run):
    w = run(make_world)
    pk = run(lambda s: services.register_claim(s, "Leak", unit_id=w["unit"], demand="refund").id)
    officer = api("Claims Officer")
    r = officer.post(
        "/api/v1/expert_examination/",
        json={"claim": pk, "organisation": "Lab", "questions": "Cause?"},
    )
    assert r.status_code == 201, r.json
    exam = r.json["id"]
    assert officer.get(f"/api/v1/claim/{pk}").json["result"]["state"] == "expert_examination"
    assert officer.post(f"/api/v1/expert_examination/{exam}/conclude").status_code == 422
    r = officer.put(
        f"/api/v1/expert_examination/{exam}",
        json={"cause_found": "misuse", "conclusion": "Dropped", "cost": "150"},
    )
    assert r.status_code == 200, r.json
    assert officer.post(f"/api/v1/expert_examination/{exam}/conclude").status_code == 200
    claim = officer.get(f"/api/v1/claim/{pk}").json["result"]
    assert claim["state"] == "rejected" and claim["examinations"][0]["paid_by"] == "consumer"


def test_detection_defect_codes_proposals_and_rights(api, run):
    manager, officer = api("Service Manager"), api("Claims Officer")
    assert officer.post("/api/v1/systemic_alert/detect").status_code == 403
    r = manager.post("/api/v1/systemic_alert/detect")
    assert r.status_code == 200 and r.json["opened"] == []
    assert manager.get("/api/v1/systemic_alert/rates").status_code == 200
    r = officer.post("/api/v1/defect_code/", json={"code": "NOISE", "name": "Noise"})
    assert r.status_code == 201
    assert (
        officer.post("/api/v1/defect_code/", json={"code": "NOISE", "name": "x"}).status_code == 409
    )
    w = run(make_world)
    r = manager.post(
        "/api/v1/production_proposal/",
        json={
            "equipment_model": w["model"],
            "kind": "withdraw",
            "title": "Stop",
            "rationale": "Leaks",
        },
    )
    assert r.status_code == 201, r.json
    assert officer.post(f"/api/v1/production_proposal/{r.json['id']}/submit").status_code == 403
    assert manager.post(f"/api/v1/production_proposal/{r.json['id']}/submit").status_code == 200


def test_supplier_claim_life(api, run):
    w = run(make_world)
    officer = api("Claims Officer")
    r = officer.post(
        "/api/v1/supplier_claim/",
        json={"supplier": w["customer"], "description": "Bad pumps", "amount": "300"},
    )
    assert r.status_code == 422  # a customer is not a supplier
    r = officer.post(
        "/api/v1/supplier_claim/",
        json={"supplier": w["supplier"], "description": "Bad pumps", "amount": "300"},
    )
    assert r.status_code == 201, r.json
    pk = r.json["id"]
    r = officer.post(f"/api/v1/supplier_claim/{pk}/send")
    assert r.status_code == 200
    assert officer.get(f"/api/v1/supplier_claim/{pk}").json["result"]["due_date"] is not None
    officer.post(f"/api/v1/supplier_claim/{pk}/accept")
    assert officer.post(f"/api/v1/supplier_claim/{pk}/settle").status_code == 422
    officer.put(f"/api/v1/supplier_claim/{pk}", json={"recovered_amount": "300"})
    assert officer.post(f"/api/v1/supplier_claim/{pk}/settle").json["state"] == "settled"


def test_satisfaction_report_api(api, run):
    def setup(s):
        w = make_world(s)
        ro = open_repair(s, w["unit"], "Leak", technician_id=user_id(s, "Technician"))
        from modules.claims.services.satisfaction import request_for_repair

        return request_for_repair(s, ro.id).token

    token = run(setup)
    run(lambda s: services.answer(s, token, 4))
    manager = api("Service Manager")
    r = manager.get("/api/v1/satisfaction/report?by=employee")
    assert r.status_code == 200 and r.json["result"][0]["label"] == "technician"
    assert manager.get("/api/v1/satisfaction/report?by=planet").status_code == 400
    assert manager.post("/api/v1/satisfaction/", json={}).status_code == 405
    assert api("Technician").get("/api/v1/satisfaction/").status_code == 403


def test_the_list_counts_days_left_as_the_claims_page(api, run):
    """One count of days left per claim: the list's and the record's agree, and a claim
    whose demand was fulfilled has none left (the list does not call it overdue)."""
    w = run(make_world)
    received = date.today() - timedelta(days=40)

    def register(s):
        claim = services.register_claim(
            s, "Leak", unit_id=w["unit"], demand="refund", received_on=received
        )
        return claim.id

    late, settled = run(register), run(register)
    run(lambda s: setattr(s.get(Claim, settled), "fulfilled_on", received + timedelta(days=2)))
    officer = api("Claims Officer")
    rows = {
        pk: row
        for pk, row in zip(
            *(lambda j: (j["ids"], j["result"]))(officer.get("/api/v1/claim/").json), strict=True
        )
    }
    for pk in (late, settled):
        one = officer.get(f"/api/v1/claim/{pk}").json["result"]
        assert rows[pk]["days_left"] == one["days_left"]
    assert rows[late]["days_left"] < 0 and rows[late]["overdue"] is True
    assert rows[settled]["days_left"] is None and rows[settled]["overdue"] is False
