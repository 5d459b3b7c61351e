"""Intake routing, training compliance and plan, CSV exports, demo data."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from modules.partners.models import Partner
from modules.staff import services
from modules.staff.demo import load as demo_load
from modules.staff.models import (
    Employee,
    Intake,
    Responsibility,
    Task,
    TimeLog,
    TrainingProgram,
    TrainingRecord,
    TrainingSession,
)
from tests.staff.helpers import absent, make_staff, user_id

TODAY = date.today()


def _responsible(run):
    def fn(s):
        staff = make_staff(s)
        s.add(
            Responsibility(
                employee_id=staff["Technician"],
                kind="warranty",
                key="*",
                date_from=TODAY - timedelta(days=30),
            )
        )
        s.add(
            Responsibility(
                employee_id=staff["Service Manager"],
                kind="warranty",
                key="WASHERS",
                date_from=TODAY - timedelta(days=30),
                date_to=TODAY - timedelta(days=1),
            )
        )
        p = Partner(name="Maria Souza", is_customer=True)
        s.add(p)
        s.flush()
        return staff, p.id

    return run(fn)


def test_intake_routed_by_responsibility_and_deputy(run, api, ui):
    staff, partner_id = _responsible(run)
    sm = api("Service Manager")
    body = {
        "channel": "call",
        "from_name": "Maria Souza",
        "partner": partner_id,
        "subject": "Leaking washer",
        "area_kind": "warranty",
        "area_key": "WASHERS",
    }
    r = sm.post("/api/v1/intake/", json=body)
    assert r.status_code == 201, r.json
    got = sm.get(f"/api/v1/intake/{r.json['id']}").json["result"]
    tech, dep = run(lambda s: (user_id(s, "Technician"), user_id(s, "Claims Officer")))
    assert got["assignee"]["id"] == tech  # the WASHERS responsibility has ended
    assert got["number"].startswith("INT-")

    run(lambda s: absent(s, staff["Technician"], staff["Claims Officer"], TODAY, TODAY))
    r = sm.post("/api/v1/intake/", json=body)
    routed = sm.get(f"/api/v1/intake/{r.json['id']}").json["result"]
    assert routed["assignee"]["id"] == dep  # the deputy receives it during the absence
    assert routed["responsible"]["id"] == tech  # and it stays the technician's work
    r = api("HR").get("/api/v1/responsibility/propose?kind=warranty&key=WASHERS")
    assert r.status_code == 200 and r.json["user_id"] == dep
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    r = api("HR").get(f"/api/v1/responsibility/propose?kind=warranty&on={tomorrow}")
    assert r.json["user_id"] == tech
    assert api("HR").get("/api/v1/responsibility/propose?kind=").status_code == 400
    assert api("HR").get("/api/v1/responsibility/propose?kind=x&on=31.12").status_code == 400

    # nobody answers for letters about contracts: it waits in the manager's queue
    r = sm.post(
        "/api/v1/intake/",
        json={
            "channel": "letter",
            "from_name": "Dealer X",
            "subject": "Contract renewal question",
            "area_kind": "contracts",
        },
    )
    assert r.status_code == 201
    assert sm.get(f"/api/v1/intake/{r.json['id']}").json["result"]["assignee"] is None
    page = ui("Service Manager").get("/intakequeueview/list/")
    assert page.status_code == 200
    assert b"Contract renewal question" in page.data and b"Leaking washer" not in page.data
    assert ui("Technician").get("/intakequeueview/list/").status_code == 403


def test_intake_bad_input(run, api):
    _responsible(run)
    sm = api("Service Manager")
    assert (
        sm.post(
            "/api/v1/intake/", json={"channel": "fax", "from_name": "a", "subject": "b"}
        ).status_code
        == 422
    )
    assert (
        sm.post(
            "/api/v1/intake/", json={"channel": "call", "from_name": "", "subject": "b"}
        ).status_code
        == 422
    )
    assert sm.post(
        "/api/v1/intake/",
        json={"channel": "call", "from_name": "a", "subject": "b", "partner": 99999},
    ).status_code in (404, 422)
    assert run(lambda s: s.scalar(select(func.count()).select_from(Intake))) == 0


def _training(run):
    def fn(s):
        staff = make_staff(s, roles=("Technician", "Claims Officer", "HR"))
        tech_pos = s.get(Employee, staff["Technician"]).position
        safety = TrainingProgram(
            topic="Electrical safety",
            hours=Decimal("8"),
            validity_months=12,
            certificate=True,
            mandatory_for=[tech_pos],
        )
        first_aid = TrainingProgram(topic="First aid", hours=Decimal("4"), mandatory_for=[tech_pos])
        s.add_all([safety, first_aid])
        old = TrainingSession(program=safety, date_from=TODAY - timedelta(days=400))
        s.add(old)
        s.flush()
        return staff, safety.id, first_aid.id, old.id

    return run(fn)


def test_training_compliance_and_plan(run, api, ui):
    staff, safety, first_aid, old_session = _training(run)
    hr = api("HR")
    # a passed certificate course needs a certificate number
    body = {"session": old_session, "employee": staff["Technician"], "result": "passed"}
    assert hr.post("/api/v1/training_record/", json=body).status_code == 422
    body["certificate_no"] = "ES-1"
    r = hr.post("/api/v1/training_record/", json=body)
    assert r.status_code == 201, r.json
    rec = hr.get(f"/api/v1/training_record/{r.json['id']}").json["result"]
    assert rec["expires_on"] is not None and rec["expires_on"] < TODAY.isoformat()
    assert hr.post("/api/v1/training_record/", json=body).status_code == 409  # same person twice

    gaps = {
        (g["program_id"], g["status"])
        for g in hr.get("/api/v1/staff_report/compliance").json["result"]
    }
    assert gaps == {(safety, "expired"), (first_aid, "missing")}

    # a fresh session fixes the safety gap
    r = hr.post(
        "/api/v1/training_session/", json={"program": safety, "date_from": TODAY.isoformat()}
    )
    assert r.status_code == 201
    r = hr.post(
        "/api/v1/training_record/",
        json={
            "session": r.json["id"],
            "result": "passed",
            "employee": staff["Technician"],
            "certificate_no": "ES-2",
            "score": 90,
        },
    )
    assert r.status_code == 201
    gaps = hr.get("/api/v1/staff_report/compliance").json["result"]
    assert [(g["program_id"], g["status"]) for g in gaps] == [(first_aid, "missing")]
    plan = hr.get("/api/v1/staff_report/plan").json
    assert plan["quarter_start"] > TODAY.isoformat()
    assert {n["program_id"] for n in plan["needs"]} == {first_aid}
    page = ui("HR").get("/staffreports/compliance")
    assert page.status_code == 200 and b"First aid" in page.data
    assert ui("HR").get("/staffreports/plan").status_code == 200
    # the technician sees his own training only
    mine = api("Technician").get("/api/v1/my_training/").json["result"]
    assert len(mine) == 2
    assert api("Claims Officer").get("/api/v1/my_training/").json["result"] == []
    assert api("Technician").post("/api/v1/training_record/", json=body).status_code == 403


def test_training_record_rules(run, api):
    staff, safety, _, old_session = _training(run)
    hr = api("HR")
    base = {"session": old_session, "employee": staff["Technician"]}
    assert hr.post("/api/v1/training_record/", json={**base, "result": "won"}).status_code == 422
    r = hr.post(
        "/api/v1/training_record/", json={**base, "result": "failed", "certificate_no": "X"}
    )
    assert r.status_code == 422
    r = hr.post(
        "/api/v1/training_record/",
        json={**base, "result": "passed", "score": 101, "certificate_no": "X"},
    )
    assert r.status_code == 422
    assert run(lambda s: s.scalar(select(func.count()).select_from(TrainingRecord))) == 0


def _rows(resp):
    assert resp.status_code == 200, resp.data[:300]
    return list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))


def test_exports(run, api):
    staff, safety, _, old_session = _training(run)

    def fn(s):
        rec = TrainingRecord(
            session_id=old_session,
            employee_id=staff["Technician"],
            result="passed",
            certificate_no="ES-9",
        )
        services.check_record(s, rec)
        s.add(rec)
        task = Task(title="Fix the pump", assignee_id=user_id(s, "Technician"))
        services.create_task(s, task)
        for d, h in ((TODAY - timedelta(days=40), "2.5"), (TODAY, "1.25")):
            s.add(TimeLog(task=task, user_id=user_id(s, "Technician"), on=d, hours=Decimal(h)))

    run(fn)
    acc = api("Accountant")
    rows = _rows(acc.get("/api/v1/csv/export/training_records"))
    assert len(rows) == 1
    assert rows[0]["employee"] == "Technician Person" and rows[0]["certificate_no"] == "ES-9"
    assert rows[0]["program"] == "Electrical safety" and rows[0]["result"] == "passed"
    since = (TODAY - timedelta(days=7)).isoformat()
    rows = _rows(acc.get(f"/api/v1/csv/export/task_hours?date_from={since}"))
    assert [(r["employee"], r["hours"], r["task"]) for r in rows] == [
        ("Technician Person", "1.250", f"TSK-{TODAY.year}-00001")
    ]
    rows = _rows(acc.get("/api/v1/csv/export/task_hours?decimal=,"))
    assert sorted(r["hours"] for r in rows) == ["1,250", "2,500"]
    assert api("Technician").get("/api/v1/csv/export/task_hours").status_code == 403
    bad = acc.get("/api/v1/csv/export/task_hours?date_from=yesterday")
    assert bad.status_code == 400


def test_demo_is_idempotent(run):
    run(lambda s: demo_load(s, "small"))
    counts = run(
        lambda s: (
            s.scalar(select(func.count()).select_from(Employee)),
            s.scalar(select(func.count()).select_from(Task)),
        )
    )
    run(lambda s: demo_load(s, "small"))
    again = run(
        lambda s: (
            s.scalar(select(func.count()).select_from(Employee)),
            s.scalar(select(func.count()).select_from(Task)),
        )
    )
    assert counts == again
    assert counts[0] >= 3  # admin, hr, accountant, viewer exist among the test users


def test_my_requests_shows_what_was_routed_to_me_and_lets_me_close_it(run, api, ui):
    staff, partner_id = _responsible(run)
    body = {
        "channel": "visit",
        "from_name": "Ana",
        "partner": partner_id,
        "subject": "Noisy pump",
        "area_kind": "warranty",
    }
    intake = api("Service Manager").post("/api/v1/intake/", json=body).json["id"]
    tech = ui("Technician")
    page = tech.get("/myintakeview/list/")
    assert page.status_code == 200 and b"Noisy pump" in page.data
    assert b"Noisy pump" not in ui("HR").get("/myintakeview/list/").data
    r = tech.post(f"/myintakeview/edit/{intake}", data={"description": "Visited", "closed": "y"})
    assert r.status_code == 302
    closed = run(lambda s: s.get(Intake, intake).closed)
    assert closed is True
    assert tech.get("/myintakeview/add").status_code == 404
