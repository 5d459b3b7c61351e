"""The deputy sees and acts on an absent colleague's tasks during the absence, not after."""

from datetime import date, timedelta

from sqlalchemy import func, select

from app.models import StateTransition
from modules.staff import services
from modules.staff.models import Task, TimeLog
from tests.staff.helpers import absent, make_staff, user_id

TODAY = date.today()


def _setup(run, absence: tuple[date, date] | None):
    def fn(s):
        staff = make_staff(s)
        task = Task(
            title="Repair the pump",
            assignee_id=user_id(s, "Technician"),
            due_date=TODAY + timedelta(days=3),
        )
        services.create_task(s, task)
        if absence:
            absent(s, staff["Technician"], staff["Claims Officer"], *absence)
        return task.id, staff

    return run(fn)


def _ids(resp):
    return {r["id"] for r in resp.json["result"]}


def test_deputy_sees_and_acts_on_task_during_absence(run, api, ui):
    task_id, _ = _setup(run, (TODAY - timedelta(days=1), TODAY + timedelta(days=5)))
    deputy = api("Claims Officer")
    assert task_id in _ids(deputy.get("/api/v1/my_task/"))
    assert deputy.get(f"/api/v1/my_task/{task_id}").status_code == 200
    r = deputy.post(f"/api/v1/my_task/{task_id}/start")
    assert r.status_code == 200, r.json
    assert r.json["state"] == "in_progress"
    r = deputy.post(f"/api/v1/my_task/{task_id}/time_log", json={"hours": 1.5})
    assert r.status_code == 201, r.json
    page = ui("Claims Officer").get("/mytaskview/list/")
    assert page.status_code == 200 and b"Repair the pump" in page.data
    # the absent person still sees his own task
    assert task_id in _ids(api("Technician").get("/api/v1/my_task/"))
    # someone else does not
    assert task_id not in _ids(api("Warehouse Clerk").get("/api/v1/my_task/"))


def test_after_the_absence_the_work_returns(run, api, ui):
    task_id, _ = _setup(run, (TODAY - timedelta(days=10), TODAY - timedelta(days=1)))
    deputy = api("Claims Officer")
    assert task_id not in _ids(deputy.get("/api/v1/my_task/"))
    assert deputy.get(f"/api/v1/my_task/{task_id}").status_code == 404
    assert deputy.post(f"/api/v1/my_task/{task_id}/start").status_code == 404
    r = deputy.post(f"/api/v1/my_task/{task_id}/time_log", json={"hours": 1})
    assert r.status_code == 404
    assert b"Repair the pump" not in ui("Claims Officer").get("/mytaskview/list/").data
    assert run(lambda s: s.scalar(select(func.count()).select_from(TimeLog))) == 0
    state = run(lambda s: s.get(Task, task_id).state)
    assert state == "open"
    assert task_id in _ids(api("Technician").get("/api/v1/my_task/"))


def test_future_absence_changes_nothing_today(run, api):
    task_id, _ = _setup(run, (TODAY + timedelta(days=2), TODAY + timedelta(days=9)))
    assert task_id not in _ids(api("Claims Officer").get("/api/v1/my_task/"))


def test_acting_for_and_effective_assignee(run):
    def fn(s):
        staff = make_staff(s)
        tech, dep = user_id(s, "Technician"), user_id(s, "Claims Officer")
        absent(s, staff["Technician"], staff["Claims Officer"], TODAY, TODAY + timedelta(days=2))
        return (
            services.acting_for(s, dep, TODAY),
            services.acting_for(s, dep, TODAY + timedelta(days=3)),
            services.effective_assignee(s, tech, TODAY),
            services.effective_assignee(s, tech, TODAY + timedelta(days=3)),
            tech,
            dep,
        )

    during, after, eff_during, eff_after, tech, dep = run(fn)
    assert during == {dep, tech}
    assert after == {dep}
    assert eff_during == dep
    assert eff_after == tech


def test_deputy_chain_and_loops_terminate(run):
    def fn(s):
        staff = make_staff(s)
        t, c, m = staff["Technician"], staff["Claims Officer"], staff["Service Manager"]
        absent(s, t, c, TODAY, TODAY)
        absent(s, c, m, TODAY, TODAY)
        absent(s, m, t, TODAY, TODAY)  # everybody away: a loop
        return (
            services.acting_for(s, user_id(s, "Service Manager"), TODAY),
            {user_id(s, r) for r in ("Technician", "Claims Officer", "Service Manager")},
            services.effective_assignee(s, user_id(s, "Technician"), TODAY),
        )

    acting, everyone, eff = run(fn)
    assert acting == everyone
    assert eff in everyone


def test_absence_rules(run, api):
    staff = run(lambda s: make_staff(s))
    hr = api("HR")
    body = {
        "employee": staff["Technician"],
        "deputy": staff["Technician"],
        "kind": "vacation",
        "date_from": "2026-07-01",
        "date_to": "2026-07-10",
    }
    assert hr.post("/api/v1/absence/", json=body).status_code == 422
    body["deputy"] = staff["Claims Officer"]
    body["date_to"] = "2026-06-01"
    assert hr.post("/api/v1/absence/", json=body).status_code == 422
    body["date_to"] = "2026-07-10"
    body["kind"] = "holiday-ish"
    assert hr.post("/api/v1/absence/", json=body).status_code == 422
    body["kind"] = "business_trip"
    r = hr.post("/api/v1/absence/", json=body)
    assert r.status_code == 201, r.json
    assert api("Technician").post("/api/v1/absence/", json=body).status_code == 403


def test_transitions_history_recorded_for_deputy(run, api):
    task_id, _ = _setup(run, (TODAY, TODAY))
    api("Claims Officer").post(f"/api/v1/my_task/{task_id}/complete")
    steps = run(
        lambda s: s.scalars(
            select(StateTransition.username).where(StateTransition.doc_id == task_id)
        ).all()
    )
    assert steps[-1] == "claims_officer"


def test_overlapping_absences_and_manager_cycles_are_refused(run, api):
    staff = run(lambda s: make_staff(s))
    hr = api("HR")
    body = {
        "employee": staff["Technician"],
        "kind": "vacation",
        "date_from": "2026-12-01",
        "date_to": "2026-12-10",
    }
    assert hr.post("/api/v1/absence/", json=body).status_code == 201
    r = hr.post(
        "/api/v1/absence/",
        json={**body, "kind": "sickness", "date_from": "2026-12-10", "date_to": "2026-12-12"},
    )
    assert r.status_code == 422 and "date_from" in r.json["message"]
    ok = {**body, "date_from": "2026-12-11", "date_to": "2026-12-12"}
    assert hr.post("/api/v1/absence/", json=ok).status_code == 201

    tech, claims = staff["Technician"], staff["Claims Officer"]
    assert hr.put(f"/api/v1/employee/{claims}", json={"manager": tech}).status_code == 200
    r = hr.put(f"/api/v1/employee/{tech}", json={"manager": claims})
    assert r.status_code == 422 and "manager" in r.json["message"]


def test_the_deputy_holds_the_absent_colleagues_rights_only_during_the_absence(run, api):
    """HR may not write partners; standing in for an absent claims officer, who may,
    the HR user may -- during the absence and not after."""
    from tests.staff.helpers import make_staff as _make

    staff = run(lambda s: _make(s, roles=("Claims Officer", "HR")))
    hr = api("HR")
    body = {"name": "Via deputy", "is_customer": True}
    assert hr.post("/api/v1/partner/", json=body).status_code == 403
    run(lambda s: absent(s, staff["Claims Officer"], staff["HR"], TODAY, TODAY))
    assert api("HR").post("/api/v1/partner/", json=body).status_code == 201
    run(lambda s: _end_absences(s))
    assert api("HR").post("/api/v1/partner/", json={**body, "name": "After"}).status_code == 403


def _end_absences(session):
    from modules.staff.models import Absence

    for a in session.query(Absence):
        a.date_from = a.date_to = TODAY - timedelta(days=10)
