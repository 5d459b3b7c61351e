"""Claims' legal deadlines on edge dates, through the deadline engine (app.deadlines)."""

from __future__ import annotations

from datetime import date

from app.models import CalendarDay, LegalPeriod
from app.workcal import installation_calendar
from modules.claims import services
from modules.claims.services.claims import claim_deadlines
from tests.claims.helpers import WEEKENDS, D, make_world


def _dl(session, claim, kind, today, calendar=WEEKENDS):
    found = [d for d in claim_deadlines(session, claim, today, calendar) if d.kind == kind]
    return found[0] if found else None


def test_ru_refund_ten_days_with_basis_and_days_left(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(
            s,
            "Drum noise",
            unit_id=w["unit"],
            demand="refund",
            received_on=date(2026, 3, 2),
            today=date(2026, 3, 5),
        )
        dl = _dl(s, claim, "fulfilment", date(2026, 3, 5))
        assert dl.deadline.code == "refund"
        assert dl.deadline.due == date(2026, 3, 12)
        assert dl.deadline.basis == "Law 2300-1 art. 22"
        assert dl.as_dict(date(2026, 3, 5))["days_left"] == 7
        assert not dl.overdue(date(2026, 3, 12)) and dl.overdue(date(2026, 3, 13))
        answer = _dl(s, claim, "answer", date(2026, 3, 5))
        assert answer.deadline.due == date(2026, 3, 12)

    run(go)


def test_month_period_ends_on_last_day_in_ru_and_following_day_in_br(run):
    """31 January + 1 month: 28 February (RU Civil Code art. 192), 1 March (BR CC art. 132 §3)."""

    def go(s):
        w = make_world(s, sale=date(2022, 6, 1))
        # Brazil sets no month-long period: the installation makes its fix period one month
        s.add(LegalPeriod(jurisdiction="BR", code="fix_period", length=1, unit="months"))
        s.flush()
        today = date(2023, 2, 1)
        ru = services.register_claim(
            s,
            "Broken door",
            unit_id=w["unit"],
            demand="replacement",
            out_of_stock=True,
            received_on=date(2023, 1, 31),
            today=today,
        )
        br = services.register_claim(
            s,
            "Broken door",
            unit_id=w["unit"],
            demand="replacement",
            jurisdiction="BR",
            received_on=date(2023, 1, 31),
            today=today,
        )
        dl_ru = _dl(s, ru, "fulfilment", today)
        dl_br = _dl(s, br, "fulfilment", today)
        assert dl_ru.deadline.code == "replacement_no_stock"
        assert dl_ru.deadline.due == date(2023, 2, 28)
        assert dl_br.deadline.code == "fix_period"
        assert dl_br.deadline.due == date(2023, 3, 1)

    run(go)


def test_ru_replacement_seven_days_or_twenty_with_a_quality_check(run):
    def go(s):
        w = make_world(s)
        today = date(2026, 3, 2)
        plain = services.register_claim(
            s, "Scratch", unit_id=w["unit"], demand="replacement", received_on=today, today=today
        )
        checked = services.register_claim(
            s,
            "Scratch",
            unit_id=w["unit"],
            demand="replacement",
            quality_check=True,
            received_on=today,
            today=today,
        )
        assert _dl(s, plain, "fulfilment", today).deadline.due == date(2026, 3, 9)
        assert _dl(s, checked, "fulfilment", today).deadline.due == date(2026, 3, 23)

    run(go)


def test_last_day_on_a_non_working_day_moves_to_the_next_working_day(run):
    def go(s):
        w = make_world(s)
        # company holiday on Thursday 12 March 2026 (the last day) and on Friday 13
        s.add_all(
            [
                CalendarDay(day=date(2026, 3, 12), working=False, note="Company day off"),
                CalendarDay(day=date(2026, 3, 13), working=False, note="Company day off"),
                # a transferred working Saturday
                CalendarDay(day=date(2026, 3, 14), working=True, note="Working Saturday"),
            ]
        )
        s.flush()
        cal = installation_calendar(s)
        claim = services.register_claim(
            s,
            "Leak",
            unit_id=w["unit"],
            demand="refund",
            received_on=date(2026, 3, 2),
            today=date(2026, 3, 2),
        )
        assert _dl(s, claim, "fulfilment", date(2026, 3, 2), cal).deadline.due == date(2026, 3, 14)
        # the stored due date is computed with the installation's calendar too
        assert claim.due_date == date(2026, 3, 14)

    run(go)


def test_last_day_on_a_public_holiday(run):
    """12 June 2026 (Russia Day, a Friday) -> Monday 15 June."""

    def go(s):
        w = make_world(s)
        claim = services.register_claim(
            s,
            "Leak",
            unit_id=w["unit"],
            demand="refund",
            received_on=date(2026, 6, 2),
            today=date(2026, 6, 2),
        )
        assert claim.due_date == date(2026, 6, 15)

    run(go)


def test_br_fix_period_and_complaint_window_suspended_while_pending(run):
    def go(s):
        w = make_world(s, sale=date(2026, 1, 2), handover=date(2026, 1, 5))
        claim = services.register_claim(
            s,
            "Does not spin",
            unit_id=w["unit"],
            demand="repair",
            jurisdiction="BR",
            received_on=date(2026, 2, 1),
            today=date(2026, 2, 21),
        )
        fix = _dl(s, claim, "fulfilment", date(2026, 2, 21))
        assert fix.deadline.code == "repair" and fix.deadline.basis == "CDC art. 18 §1"
        assert fix.deadline.due == date(2026, 3, 3)
        assert fix.penalty is None  # CDC sets no daily penalty
        # durable goods: 90 days from delivery (5 Jan -> 5 Apr), + 20 days pending -> 25 Apr
        # (a Saturday) -> Monday 27 April
        window = _dl(s, claim, "window", date(2026, 2, 21))
        assert window.deadline.code == "complaint_durable"
        assert window.suspended_days == 20
        assert window.deadline.due == date(2026, 4, 27)
        assert window.claim_in_time is True
        # answered on 11 Feb: the suspension stops after 10 days
        claim.answered_on = date(2026, 2, 11)
        window = _dl(s, claim, "window", date(2026, 3, 1))
        assert window.suspended_days == 10 and window.deadline.due == date(2026, 4, 15)

    run(go)


def test_br_non_durable_window_and_hidden_defect(run):
    def go(s):
        w = make_world(s, sale=date(2026, 1, 5), durable=False)
        late = services.register_claim(
            s,
            "Torn",
            unit_id=w["unit"],
            jurisdiction="BR",
            received_on=date(2026, 3, 1),
            today=date(2026, 3, 1),
        )
        assert late.durable is False
        window = _dl(s, late, "window", date(2026, 3, 1))
        assert window.deadline.code == "complaint_nondurable"
        assert window.claim_in_time is False and window.suspended_days == 0
        hidden = services.register_claim(
            s,
            "Torn seam inside",
            unit_id=w["unit"],
            jurisdiction="BR",
            hidden_defect=True,
            defect_noticed_on=date(2026, 2, 20),
            received_on=date(2026, 3, 1),
            today=date(2026, 3, 1),
        )
        window = _dl(s, hidden, "window", date(2026, 3, 1))
        assert window.deadline.start == date(2026, 2, 20) and window.claim_in_time is True

    run(go)


def test_ru_delay_penalty_one_percent_per_day(run):
    def go(s):
        w = make_world(s)
        claim = services.register_claim(
            s,
            "No heating",
            unit_id=w["unit"],
            demand="repair",
            received_on=date(2026, 3, 2),
            today=date(2026, 3, 2),
        )
        dl = _dl(s, claim, "fulfilment", date(2026, 4, 21))
        assert dl.deadline.due == date(2026, 4, 16)  # 45 days
        assert dl.penalty == D("25.00")  # 500 x 1% x 5 days
        assert dl.overdue(date(2026, 4, 21))
        claim.fulfilled_on = date(2026, 4, 18)
        dl = _dl(s, claim, "fulfilment", date(2026, 5, 30))
        assert dl.penalty == D("10.00") and dl.as_dict(date(2026, 5, 30))["days_left"] is None

    run(go)


def test_ru_claim_window_only_without_a_running_warranty(run):
    def go(s):
        w = make_world(s, sale=date(2024, 1, 10), manufacturer=12)
        claim = services.register_claim(
            s, "Rust", unit_id=w["unit"], received_on=date(2026, 2, 1), today=date(2026, 2, 1)
        )
        window = _dl(s, claim, "window", date(2026, 2, 1))
        assert window.deadline.code == "claim_window"
        assert window.deadline.due == date(2026, 1, 12)  # 10 Jan 2026 is a Saturday
        assert window.claim_in_time is False

    run(go)
