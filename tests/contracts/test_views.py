"""The screens: list with stages and stuck flags, the show page's stage buttons and
files, the pipeline, renewals and SLA pages, a technician's own visits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from app.models import StateTransition
from modules.contracts.models import ScheduledVisit, ServiceContract
from tests.contracts.helpers import TODAY, make_contract, make_world, user_id


def contracts_and_steps(contract_id: int):
    """(contracts stored, steps recorded for this one): a renewal adds to both."""
    return lambda s: (
        s.scalar(select(func.count(ServiceContract.id))),
        s.scalar(
            select(func.count(StateTransition.id)).where(
                StateTransition.doc_type == "ctr_service_contract",
                StateTransition.doc_id == contract_id,
            )
        ),
    )


def test_list_show_and_transition_buttons(run, ui):
    w = run(make_world)

    def setup(session):
        active = make_contract(session, w["customer"], model_id=w["model"], title="Gold AC")
        stuck = make_contract(session, w["customer"], stage="negotiation", title="Slow deal")
        session.execute(
            update(ServiceContract)
            .where(ServiceContract.id == stuck.id)
            .values(state_since=datetime.now(UTC) - timedelta(days=40))
        )
        return active.id, stuck.id

    active, stuck = run(setup)
    m = ui("Service Manager")
    page = m.get("/servicecontractview/list/").get_data(as_text=True)
    assert "Gold AC" in page and "Slow deal" in page
    assert page.count("as-stuck") == 1
    show = m.get(f"/servicecontractview/show/{active}").get_data(as_text=True)
    assert "/transition/" in show and "renew" in show and "terminate" in show
    assert "/attachments/ctr_service_contract/" in show  # documents of each stage
    r = m.post(f"/servicecontractview/transition/{stuck}/approve", data={"comment": "ok"})
    assert r.status_code == 302
    assert run(lambda s: s.get(ServiceContract, stuck).state) == "approved"
    r = m.post(f"/servicecontractview/transition/{active}/terminate", data={})
    assert r.status_code == 302  # refused with a message: a comment is needed
    assert run(lambda s: s.get(ServiceContract, active).state) == "active"
    v = ui("Viewer")
    assert v.get("/servicecontractview/list/").status_code == 200
    # a reader is refused (the 403 page): not renewed, no next period, no step recorded
    before = run(contracts_and_steps(active))
    r = v.post(f"/servicecontractview/transition/{active}/renew")
    assert r.status_code == 403
    assert "You do not have access to this page" in r.get_data(as_text=True)
    assert run(lambda s: s.get(ServiceContract, active).state) == "active"
    assert run(contracts_and_steps(active)) == before


def test_report_pages(run, ui):
    w = run(make_world)
    run(
        lambda s: make_contract(
            s,
            w["customer"],
            model_id=w["model"],
            start=TODAY - timedelta(days=350),
            end=TODAY + timedelta(days=10),
            title="Ends soon",
        )
    )
    m = ui("Service Manager")
    assert "as-pipeline" in m.get("/contractreports/pipeline").get_data(as_text=True)
    page = m.get("/contractreports/renewals").get_data(as_text=True)
    assert "Ends soon" in page and "as-review" in page
    r = m.post("/contractreports/review", follow_redirects=False)
    assert r.status_code == 302
    assert run(lambda s: s.scalar(select(ServiceContract.state))) == "expiring"
    assert m.get("/contractreports/sla").status_code == 200
    assert m.get("/contractreports/sla?date_from=bad").status_code == 303  # flashed, no 500
    acc = ui("Accountant")
    page = acc.get("/contractreports/renewals").get_data(as_text=True)
    assert "Ends soon" in page and "as-review" not in page
    assert ui("Technician").get("/contractreports/renewals").status_code == 403


def test_technician_sees_his_own_visits(run, ui):
    w = run(make_world)

    def setup(session):
        make_contract(session, w["customer"], model_id=w["model"], visits_per_year=2)
        first, second = session.scalars(select(ScheduledVisit).order_by(ScheduledVisit.seq))
        first.technician_id = user_id(session, "Technician")
        first.notes = "Mine"
        second.notes = "Not mine"
        return first.id, second.id

    mine, other = run(setup)
    t = ui("Technician")
    page = t.get("/scheduledvisitview/list/").get_data(as_text=True)
    assert f"/scheduledvisitview/show/{mine}" in page
    assert f"/scheduledvisitview/show/{other}" not in page
    # another technician's visit is hidden by the record rule: 404, nothing of it shown
    r = t.get(f"/scheduledvisitview/show/{other}")
    assert r.status_code == 404 and "Not mine" not in r.get_data(as_text=True)
    assert t.get(f"/scheduledvisitview/show/{mine}").status_code == 200
    assert t.get("/servicecontractview/list/").status_code == 403


def test_add_form_with_business_hours(run, ui):
    w = run(make_world)
    m = ui("Service Manager")
    assert m.get("/servicecontractview/add").status_code == 200
    form = {
        "title": "Form contract",
        "kind": "maintenance",
        "partner": str(w["customer"]),
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "price": "1200",
        "billing_period": "monthly",
        "sla_calendar": "business",
        "business_from": "08:30",
        "business_to": "17:00",
        "timezone": "Europe/Moscow",
        "notice_days": "30",
        "visits_per_year": "2",
    }
    assert m.post("/servicecontractview/add", data=form).status_code == 302
    saved = run(lambda s: [(c.number, str(c.business_from)) for c in s.query(ServiceContract)])
    assert saved == [(f"SC-{TODAY.year}-00001", "08:30:00")]
    m.post("/servicecontractview/add", data={**form, "timezone": "Mars/Base"})
    assert run(lambda s: s.query(ServiceContract).count()) == 1
