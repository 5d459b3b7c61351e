"""Cost and revenue control: warranty cost, revenue and recoveries from suppliers, per
period, equipment model, region or contract, from the money sources modules contribute."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app import insights
from app.db import ZERO
from app.errors import DomainError
from app.insights import COMPONENTS, COST, RECOVERY, REVENUE, MoneyLine, MoneySource

log = logging.getLogger("aftersales.dashboard")

GROUPINGS = {
    "month": _l("Month"),
    "model": _l("Equipment model"),
    "region": _l("Region"),
    "contract": _l("Contract"),
}
KIND_LABELS = {
    COST: _l("Warranty cost"),
    REVENUE: _l("Revenue"),
    RECOVERY: _l("Recoveries from suppliers"),
}
KINDS = (COST, REVENUE, RECOVERY)
UNASSIGNED = _l("(none)")
CENT = Decimal("0.01")


@dataclass
class Column:
    key: str
    kind: str
    label: str


@dataclass
class Row:
    group: str
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def total(self, kind: str, columns: list[Column]) -> Decimal:
        return sum((self.amounts.get(c.key, ZERO) for c in columns if c.kind == kind), ZERO)


@dataclass
class MoneyTable:
    group_by: str
    columns: list[Column]
    rows: list[Row]
    totals: Row

    def kind_total(self, row: Row, kind: str) -> Decimal:
        return row.total(kind, self.columns)

    def margin(self, row: Row) -> Decimal:
        """Revenue and recoveries less warranty cost."""
        cols = self.columns
        return row.total(REVENUE, cols) + row.total(RECOVERY, cols) - row.total(COST, cols)

    @property
    def empty(self) -> bool:
        return not self.columns


def check_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    if date_from is None or date_to is None:
        raise DomainError(_l("Choose the period (from and to)."), field="date_from", status=400)
    if date_to < date_from:
        raise DomainError(_l("The period ends before it starts."), field="date_to", status=400)
    if (date_to - date_from).days > 366 * 20:
        raise DomainError(_l("The period is too long."), field="date_from", status=400)
    return date_from, date_to


def sources(can_read: Callable[[str], bool] | None = None) -> list[MoneySource]:
    out = []
    for _m, src in insights.collect("money"):
        if src.kind not in KINDS:
            continue
        if can_read is not None and src.resource is not None and not can_read(src.resource):
            continue
        out.append(src)
    return out


def source_label(src: MoneySource) -> str:
    if src.label is not None:
        return str(src.label)
    return str(COMPONENTS.get(src.component or "", src.key))


def lines(session, src: MoneySource, date_from: date, date_to: date) -> list[MoneyLine]:
    return [ln for ln in src.collect(session, date_from, date_to) if date_from <= ln.on <= date_to]


def _group_of(line: MoneyLine, group_by: str) -> str:
    if group_by == "month":
        return line.on.strftime("%Y-%m")
    value = getattr(line, group_by)
    return str(value) if value else str(UNASSIGNED)


def table(
    session,
    date_from: date,
    date_to: date,
    group_by: str = "month",
    can_read: Callable[[str], bool] | None = None,
) -> MoneyTable:
    if group_by not in GROUPINGS:
        raise DomainError(
            _l("Group by month, model, region or contract."), field="group_by", status=400
        )
    date_from, date_to = check_period(date_from, date_to)
    columns: list[Column] = []
    rows: dict[str, Row] = {}
    totals = Row(str(_l("Total")))
    srcs = sorted(sources(can_read), key=lambda s: KINDS.index(s.kind))
    for src in srcs:
        columns.append(Column(src.key, src.kind, source_label(src)))
        for line in lines(session, src, date_from, date_to):
            group = _group_of(line, group_by)
            row = rows.setdefault(group, Row(group))
            amount = Decimal(line.amount).quantize(CENT)
            row.amounts[src.key] = row.amounts.get(src.key, ZERO) + amount
            totals.amounts[src.key] = totals.amounts.get(src.key, ZERO) + amount
    ordered = sorted(rows.values(), key=lambda r: (r.group == str(UNASSIGNED), r.group))
    return MoneyTable(group_by, columns, ordered, totals)


def headers(t: MoneyTable) -> list[str]:
    out = [str(GROUPINGS[t.group_by])]
    for kind in KINDS:
        cols = [c for c in t.columns if c.kind == kind]
        out += [c.label for c in cols]
        if cols:
            out.append(str(_l("%(kind)s, total", kind=KIND_LABELS[kind])))
    out.append(str(_l("Margin")))
    return out


def row_cells(t: MoneyTable, row: Row) -> list:
    out: list = [row.group]
    for kind in KINDS:
        cols = [c for c in t.columns if c.kind == kind]
        out += [row.amounts.get(c.key, ZERO) for c in cols]
        if cols:
            out.append(t.kind_total(row, kind))
    out.append(t.margin(row))
    return out


def total_of(session, src: MoneySource, date_from: date, date_to: date, region=None) -> Decimal:
    """The sum of one source over a period (optionally one region's lines only)."""
    total = ZERO
    for line in lines(session, src, date_from, date_to):
        if region and (line.region or "").strip().lower() != region.strip().lower():
            continue
        total += Decimal(line.amount)
    return total.quantize(CENT)
