"""Legal deadlines: statutory periods of a jurisdiction and how they are counted.

The periods are data: `PRESETS` holds the Russian (Law 2300-1) and Brazilian
(CDC, Lei 8.078/1990) ones, and an installation overrides any of them in
`core_legal_period` (Settings > Legal periods). The counting is law:

- a period in days starts the day after the event and ends on its last day
  (RU Civil Code art. 191; BR Código Civil art. 132);
- a period in months (or years) ends on the day of the last month with the
  start's number; when that month has no such day it ends on the month's last
  day in Russia (art. 192) but on the following day in Brazil (art. 132 §3):
  31 January + 1 month is 28/29 February in RU, 1 March in BR;
- a last day that is not a working day of the installation's calendar moves to
  the next working day (RU art. 193; BR art. 132 §1);
- a period may be suspended (BR CDC art. 26 §2: a documented complaint stops
  the complaint window until an unequivocal answer): the suspended days are
  added before the non-working-day rule is applied.

Every module computing a legal due date calls `deadline()` here; nobody types
a deadline by hand.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.choices import Choices
from app.errors import DomainError
from app.models import LegalPeriod
from app.workcal import WorkCalendar

DAYS, MONTHS, YEARS = "days", "months", "years"
UNITS = Choices((DAYS, _l("days")), (MONTHS, _l("months")), (YEARS, _l("years")))
JURISDICTIONS = Choices(("RU", _l("Russian Federation")), ("BR", _l("Brazil")))


@dataclass(frozen=True)
class Period:
    code: str
    length: int
    unit: str = DAYS
    basis: Any = ""  # the citation: lazy text for a preset, the row's text for an override
    penalty_pct_per_day: Decimal | None = None


_RU_PENALTY = Decimal("1")
PRESETS: dict[str, dict[str, Period]] = {
    "RU": {
        p.code: p
        for p in (
            Period("repair", 45, DAYS, _l("Law 2300-1 art. 20 §1"), _RU_PENALTY),
            Period("loaner", 3, DAYS, _l("Law 2300-1 art. 20 §2"), _RU_PENALTY),
            Period("replacement", 7, DAYS, _l("Law 2300-1 art. 21 §1"), _RU_PENALTY),
            Period("replacement_check", 20, DAYS, _l("Law 2300-1 art. 21 §1"), _RU_PENALTY),
            Period("replacement_no_stock", 1, MONTHS, _l("Law 2300-1 art. 21 §1"), _RU_PENALTY),
            Period("refund", 10, DAYS, _l("Law 2300-1 art. 22"), _RU_PENALTY),
            Period("price_reduction", 10, DAYS, _l("Law 2300-1 art. 22"), _RU_PENALTY),
            Period("reimbursement", 10, DAYS, _l("Law 2300-1 art. 22"), _RU_PENALTY),
            Period("claim_window", 2, YEARS, _l("Law 2300-1 art. 19 §1")),
        )
    },
    "BR": {
        p.code: p
        for p in (
            Period("repair", 30, DAYS, _l("CDC art. 18 §1")),
            Period("fix_period", 30, DAYS, _l("CDC art. 18 §1")),
            Period("complaint_nondurable", 30, DAYS, _l("CDC art. 26 I")),
            Period("complaint_durable", 90, DAYS, _l("CDC art. 26 II")),
        )
    },
}

CODE_LABELS = {
    "repair": _l("Repair of the defect"),
    "loaner": _l("Substitute item during repair"),
    "replacement": _l("Replacement"),
    "replacement_check": _l("Replacement with a quality check"),
    "replacement_no_stock": _l("Replacement when out of stock"),
    "refund": _l("Refund"),
    "price_reduction": _l("Price reduction"),
    "reimbursement": _l("Reimbursement of costs"),
    "claim_window": _l("Claim window without a warranty period"),
    "fix_period": _l("Period to fix the defect"),
    "complaint_nondurable": _l("Complaint window, non-durable goods"),
    "complaint_durable": _l("Complaint window, durable goods"),
}


@dataclass(frozen=True)
class Deadline:
    code: str
    start: date
    due: date
    period: Period
    jurisdiction: str

    @property
    def label(self):
        return CODE_LABELS.get(self.code, self.code)

    @property
    def basis(self) -> str:
        return str(self.period.basis)

    def days_left(self, today: date) -> int:
        """Calendar days from `today` to the due date; negative when overdue."""
        return (self.due - today).days

    def overdue(self, today: date) -> bool:
        return today > self.due

    def as_dict(self, today: date) -> dict:
        return {
            "code": self.code,
            "label": str(self.label),
            "basis": self.basis,
            "jurisdiction": self.jurisdiction,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "days_left": self.days_left(today),
            "overdue": self.overdue(today),
        }


def _add_months(start: date, months: int, jurisdiction: str) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    if start.day <= last:
        return date(year, month, start.day)
    if jurisdiction == "BR":  # Código Civil art. 132 §3: the following day
        return date(year, month, last) + timedelta(days=1)
    return date(year, month, last)  # RU Civil Code art. 192 §3: the month's last day


def period_end(start: date, length: int, unit: str, jurisdiction: str) -> date:
    """Last day of a period counted from the event on `start`, before the
    non-working-day rule."""
    if length < 0:
        raise DomainError(_l("A legal period cannot be negative."))
    if unit == DAYS:
        return start + timedelta(days=length)
    if unit == MONTHS:
        return _add_months(start, length, jurisdiction)
    if unit == YEARS:
        return _add_months(start, 12 * length, jurisdiction)
    raise DomainError(_l("Unknown period unit %(unit)s.", unit=unit))


def period_for(session: Session, code: str, jurisdiction: str) -> Period | None:
    """The installation's period for `code`: its own row, else the preset."""
    row = session.execute(
        select(LegalPeriod).where(
            LegalPeriod.jurisdiction == jurisdiction, LegalPeriod.code == code
        )
    ).scalar_one_or_none()
    if row is not None:
        return Period(row.code, row.length, row.unit, row.basis or "", row.penalty_pct_per_day)
    return PRESETS.get(jurisdiction, {}).get(code)


def installation_jurisdiction() -> str:
    from flask import current_app

    return current_app.config.get("JURISDICTION") or "RU"


def deadline(
    session: Session,
    code: str,
    start: date,
    *,
    jurisdiction: str | None = None,
    suspended_days: int = 0,
    calendar: WorkCalendar | None = None,
) -> Deadline | None:
    """The due date of period `code` counted from `start`, or None when the
    jurisdiction sets no such period."""
    jurisdiction = jurisdiction or installation_jurisdiction()
    period = period_for(session, code, jurisdiction)
    if period is None:
        return None
    end = period_end(start, period.length, period.unit, jurisdiction)
    end += timedelta(days=max(0, suspended_days))
    if calendar is None:
        from app.workcal import installation_calendar

        calendar = installation_calendar(session)
    return Deadline(code, start, calendar.next_working_day(end), period, jurisdiction)


def delay_penalty(price: Decimal | None, dl: Deadline | None, until: date) -> Decimal:
    """Penalty accrued for the delay past `dl` until `until` (exclusive of the due
    day): price x rate% x days late, where the jurisdiction sets a rate (RU art. 23)."""
    if price is None or dl is None or dl.period.penalty_pct_per_day is None:
        return Decimal("0.00")
    days = (until - dl.due).days
    if days <= 0:
        return Decimal("0.00")
    amount = Decimal(price) * dl.period.penalty_pct_per_day / 100 * days
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def register_code(code: str, label) -> None:
    """A module names a period code of its own (its default lengths then come
    from installation rows or from `PRESETS`, which it may extend)."""
    CODE_LABELS.setdefault(code, label)


def check_legal_period(row: LegalPeriod) -> None:
    if row.jurisdiction not in JURISDICTIONS:
        raise DomainError(_l("Choose a jurisdiction."))
    if row.code not in CODE_LABELS:
        raise DomainError(
            _l(
                "Unknown period code %(code)s; known codes: %(codes)s.",
                code=row.code,
                codes=", ".join(sorted(CODE_LABELS)),
            )
        )
    if row.unit not in UNITS:
        raise DomainError(_l("Choose days, months or years."))
    if row.length is None or row.length < 0:
        raise DomainError(_l("A legal period cannot be negative."))
    if row.penalty_pct_per_day is not None and not 0 <= row.penalty_pct_per_day <= 100:
        raise DomainError(_l("The daily penalty is a percentage between 0 and 100."))
