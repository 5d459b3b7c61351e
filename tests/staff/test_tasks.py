"""Tasks: numbering, transitions (legal and not), overdue, time, KPIs via signals."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from app import signals
from app.models import StateTransition
from modules.staff.models import KpiEvent, Task
from tests.staff.helpers import make_staff, user_id

TODAY = date.today()


def _new_task(api, run, **extra):
    tech = run(lambda s: user_id(s, "Technician"))
    body = {
        "title": "Call the customer back",
        "assignee": tech,
        "priority": "high",
        "due_date": (TODAY + timedelta(days=2)).isoformat(),
        "ref_type": "repair",
        "ref_id": "RO-2026-00007",
        **extra,
    }
    r = api("Service Manager").post("/api/v1/task/", json=body)
    assert r.status_code == 201, r.json
    return r.json["id"]


def _history(run, task_id):
    return run(
        lambda s: s.scalar(
            select(func.count()).where(
                StateTransition.doc_id == task_id, StateTransition.doc_type == "stf_task"
            )
        )
    )


def test_task_life_and_illegal_transitions(run, api):
    run(lambda s: make_staff(s))
    task_id = _new_task(api, run)
    sm = api("Service Manager")
    got = sm.get(f"/api/v1/task/{task_id}").json["result"]
    assert got["number"] == f"TSK-{TODAY.year}-00001"
    assert got["state"] == "open" and got["ref_id"] == "RO-2026-00007"
    assert sm.post(f"/api/v1/task/{task_id}/start").json["state"] == "in_progress"
    r = sm.post(f"/api/v1/task/{task_id}/complete", json={"comment": "done"})
    assert r.status_code == 200 and r.json["allowed"] == ["reopen"]
    steps = _history(run, task_id)
    r = sm.post(f"/api/v1/task/{task_id}/start")
    assert r.status_code == 409
    assert sm.post(f"/api/v1/task/{task_id}/explode").status_code == 400
    assert _history(run, task_id) == steps
    assert sm.get(f"/api/v1/task/{task_id}").json["result"]["state"] == "done"
    hist = sm.get(f"/api/v1/task/{task_id}/history").json["result"]
    assert [h["to"] for h in hist] == ["open", "in_progress", "done"]
    # the done task counts in the KPIs, on time
    kpi = sm.get("/api/v1/staff_report/kpi").json["result"]
    assert kpi[0]["tasks_done"] == 1 and kpi[0]["tasks_on_time"] == 1


def test_cancel_needs_a_comment(run, api):
    run(lambda s: make_staff(s))
    task_id = _new_task(api, run)
    sm = api("Service Manager")
    assert sm.post(f"/api/v1/task/{task_id}/cancel").status_code == 422
    assert sm.post(f"/api/v1/task/{task_id}/cancel", json={"comment": 5}).status_code == 422
    r = sm.post(f"/api/v1/task/{task_id}/cancel", json={"comment": "duplicate"})
    assert r.status_code == 200 and r.json["state"] == "cancelled"


def test_bad_input_and_rights(run, api):
    run(lambda s: make_staff(s))
    sm = api("Service Manager")
    assert sm.post("/api/v1/task/", json={"title": "x", "priority": "huge"}).status_code == 422
    assert sm.post("/api/v1/task/", json={"priority": "low"}).status_code == 422
    assert sm.post("/api/v1/task/", json={"title": "x", "ref_type": "repair"}).status_code == 422
    assert sm.post("/api/v1/task/", json={"title": "x", "assignee": 999999}).status_code in (
        404,
        422,
    )
    assert sm.post("/api/v1/task/", data="nope", content_type="application/json").status_code == 400
    assert run(lambda s: s.scalar(select(func.count()).select_from(Task))) == 0
    task_id = _new_task(api, run)
    assert sm.delete(f"/api/v1/task/{task_id}").status_code == 409
    assert api("Technician").post("/api/v1/task/", json={"title": "x"}).status_code == 403
    assert api("Accountant").get("/api/v1/task/").status_code == 200
    assert api("Viewer").get("/api/v1/task/").status_code == 403
    assert api(None).get("/api/v1/my_task/").status_code == 401
    tech = api("Technician")
    r = tech.post(f"/api/v1/my_task/{task_id}/time_log", json={"hours": 30})
    assert r.status_code == 422
    r = tech.post(f"/api/v1/my_task/{task_id}/time_log", json={"hours": "many"})
    assert r.status_code == 422


def test_my_task_created_for_myself(run, api):
    run(lambda s: make_staff(s))
    tech = api("Technician")
    r = tech.post("/api/v1/my_task/", json={"title": "Clean the bench"})
    assert r.status_code == 201, r.json
    got = tech.get(f"/api/v1/my_task/{r.json['id']}").json["result"]
    assert got["assignee"]["id"] == run(lambda s: user_id(s, "Technician"))


def test_overdue_stands_out(run, api, ui):
    run(lambda s: make_staff(s))
    late = _new_task(api, run, title="Late one", due_date=(TODAY - timedelta(days=1)).isoformat())
    _new_task(api, run, title="Fine one")
    rows = {r["id"]: r for r in api("Service Manager").get("/api/v1/task/").json["result"]}
    assert rows[late]["overdue"] is True
    assert sum(r["overdue"] for r in rows.values()) == 1
    page = ui("Technician").get("/mytaskview/list/")
    assert page.status_code == 200
    assert page.data.count(b"as-overdue label") == 1
    page = ui("Service Manager").get("/taskview/list/")
    assert b"as-overdue" in page.data


def test_ui_transition_and_show(run, api, ui):
    run(lambda s: make_staff(s))
    task_id = _new_task(api, run)
    client = ui("Technician")
    page = client.get(f"/mytaskview/show/{task_id}")
    assert page.status_code == 200 and b"as-transition" in page.data
    r = client.post(f"/mytaskview/transition/{task_id}/start", data={})
    assert r.status_code == 302
    assert run(lambda s: s.get(Task, task_id).state) == "in_progress"
    r = client.post(f"/mytaskview/transition/{task_id}/start", data={})
    assert run(lambda s: s.get(Task, task_id).state) == "in_progress"
    # someone else's task is hidden by the record rule: 404, nothing of it shown
    r = ui("Warehouse Clerk").get(f"/mytaskview/show/{task_id}")
    assert r.status_code == 404 and "Call the customer back" not in r.get_data(as_text=True)


def test_kpis_from_other_modules_signals(run, api, ui):
    def fn(s):
        staff = make_staff(s)
        tech = user_id(s, "Technician")
        t0 = datetime(2026, 3, 1, 8, tzinfo=UTC)
        signals.repair_completed.send(
            "warranty",
            session=s,
            repair_id=1,
            technician_user_id=tech,
            opened_at=t0,
            closed_at=t0 + timedelta(hours=10),
            on_time=True,
        )
        signals.repair_completed.send(
            "warranty",
            session=s,
            repair_id=2,
            technician_user_id=tech,
            opened_at=t0,
            closed_at=t0 + timedelta(hours=20),
            on_time=False,
        )
        signals.claim_closed.send(
            "claims",
            session=s,
            claim_id=3,
            officer_user_id=tech,
            opened_at=t0,
            closed_at=t0 + timedelta(hours=5),
            on_time=True,
        )
        signals.satisfaction_recorded.send(
            "claims", session=s, score=4, subject_type="claim", subject_id=3, employee_user_id=tech
        )
        signals.satisfaction_recorded.send(
            "claims", session=s, score=9, subject_type="claim", subject_id=3, employee_user_id=tech
        )
        return staff

    run(fn)
    assert run(lambda s: s.scalar(select(func.count()).select_from(KpiEvent))) == 4
    row = api("Service Manager").get("/api/v1/staff_report/kpi").json["result"][0]
    assert row["employee"] == "Technician Person"
    assert row["repairs_closed"] == 2 and row["repairs_avg_hours"] == 15.0
    assert row["repairs_on_time"] == 1
    assert row["claims_closed"] == 1 and row["satisfaction"] == 4.0
    assert api("Technician").get("/api/v1/staff_report/kpi").status_code == 403
    assert api("Service Manager").get("/api/v1/staff_report/kpi?date_from=xx").status_code == 400
    page = ui("Service Manager").get("/staffreports/kpi")
    assert page.status_code == 200 and b"Technician Person" in page.data


def test_task_lookup_offers_only_the_tasks_a_user_may_see(api, run, ui):
    run(lambda s: make_staff(s))
    _new_task(api, run)  # assigned to the technician
    _new_task(api, run, assignee=run(lambda s: user_id(s, "Claims Officer")), title="Other")
    seen = ui("Technician").get("/lookup/stf_task/").json["results"]
    assert len(seen) == 1 and "Call the customer back" in seen[0]["text"]
    assert len(ui("Service Manager").get("/lookup/stf_task/").json["results"]) == 2


def test_reopened_and_completed_again_counts_once(api, run):
    run(lambda s: make_staff(s))
    task = _new_task(api, run)
    manager = api("Service Manager")
    for action in ("complete", "reopen", "complete"):
        assert manager.post(f"/api/v1/task/{task}/{action}").status_code == 200
    events = run(lambda s: s.scalar(select(func.count()).select_from(KpiEvent)))
    assert events == 1


def test_the_assignee_cannot_cancel_the_managers_task(api, run):
    run(lambda s: make_staff(s))
    task = _new_task(api, run)
    tech = api("Technician")
    r = tech.post(f"/api/v1/my_task/{task}/cancel", json={"comment": "not mine"})
    assert r.status_code == 403
    assert tech.post(f"/api/v1/my_task/{task}/start").status_code == 200
    state = run(lambda s: s.get(Task, task).state)
    assert state == "in_progress"


def test_time_log_refuses_nan_and_future_days(api, run):
    run(lambda s: make_staff(s))
    task = _new_task(api, run)
    tech = api("Technician")
    for body in (
        {"hours": "NaN"},
        {"hours": "Infinity"},
        {"hours": 2, "on": (TODAY + timedelta(days=3)).isoformat()},
    ):
        r = tech.post(f"/api/v1/my_task/{task}/time_log", json=body)
        assert r.status_code in (400, 422), (body, r.status_code, r.data[:200])
    assert tech.post(f"/api/v1/my_task/{task}/time_log", json={"hours": 1.5}).status_code == 201
