"""Scheduled visits: generated from the frequency (idempotent, on working days, within
the term), assigned, done with the work recorded, or missed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import DomainError
from app.workcal import WorkCalendar
from modules.contracts.models import ScheduledVisit
from modules.contracts.services import VISIT_MACHINE, generate_visits, record_work
from modules.contracts.services.visits import transition, visit_dates
from tests.contracts.helpers import TODAY, D, make_contract, make_world, user_id


def test_visit_dates_are_spread_on_working_days():
    from modules.contracts.models import ServiceContract

    c = ServiceContract(start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), visits_per_year=4)
    days = visit_dates(c, WorkCalendar(country=None))
    assert len(days) == 4
    assert all(d.weekday() < 5 for d in days)
    assert days[0] == date(2026, 2, 16)  # the middle of the first quarter (15 Feb: Sunday)
    half = ServiceContract(
        start_date=date(2026, 1, 1), end_date=date(2026, 6, 30), visits_per_year=4
    )
    assert len(visit_dates(half, WorkCalendar(country=None))) == 2
    none = ServiceContract(start_date=date(2026, 1, 1), end_date=date(2026, 6, 30))
    assert visit_dates(none, WorkCalendar(country=None)) == []


def test_generation_is_idempotent_and_assigns(run):
    def check(session):
        w = make_world(session)
        tech = user_id(session, "Technician")
        c = make_contract(session, w["customer"], unit_id=w["unit"], visits_per_year=6)
        count = lambda: session.scalar(  # noqa: E731
            select(func.count(ScheduledVisit.id)).where(ScheduledVisit.contract_id == c.id)
        )
        assert count() == 6  # generated on signing
        assert generate_visits(session, c, tech) == []
        assert count() == 6
        session.execute(ScheduledVisit.__table__.delete().where(ScheduledVisit.seq == 6))
        created = generate_visits(session, c, tech)
        assert [v.seq for v in created] == [6] and created[0].technician_id == tech
        assert count() == 6
        visits = session.scalars(select(ScheduledVisit).order_by(ScheduledVisit.seq)).all()
        assert all(c.start_date <= v.planned_on <= c.end_date for v in visits)
        assert visits[0].unit_id == w["unit"]

    run(check)


def test_done_needs_the_work_missed_needs_a_reason(run):
    def check(session):
        w = make_world(session)
        c = make_contract(session, w["customer"], model_id=w["model"], visits_per_year=2)
        first, second = session.scalars(select(ScheduledVisit).order_by(ScheduledVisit.seq))
        with pytest.raises(DomainError):
            transition(session, first, "complete")
        with pytest.raises(DomainError):
            record_work(session, first, "  ")
        record_work(session, first, "Filters cleaned, pressure checked", hours="1.5")
        assert first.state == "done" and first.done_on == TODAY and first.hours == D("1.5")
        with pytest.raises(DomainError):
            transition(session, second, "miss")
        transition(session, second, "miss", "Customer absent")
        assert second.state == "missed"
        steps = VISIT_MACHINE.history(session, second.id)
        assert steps[-1].comment == "Customer absent"
        with pytest.raises(DomainError):
            record_work(session, second, "Done later", hours="-1")
        with pytest.raises(DomainError):
            record_work(session, second, "Done later", done_on=TODAY + timedelta(days=1))
        assert c.state == "active"

    run(check)


def test_drafts_get_no_visits(run):
    def check(session):
        w = make_world(session)
        c = make_contract(session, w["customer"], stage="approved", visits_per_year=4)
        with pytest.raises(DomainError):
            generate_visits(session, c)

    run(check, commit=False)
