"""What the staff actions take: each body is read by its marshmallow schema (an unknown
field or a wrong type is a 422 naming it, and nothing is written), and the OpenAPI
description names those schemas."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from modules.staff import services
from modules.staff.models import Acknowledgement, JobDescription, Task, TimeLog
from tests.staff.helpers import make_staff, user_id


def _count(run, model) -> int:
    return run(lambda s: s.scalar(select(func.count()).select_from(model)))


def _my_task(run) -> int:
    def go(s):
        make_staff(s)
        task = Task(title="Call back", assignee_id=user_id(s, "Technician"))
        return services.create_task(s, task, user_id(s, "Service Manager")).id

    return run(go)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hours": 2, "minutes": 30}, "minutes"),
        ({"hours": "two"}, "hours"),
        ({"hours": 1.2345}, "hours"),  # more decimals than the column keeps
        ({"hours": 2, "on": "yesterday"}, "on"),
        ({"hours": 2, "note": 7}, "note"),
        ({"hours": 2, "note": "x" * 201}, "note"),
        ({"on": "2026-01-05"}, "hours"),
    ],
)
def test_time_log_body_is_checked(api, run, body, field):
    task = _my_task(run)
    r = api("Technician").post(f"/api/v1/my_task/{task}/time_log", json=body)
    assert r.status_code == 422, r.data
    assert list(r.json["message"]) == [field]
    assert _count(run, TimeLog) == 0


def test_time_log_body_records_my_hours(api, run):
    task = _my_task(run)
    body = {"hours": "1.5", "on": date.today().isoformat(), "note": "Called"}
    r = api("Technician").post(f"/api/v1/my_task/{task}/time_log", json=body)
    assert r.status_code == 201, r.data
    assert r.json["hours"] == "1.500"
    log = run(lambda s: s.execute(select(TimeLog.note, TimeLog.user_id)).one())
    assert tuple(log) == ("Called", run(lambda s: user_id(s, "Technician")))


def _published(run) -> int:
    def go(s):
        staff = make_staff(s, roles=("Technician",))
        from modules.staff.models import Employee

        jd = JobDescription(position_id=s.get(Employee, staff["Technician"]).position_id)
        jd.title = "Technician"
        services.prepare_job_description(s, jd)
        s.add(jd)
        s.flush()
        services.publish_job_description(s, jd, "hr")
        return jd.id

    return run(go)


def test_acknowledge_body_is_checked(api, run):
    jd = _published(run)
    tech = api("Technician")
    for body, field in (({"job_description": "1"}, "job_description"), ({"sign": 1}, "sign")):
        r = tech.post("/api/v1/acknowledgement/acknowledge", json=body)
        assert r.status_code == 422 and list(r.json["message"]) == [field], r.data
    assert tech.post("/api/v1/acknowledgement/acknowledge", data="[1]").status_code == 400
    assert _count(run, Acknowledgement) == 0
    r = tech.post("/api/v1/acknowledgement/acknowledge", json={"job_description": jd})
    assert r.status_code == 201, r.data


def test_steps_without_a_body_refuse_one(api, run):
    jd = _published(run)
    hr = api("HR")
    r = hr.post(f"/api/v1/job_description/{jd}/new_version", json={"title": "v2"})
    assert r.status_code == 422 and list(r.json["message"]) == ["title"]
    assert _count(run, JobDescription) == 1
    r = hr.post(f"/api/v1/job_description/{jd}/new_version")
    assert r.status_code == 201
    draft = r.json["id"]
    r = hr.post(f"/api/v1/job_description/{draft}/publish", json={"when": "now"})
    assert r.status_code == 422
    assert run(lambda s: s.get(JobDescription, draft).state) == "draft"
    assert hr.post(f"/api/v1/job_description/{draft}/publish", json={}).status_code == 200


def test_the_openapi_description_names_the_bodies(api):
    spec = api("HR").get("/api/v1/_openapi").json
    schemas = spec["components"]["schemas"]
    assert set(schemas["StaffTimeLogBody"]["properties"]) == {"hours", "on", "note"}
    assert set(schemas["StaffAcknowledgeBody"]["properties"]) == {"job_description"}
    paths = spec["paths"]

    def body_of(path: str) -> str:
        content = paths[path]["post"]["requestBody"]["content"]["application/json"]
        return content["schema"]["$ref"]

    assert body_of("/api/v1/my_task/{pk}/time_log").endswith("/StaffTimeLogBody")
    assert body_of("/api/v1/acknowledgement/acknowledge").endswith("/StaffAcknowledgeBody")
    assert body_of("/api/v1/job_description/{pk}/publish").endswith("/StaffNoBody")
