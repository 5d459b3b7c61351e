"""SLA due times in business hours (weekends, holidays, time zone) or 24/7, the contract's
start and end edges, and breaches of repairs billed to a contract."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from app.models import StateTransition
from app.workcal import WorkCalendar
from modules.contracts.models import ServiceContract
from modules.contracts.services import add_service_hours, due_times, repair_sla, sla_breaches
from modules.contracts.services.sla import DueTimes
from modules.warranty.models import RepairOrder
from modules.warranty.services import open_repair, transition
from tests.contracts.helpers import TODAY, make_contract, make_world

# 2026-03-06 is a Friday, 2026-03-09 a Monday (the calendar CAL has no public holidays)
FRI = date(2026, 3, 6)
CAL = WorkCalendar(country=None)


def utc(d: date, h: int, m: int = 0) -> datetime:
    return datetime.combine(d, time(h, m), UTC)


def contract(**kw) -> ServiceContract:
    c = ServiceContract(
        title="t",
        partner_id=1,
        kind="maintenance",
        state="active",
        start_date=kw.pop("start", date(2026, 1, 1)),
        end_date=kw.pop("end", date(2026, 12, 31)),
        sla_calendar=kw.pop("sla_calendar", "business"),
        business_from=time(9, 0),
        business_to=time(18, 0),
        timezone=kw.pop("timezone", "UTC"),
        response_hours=kw.pop("response_hours", 4),
        resolution_hours=kw.pop("resolution_hours", 16),
    )
    return c


def test_business_hours_carry_over_the_weekend():
    c = contract()
    # Friday 16:00 + 4 business hours: 2 on Friday, 2 on Monday -> Monday 11:00
    assert add_service_hours(c, utc(FRI, 16), 4, CAL) == utc(FRI + timedelta(days=3), 11)
    # received Saturday: the clock starts on Monday 09:00
    assert add_service_hours(c, utc(FRI + timedelta(days=1), 10), 4, CAL) == utc(
        FRI + timedelta(days=3), 13
    )
    # before opening: from 09:00; after closing: from the next morning
    assert add_service_hours(c, utc(date(2026, 3, 4), 7), 2, CAL) == utc(date(2026, 3, 4), 11)
    assert add_service_hours(c, utc(date(2026, 3, 4), 19), 2, CAL) == utc(date(2026, 3, 5), 11)
    # exactly the whole day ends at closing time, not the next morning
    assert add_service_hours(c, utc(date(2026, 3, 4), 9), 9, CAL) == utc(date(2026, 3, 4), 18)


def test_holidays_and_calendar_exceptions_are_skipped():
    c = contract()
    wed = date(2026, 3, 4)
    cal = WorkCalendar(country=None, overrides={date(2026, 3, 5): False})  # company holiday
    assert add_service_hours(c, utc(wed, 17), 3, cal) == utc(FRI, 11)
    working_sat = WorkCalendar(country=None, overrides={FRI + timedelta(days=1): True})
    assert add_service_hours(c, utc(FRI, 17), 3, working_sat) == utc(FRI + timedelta(days=1), 11)
    # the country's public holidays (RU: 4 November, a Wednesday in 2026)
    ru = WorkCalendar(country="RU")
    assert add_service_hours(c, utc(date(2026, 11, 3), 17), 2, ru) == utc(date(2026, 11, 5), 10)


def test_around_the_clock_and_time_zone():
    c = contract(sla_calendar="24x7")
    assert add_service_hours(c, utc(FRI, 16), 4, CAL) == utc(FRI, 20)
    # Moscow is UTC+3: 09:00-18:00 local is 06:00-15:00 UTC
    msk = contract(timezone="Europe/Moscow")
    assert add_service_hours(msk, utc(FRI, 14), 2, CAL) == utc(FRI + timedelta(days=3), 7)


def test_contract_edges():
    c = contract(start=date(2026, 3, 2), end=FRI)
    assert due_times(c, utc(date(2026, 3, 1), 12), CAL) is None  # before the start
    assert due_times(c, utc(FRI + timedelta(days=1), 12), CAL) is None  # after the end
    first = due_times(c, utc(date(2026, 3, 2), 0, 30), CAL)
    assert first.response_due == utc(date(2026, 3, 2), 13)
    # received on the last day: still owed, due after the end of the term
    last = due_times(c, utc(FRI, 17), CAL)
    assert last.response_due == utc(FRI + timedelta(days=3), 12)
    assert last.resolution_due == utc(FRI + timedelta(days=4), 15)
    c.state, c.signed_on, c.terminated_on = "terminated", date(2026, 3, 1), date(2026, 3, 4)
    assert due_times(c, utc(date(2026, 3, 3), 12), CAL) is not None
    assert due_times(c, utc(date(2026, 3, 4), 12), CAL) is None
    # in force without an SLA: nothing is due (not None, which means "not in force")
    no_sla = contract(response_hours=None, resolution_hours=None)
    assert due_times(no_sla, utc(FRI, 12), CAL) == DueTimes(None, None)
    # a response time alone: the response is due, the resolution is not
    response_only = contract(response_hours=3, resolution_hours=None)
    assert due_times(response_only, utc(FRI, 12), CAL) == DueTimes(utc(FRI, 15), None)


def _set_step_time(session, repair_id, to_state, at):
    session.execute(
        update(StateTransition)
        .where(
            StateTransition.doc_type == "wty_repair_order",
            StateTransition.doc_id == repair_id,
            StateTransition.to_state == to_state,
        )
        .values(at=at)
    )


@pytest.fixture
def repairs(run):
    def setup(session):
        w = make_world(session)
        c = make_contract(
            session,
            w["customer"],
            model_id=w["model"],
            sla_calendar="24x7",
            response_hours=4,
            resolution_hours=48,
        )
        on_time = open_repair(session, w["unit"], "No cooling", receive=True)
        late = open_repair(session, w["unit2"], "Noise", receive=True)
        paid = open_repair(session, w["fridge"], "Door", receive=True)
        for r in (on_time, late, paid):
            transition(session, r, "diagnose")
        session.flush()
        t0 = datetime.now(UTC) - timedelta(hours=30)
        _set_step_time(session, on_time.id, "received", t0)
        _set_step_time(session, on_time.id, "diagnosing", t0 + timedelta(hours=1))
        _set_step_time(session, late.id, "received", t0)
        _set_step_time(session, late.id, "diagnosing", t0 + timedelta(hours=5))
        return {"contract": c.id, "on_time": on_time.id, "late": late.id, "paid": paid.id}

    return run(setup)


def test_repairs_under_contract_count_breaches(run, repairs):
    def check(session):
        rows = session.query(RepairOrder).order_by(RepairOrder.id).all()
        statuses = {s.repair_id: s for s in repair_sla(session, rows)}
        assert set(statuses) == {repairs["on_time"], repairs["late"]}  # the paid one is not
        assert not statuses[repairs["on_time"]].response_breached
        assert statuses[repairs["late"]].response_breached
        assert not statuses[repairs["late"]].resolution_breached  # 48h not over yet
        assert sla_breaches(session, repairs["contract"]) == {
            "repairs": 2,
            "response_breaches": 1,
            "resolution_breaches": 0,
        }
        later = datetime.now(UTC) + timedelta(days=2)
        assert sla_breaches(session, now=later)["resolution_breaches"] == 2
        assert sla_breaches(session, date_from=TODAY + timedelta(days=1))["repairs"] == 0

    run(check)


def test_sla_api(api, repairs):
    r = api("Service Manager").get(f"/api/v1/service_contract/{repairs['contract']}/sla")
    assert r.status_code == 200, r.json
    assert r.json["breaches"]["response_breaches"] == 1
    assert len(r.json["result"]) == 2
    assert (
        api("Viewer").get(f"/api/v1/service_contract/{repairs['contract']}/sla").status_code == 200
    )
    assert (
        api("Technician").get(f"/api/v1/service_contract/{repairs['contract']}/sla").status_code
        == 403
    )
    r = api("Service Manager").get(f"/api/v1/service_contract/{repairs['contract']}/sla?now=x")
    assert r.status_code == 400
