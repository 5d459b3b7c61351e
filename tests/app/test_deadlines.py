"""Statutory periods counted as the Russian and Brazilian civil codes say."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app import deadlines
from app.models import LegalPeriod
from app.workcal import WorkCalendar

NO_HOLIDAYS = WorkCalendar(country=None)
RU_CAL = WorkCalendar(country="RU")
BR_CAL = WorkCalendar(country="BR")


@pytest.mark.parametrize(
    ("start", "months", "jurisdiction", "end"),
    [
        (date(2026, 1, 31), 1, "RU", date(2026, 2, 28)),  # art. 192: the month's last day
        (date(2026, 1, 31), 1, "BR", date(2026, 3, 1)),  # art. 132 §3: the following day
        (date(2028, 1, 31), 1, "RU", date(2028, 2, 29)),  # leap year
        (date(2028, 1, 31), 1, "BR", date(2028, 3, 1)),
        (date(2026, 3, 31), 1, "RU", date(2026, 4, 30)),
        (date(2026, 3, 31), 1, "BR", date(2026, 5, 1)),
        (date(2026, 5, 15), 1, "RU", date(2026, 6, 15)),
        (date(2026, 11, 30), 3, "RU", date(2027, 2, 28)),
        (date(2028, 2, 29), 12, "RU", date(2029, 2, 28)),
        (date(2028, 2, 29), 12, "BR", date(2029, 3, 1)),
    ],
)
def test_month_periods_end_as_each_civil_code_says(start, months, jurisdiction, end):
    assert deadlines.period_end(start, months, deadlines.MONTHS, jurisdiction) == end


def test_day_periods_start_the_day_after_the_event():
    # Law 2300-1 art. 22: ten days for a refund; claim received on the 1st -> due the 11th.
    assert deadlines.period_end(date(2026, 6, 1), 10, deadlines.DAYS, "RU") == date(2026, 6, 11)
    assert deadlines.period_end(date(2026, 6, 1), 0, deadlines.DAYS, "RU") == date(2026, 6, 1)


def test_last_day_on_a_non_working_day_moves_to_the_next_working_day(run):
    def check(session):
        # 2026-06-01 + 45 days = Thursday 2026-07-16: a working day, stays.
        dl = deadlines.deadline(
            session, "repair", date(2026, 6, 1), jurisdiction="RU", calendar=RU_CAL
        )
        assert dl.due == date(2026, 7, 16)
        # 2026-10-24 + 10 days = Tuesday 2026-11-03 ... ; 2026-10-25 + 10 = Wed 11-04,
        # National Unity Day in Russia: moves to Thursday 2026-11-05.
        dl = deadlines.deadline(
            session, "refund", date(2026, 10, 25), jurisdiction="RU", calendar=RU_CAL
        )
        assert dl.due == date(2026, 11, 5)
        # A Saturday: 2026-06-03 + 10 = Saturday 06-13 -> Monday 06-15.
        dl = deadlines.deadline(
            session, "refund", date(2026, 6, 3), jurisdiction="RU", calendar=NO_HOLIDAYS
        )
        assert dl.due == date(2026, 6, 15)
        # Brazil: 2026-08-08 + 30 days = Monday 09-07, Independence Day -> Tuesday 09-08.
        dl = deadlines.deadline(
            session, "fix_period", date(2026, 8, 8), jurisdiction="BR", calendar=BR_CAL
        )
        assert dl.due == date(2026, 9, 8)

    run(check)


def test_installation_calendar_exception_counts(run):
    def check(session):
        # The installation declares Monday 2026-06-15 a company holiday.
        cal = WorkCalendar(country=None, overrides={date(2026, 6, 15): False})
        dl = deadlines.deadline(
            session, "refund", date(2026, 6, 3), jurisdiction="RU", calendar=cal
        )
        assert dl.due == date(2026, 6, 16)

    run(check)


def test_suspension_extends_the_brazilian_complaint_window(run):
    def check(session):
        start = date(2026, 3, 2)
        plain = deadlines.deadline(
            session, "complaint_durable", start, jurisdiction="BR", calendar=NO_HOLIDAYS
        )
        assert plain.due == date(2026, 6, 1)  # 90 days -> Sunday 05-31 -> Monday 06-01
        held = deadlines.deadline(
            session,
            "complaint_durable",
            start,
            jurisdiction="BR",
            suspended_days=12,
            calendar=NO_HOLIDAYS,
        )
        assert held.due == date(2026, 6, 12)

    run(check)


def test_an_installation_row_overrides_the_preset(run):
    def check(session):
        assert deadlines.deadline(
            session, "repair", date(2026, 6, 1), jurisdiction="RU", calendar=NO_HOLIDAYS
        ).due == date(2026, 7, 16)
        session.add(
            LegalPeriod(
                jurisdiction="RU",
                code="repair",
                length=20,
                unit="days",
                basis="Contract term agreed in writing",
            )
        )
        session.flush()
        dl = deadlines.deadline(
            session, "repair", date(2026, 6, 1), jurisdiction="RU", calendar=NO_HOLIDAYS
        )
        assert dl.due == date(2026, 6, 22)  # Sunday 06-21 -> Monday
        assert dl.basis == "Contract term agreed in writing"
        # Brazil has no loaner period: no deadline, not an invented one.
        assert (
            deadlines.deadline(
                session, "loaner", date(2026, 6, 1), jurisdiction="BR", calendar=NO_HOLIDAYS
            )
            is None
        )

    run(check)


def test_delay_penalty_is_one_percent_of_the_price_per_day_late_in_russia(run):
    def check(session):
        dl = deadlines.deadline(
            session, "refund", date(2026, 6, 1), jurisdiction="RU", calendar=NO_HOLIDAYS
        )
        assert dl.due == date(2026, 6, 11)
        assert deadlines.delay_penalty(Decimal("25000.00"), dl, date(2026, 6, 11)) == 0
        assert deadlines.delay_penalty(Decimal("25000.00"), dl, date(2026, 6, 14)) == Decimal(
            "750.00"
        )
        br = deadlines.deadline(
            session, "fix_period", date(2026, 6, 1), jurisdiction="BR", calendar=NO_HOLIDAYS
        )
        assert deadlines.delay_penalty(Decimal("25000.00"), br, date(2026, 12, 1)) == 0

    run(check)


def test_legal_period_form_refuses_unknown_codes_and_negative_lengths(ui, run):
    from sqlalchemy import func, select

    def count(session):
        return session.scalar(select(func.count()).select_from(LegalPeriod))

    client = ui("Service Manager")
    bad = [
        ({"code": "nonsense", "length": "5"}, "Unknown period code"),
        ({"code": "repair", "length": "-5"}, "cannot be negative"),
    ]
    for fields, message in bad:
        data = {"jurisdiction": "RU", "unit": "days", **fields}
        r = client.post("/legalperiodview/add", data=data, follow_redirects=True)
        assert message in r.data.decode()
        assert run(count) == 0
    data = {"jurisdiction": "RU", "code": "repair", "length": "30", "unit": "days"}
    client.post("/legalperiodview/add", data=data, follow_redirects=True)
    assert run(count) == 1
    # A role without the right is refused with the 403 page (FAB's has_access aborts for a
    # logged-in user) and writes nothing: a code not stored yet, so that an add carried
    # out would show as a second row.
    refused = {**data, "code": "loaner", "length": "3"}
    r = ui("Technician").post("/legalperiodview/add", data=refused)
    assert r.status_code == 403
    assert "You do not have access to this page" in r.get_data(as_text=True)
    assert run(count) == 1
