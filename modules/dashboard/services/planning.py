"""Pricing and warranty planning.

- After-sales cost per unit sold, per equipment model: the warranty cost of the
  period (less recoveries from suppliers) over the units sold in it -- what the
  product's price has to carry.
- The expected extra cost of a longer warranty: a life table over the ages (in
  months) at which units failed. For each month of age m, the failure rate is
  the failures at age m over the units that have been in the field at least m
  months (so recent sales, not yet that old, do not dilute it); the extra
  failures per unit of moving the warranty from W1 to W2 months is the sum of
  the rates of months W1+1..W2, times the average cost of a repair at those ages.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from app import insights
from app.db import ZERO
from app.errors import DomainError
from app.insights import COST, RECOVERY, Failure, UnitsSold
from modules.dashboard.services import money

log = logging.getLogger("aftersales.dashboard")
CENT = Decimal("0.01")
RATE = Decimal("0.0001")


def month_end(day: date) -> date:
    return day + relativedelta(day=31)


def age_in_months(sold_on: date, failed_on: date) -> int:
    """The month of life in which a unit failed: 1 for the first month after the sale."""
    m = (failed_on.year - sold_on.year) * 12 + failed_on.month - sold_on.month
    if sold_on + relativedelta(months=m) < failed_on:
        m += 1
    return max(m, 1)


def has_inputs() -> bool:
    return any(p.units or p.failures for _m, p in insights.collect("planning"))


def units(session, date_from: date | None, date_to: date) -> list[UnitsSold]:
    out: list[UnitsSold] = []
    for _m, p in insights.collect("planning"):
        if p.units is not None:
            out.extend(p.units(session, date_from, date_to))
    return out


def failures(session) -> list[Failure]:
    out: list[Failure] = []
    for _m, p in insights.collect("planning"):
        if p.failures is not None:
            out.extend(p.failures(session))
    return out


def warranty_terms(session) -> dict[str, int]:
    out: dict[str, int] = {}
    for _m, p in insights.collect("planning"):
        if p.warranty_months is not None:
            out.update(p.warranty_months(session))
    return out


@dataclass
class UnitCost:
    model: str
    units: int
    cost: Decimal
    recoveries: Decimal

    @property
    def net(self) -> Decimal:
        return self.cost - self.recoveries

    @property
    def per_unit(self) -> Decimal | None:
        return (self.net / self.units).quantize(CENT) if self.units else None


def cost_per_unit(session, date_from: date, date_to: date) -> list[UnitCost]:
    date_from, date_to = money.check_period(date_from, date_to)
    sold: dict[str, int] = defaultdict(int)
    for u in units(session, date_from, date_to):
        if date_from.replace(day=1) <= u.month <= date_to:
            sold[u.model] += int(u.count)
    cost: dict[str, Decimal] = defaultdict(lambda: ZERO)
    recovered: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for src in money.sources():
        if src.kind not in (COST, RECOVERY):
            continue
        target = cost if src.kind == COST else recovered
        for line in money.lines(session, src, date_from, date_to):
            if line.model:
                target[line.model] += Decimal(line.amount)
    models = sorted(set(sold) | set(cost) | set(recovered))
    return [
        UnitCost(m, sold.get(m, 0), cost[m].quantize(CENT), recovered[m].quantize(CENT))
        for m in models
    ]


@dataclass
class Extension:
    model: str
    current_months: int
    proposed_months: int
    failures_in_range: int
    months_observed: int  # months of age in the range with units observed that old
    extra_failures_per_unit: Decimal
    avg_repair_cost: Decimal
    units_last_year: int

    @property
    def months_in_range(self) -> int:
        return self.proposed_months - self.current_months

    @property
    def complete(self) -> bool:
        return self.months_observed == self.months_in_range

    @property
    def extra_cost_per_unit(self) -> Decimal:
        return (self.extra_failures_per_unit * self.avg_repair_cost).quantize(CENT)

    @property
    def extra_cost_per_year(self) -> Decimal:
        return (self.extra_cost_per_unit * self.units_last_year).quantize(CENT)


def check_terms(current: int | None, proposed: int | None) -> tuple[int, int]:
    if current is None or proposed is None:
        raise DomainError(_l("Give the current and the proposed warranty in months."), status=400)
    if not 0 <= current < proposed <= 120:
        raise DomainError(
            _l("The proposed warranty must be longer than the current one (at most 120 months)."),
            field="proposed",
            status=400,
        )
    return current, proposed


def extension(session, current: int, proposed: int, today: date | None = None) -> list[Extension]:
    current, proposed = check_terms(current, proposed)
    today = today or date.today()
    sold = units(session, None, today)
    broke = [f for f in failures(session) if f.failed_on >= f.sold_on]
    # the last 12 months, this one included
    year_ago = today.replace(day=1) - relativedelta(months=12)
    models = sorted({u.model for u in sold} | {f.model for f in broke})
    out = []
    for model in models:
        cohorts = [(month_end(u.month), int(u.count)) for u in sold if u.model == model]
        ages: dict[int, list[Decimal]] = defaultdict(list)
        for f in broke:
            if f.model == model:
                ages[age_in_months(f.sold_on, f.failed_on)].append(Decimal(f.cost))
        rate = Decimal(0)
        observed = 0
        in_range: list[Decimal] = []
        for m in range(current + 1, proposed + 1):
            exposure = sum(n for end, n in cohorts if end + relativedelta(months=m) <= today)
            in_range += ages.get(m, [])
            if exposure <= 0:
                continue
            observed += 1
            rate += Decimal(len(ages.get(m, []))) / exposure
        every_cost = [c for costs in ages.values() for c in costs]
        basis = in_range or every_cost
        avg = (sum(basis, ZERO) / len(basis)).quantize(CENT) if basis else ZERO
        last_year = sum(int(u.count) for u in sold if u.model == model and u.month > year_ago)
        out.append(
            Extension(
                model=model,
                current_months=current,
                proposed_months=proposed,
                failures_in_range=len(in_range),
                months_observed=observed,
                extra_failures_per_unit=rate.quantize(RATE),
                avg_repair_cost=avg,
                units_last_year=last_year,
            )
        )
    return out
