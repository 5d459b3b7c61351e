"""Working-day calendar of the installation.

Weekends and public holidays of the configured country come from the
`holidays` package; the installation adds or removes days in
`core_calendar_day` (a transferred working Saturday, a company holiday).
Legal deadlines and SLAs ask this calendar, never the weekday alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import holidays as holidays_lib
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CalendarDay


@dataclass
class WorkCalendar:
    country: str | None = None
    subdiv: str | None = None
    overrides: dict[date, bool] = field(default_factory=dict)  # day -> working?
    weekend: frozenset[int] = frozenset({5, 6})
    _public: Any = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        # Lazily filled per year on first look-up, so it is empty (falsy) at first.
        self._public = (
            holidays_lib.country_holidays(self.country, subdiv=self.subdiv)
            if self.country
            else None
        )

    @classmethod
    def load(cls, session: Session, country: str | None, subdiv: str | None = None):
        rows = session.execute(select(CalendarDay.day, CalendarDay.working)).all()
        return cls(country=country, subdiv=subdiv, overrides={d: w for d, w in rows})

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.weekday() in self.weekend:
            return False
        return self._public is None or day not in self._public

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        for _ in range(366):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within a year")  # pragma: no cover

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself not counted)."""
        day = start
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def installation_calendar(session: Session) -> WorkCalendar:
    from flask import current_app

    return WorkCalendar.load(
        session,
        current_app.config.get("CALENDAR_COUNTRY"),
        current_app.config.get("CALENDAR_SUBDIV"),
    )
