"""What modules contribute to dashboards, notifications, reports and cost control.

A module that owns data describes, in its `insights.py`, the figures others may
see about it; the registry (`ModuleManifest.insights`, convention
`insights:INSIGHTS`) collects one `Insights` per loaded module. The core never
imports a module, and the module that shows the figures (dashboard) imports
none either: it reads what the loaded modules contributed, so any subset of
modules works.

    INSIGHTS = Insights(
        kpis=[Kpi("inventory.reorder", _l("Parts below reorder point"), compute=...,
                  link="/inventoryreports/replenishment", resource="ReorderRule")],
        charts=[Chart("inventory.sales", _l("Parts sales by month"), "bar", compute=...)],
        notifications=[NotificationSource("inventory.reorder", _l("..."), collect=...)],
        report_sections=[ReportSection("inventory.sales", _l("Parts sold"), compute=...)],
        money=[MoneySource("inventory.parts_sold", _l("Parts sold"), REVENUE, collect=...)],
    )

Every callable takes the SQLAlchemy session first and returns plain values
(numbers, Decimals, strings, dates), never ORM objects. Labels and notice texts
are lazy translatable strings (`lazy_gettext`), rendered in the reader's
language when shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l

Number = int | Decimal | None

# ------------------------------------------------------------------ context


@dataclass(frozen=True)
class Context:
    """Who is looking, and when: what a KPI or chart may depend on.

    `acting_for` is the user himself and everyone whose work he holds today
    (deputies, see app.security.DELEGATIONS); empty for a system run. `actor` is
    the app.policy.Actor (None: the system, which sees everything): a figure counts
    the rows its reader's lists show, `ctx.visible(stmt, Model)`."""

    today: date
    user_id: int | None = None
    roles: frozenset[str] = frozenset()
    acting_for: frozenset[int] = frozenset()
    date_from: date | None = None
    date_to: date | None = None
    actor: Any = None

    def month_start(self) -> date:
        return self.today.replace(day=1)

    def visible(self, stmt, model):
        """`stmt` limited to the rows of `model` the reader's record rule lets him see."""
        from app.policy import SYSTEM, restrict

        return restrict(stmt, model, self.actor or SYSTEM)


def reader_context(today: date | None = None) -> Context:
    """The context of whoever is asking in this request (the system outside one)."""
    from app.policy import current_actor

    actor = current_actor()
    return Context(
        today=today or date.today(),
        user_id=actor.user_id,
        roles=actor.roles,
        acting_for=actor.acting_for,
        actor=actor,
    )


# ------------------------------------------------------------------ quick filters

# A named condition on a list's rows, declared once in the module's services and asked
# by the figure that counts them and by the list its link opens:
# condition(ctx) -> an SQL boolean clause (e.g. `Claim.due_date < ctx.today`).
Condition = Callable[[Context], Any]

QUICK_ARG = "quick"


class QuickFilter(BaseFilter):
    """A list's quick filters: `?quick=<name>` keeps the rows of that named condition.

    A view declares them among its base filters, with the conditions its figures count:
    `base_filters = [["id", QuickFilter, {"open": open_claim, "overdue": overdue_claim}]]`;
    a figure links to `quick_link("/claimview/list/", "overdue")`. The condition is
    evaluated for the reader (today, whose work he holds); the list's record rule
    applies as it always does. An unknown name is a 400."""

    name = _l("Quick filter")
    arg_name = QUICK_ARG

    def apply(self, query, value):
        from flask import has_request_context, request

        if not has_request_context():
            return query
        names = request.args.getlist(QUICK_ARG)
        for name in names:
            condition = (value or {}).get(name)
            if condition is None:
                from app.datamodel import BadFilterValue

                raise BadFilterValue()
            query = query.filter(condition(reader_context()))
        return query


def quick_link(path: str, *names: str, **args: str) -> str:
    """The list at `path` with the quick filters `names` (and further URL args)."""
    params = [(QUICK_ARG, n) for n in names] + list(args.items())
    return path + ("?" + urlencode(params) if params else "")


# The buttons' labels, in the order they are shown; a name not listed here is shown
# after them, as it is written.
QUICK_LABELS: dict[str, Any] = {
    "mine": _l("Mine"),
    "open": _l("Open only"),
    "overdue": _l("Overdue only"),
    "due": _l("Due by today"),
}


@dataclass(frozen=True)
class QuickButton:
    """One button above a list: its quick filter (None: all rows), label, the list's
    address with it (the other filters and the order kept), whether it is the one
    applied, and how many rows it keeps."""

    name: str | None
    label: Any
    url: str
    active: bool
    count: int


class _Condition(BaseFilter):
    """A quick filter's condition as a plain filter (the value), to count its rows."""

    name = "condition"

    def apply(self, query, value):
        return query.filter(value(reader_context()))


def quick_buttons(view) -> list[QuickButton]:
    """The quick-filter buttons of `view`'s list in this request: one per condition of
    its QuickFilter (mine, open, overdue...), then "All"; each counts the rows it would
    show (the record rule, the view's other base filters and the reader's search
    filters applied)."""
    from flask import request

    conditions = None
    base = []
    for flt, value in view._base_filters.get_filters_values():
        if isinstance(flt, QuickFilter):
            conditions = value or {}
        else:
            base.append((flt.column_name, type(flt), value))
    if not conditions:
        return []
    page_arg = f"page_{view.__class__.__name__}"
    kept = [
        (k, v)
        for k, values in request.args.lists()
        if k not in (QUICK_ARG, page_arg)
        for v in values
    ]
    applied = request.args.getlist(QUICK_ARG)
    path = request.path
    dm = view.datamodel
    search = [(f.column_name, type(f), v) for f, v in view._filters.get_filters_values()]

    def count(condition) -> int:
        flts = dm.get_filters().add_filter_list(base + search)
        if condition is not None:
            flts.add_filter(dm.get_pk_name(), _Condition, condition)
        return dm.query_count(dm.session.query(dm.obj), flts)

    def url(name: str | None) -> str:
        params = ([(QUICK_ARG, name)] if name else []) + kept
        return path + ("?" + urlencode(params) if params else "")

    order = [n for n in QUICK_LABELS if n in conditions]
    order += [n for n in conditions if n not in QUICK_LABELS]
    buttons = []
    for name in order:
        buttons.append(
            QuickButton(
                name,
                QUICK_LABELS.get(name, name),
                url(name),
                applied == [name],
                count(conditions[name]),
            )
        )
    buttons.append(QuickButton(None, _l("All"), url(None), not applied, count(None)))
    return buttons


# ------------------------------------------------------------------ KPIs and charts

MONEY = "money"
PERCENT = "percent"
COUNT = "count"
HOURS = "hours"
DAYS = "days"
SCORE = "score"


@dataclass(frozen=True)
class Kpi:
    """One figure on the dashboard.

    compute(session, ctx) -> int | Decimal | None (None: not applicable, shown "—").
    link: the list behind the figure, usually with FAB filters
    (`/taskview/list/?_flt_2_due_date=2026-01-31`), or a callable(ctx) -> str.
    resource: shown to users who may read this FAB resource (None: everyone);
    roles: further limited to these roles (None: no limit; Admin always sees it);
    costs: the figure shows what the department pays (costs, stock value, margins):
    only for readers who may see costs (app.policy.COSTS).
    warn_above: the figure is flagged when it is above this value (e.g. 0 overdue).
    """

    key: str
    label: Any
    compute: Callable[[Any, Context], Number]
    link: str | Callable[[Context], str] | None = None
    resource: str | None = None
    roles: tuple[str, ...] | None = None
    unit: str = COUNT
    group: Any = None  # a section heading; default: the module's
    warn_above: Number = None
    order: int = 100
    costs: bool = False

    def link_for(self, ctx: Context) -> str | None:
        return self.link(ctx) if callable(self.link) else self.link


@dataclass(frozen=True)
class Series:
    label: Any
    values: list[Number]


@dataclass(frozen=True)
class ChartData:
    """Category labels (x axis, pie slices) and one or more series of the same length."""

    labels: list[str]
    series: list[Series]

    @property
    def empty(self) -> bool:
        return not self.labels or all(not any(s.values) for s in self.series)


BAR, LINE, PIE = "bar", "line", "pie"


@dataclass(frozen=True)
class Chart:
    """compute(session, ctx) -> ChartData. kind: "bar", "line" or "pie"."""

    key: str
    label: Any
    kind: str
    compute: Callable[[Any, Context], ChartData]
    link: str | Callable[[Context], str] | None = None
    resource: str | None = None
    roles: tuple[str, ...] | None = None
    unit: str = COUNT
    order: int = 100
    costs: bool = False

    def link_for(self, ctx: Context) -> str | None:
        return self.link(ctx) if callable(self.link) else self.link


# ------------------------------------------------------------------ notifications


@dataclass(frozen=True)
class Notice:
    """Something a person must act on.

    user_id: the responsible user (the delivery hands it to his deputy while he is
    absent); key: stable for the event, e.g. "stf.task.overdue:12:2026-03-01"
    (each (recipient, key) is delivered once, ever: put a date or version in the
    key when the same record may need a new notice later); text: a lazy
    translatable string with its parameters, `_l("Task %(number)s is overdue",
    number="TSK-1")`, rendered in the recipient's language; link: where to act.
    """

    user_id: int
    key: str
    text: Any
    link: str | None = None
    due: date | None = None


@dataclass(frozen=True)
class NotificationSource:
    """collect(session, today) -> iterable of Notice."""

    key: str
    label: Any
    collect: Callable[[Any, date], Iterable[Notice]]


def message_parts(text: Any) -> tuple[str, dict[str, str]]:
    """(message id, parameters as text) of a lazy translatable string, to store and
    translate later in the reader's language; a plain string has no parameters."""
    func = getattr(text, "_func", None)
    args = getattr(text, "_args", None)
    if func is not None and args:
        params = {k: _param(v) for k, v in (getattr(text, "_kwargs", None) or {}).items()}
        return str(args[0]), params
    return str(text), {}


def _param(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------ reports


@dataclass(frozen=True)
class ReportTable:
    """One table of the periodic service report. Cells are plain values
    (str, int, Decimal, date, None); `totals` is an optional last row."""

    title: Any
    columns: list[Any]
    rows: list[list[Any]]
    totals: list[Any] | None = None
    note: Any = None


@dataclass(frozen=True)
class ReportSection:
    """compute(session, date_from, date_to) -> ReportTable (or a list of them)."""

    key: str
    label: Any
    compute: Callable[[Any, date, date], ReportTable | list[ReportTable]]
    resource: str | None = None  # readers of this resource see the section
    order: int = 100
    costs: bool = False  # shows what the department pays: only for who sees costs


# ------------------------------------------------------------------ money

COST = "cost"
REVENUE = "revenue"
RECOVERY = "recovery"

# Standard components; a module may use its own key with its own label.
COMPONENTS: dict[str, Any] = {
    "parts": _l("Parts at cost"),
    "labour": _l("Labour"),
    "shipping": _l("Shipping"),
    "expert": _l("Expert fees"),
    "compensation": _l("Compensations"),
    "paid_repairs": _l("Paid repairs"),
    "parts_sold": _l("Parts sold"),
    "contracts": _l("Service contracts"),
    "supplier": _l("Recoveries from suppliers"),
}


@dataclass(frozen=True)
class MoneyLine:
    """One amount on a day, with what it may be grouped by."""

    on: date
    amount: Decimal
    model: str | None = None  # equipment model (code or name)
    region: str | None = None
    contract: str | None = None  # contract number
    warranty: bool | None = None  # a warranty (True) or paid (False) job, when known


@dataclass(frozen=True)
class MoneySource:
    """collect(session, date_from, date_to) -> iterable of MoneyLine in that period.

    kind: COST (warranty cost), REVENUE or RECOVERY (from suppliers);
    component: a COMPONENTS key (or the module's own, labelled by `label`)."""

    key: str
    label: Any
    kind: str
    collect: Callable[[Any, date, date], Iterable[MoneyLine]]
    component: str | None = None
    resource: str | None = None


@dataclass(frozen=True)
class Measure:
    """A figure over a period, compared before and after a promotion or trade fair:
    compute(session, date_from, date_to) -> int | Decimal. Every REVENUE money
    source is a measure as well, without being declared here."""

    key: str
    label: Any
    compute: Callable[[Any, date, date], Number]
    unit: str = COUNT


# ------------------------------------------------------------------ pricing and warranty planning


@dataclass(frozen=True)
class UnitsSold:
    """`count` units of equipment `model` sold (handed over) in the month of `month`."""

    model: str
    month: date
    count: int


@dataclass(frozen=True)
class Failure:
    """A unit of `model` sold on `sold_on` failed on `failed_on`; repairing it cost `cost`
    (whoever paid: the age at which units fail is what matters)."""

    model: str
    sold_on: date
    failed_on: date
    cost: Decimal


@dataclass(frozen=True)
class PlanningSource:
    """Inputs of pricing and warranty planning (a warranty module provides them).

    units(session, date_from, date_to) -> iterable of UnitsSold (date_from None: all);
    failures(session) -> iterable of Failure;
    warranty_months(session) -> {model: months} of the current warranty terms."""

    key: str
    label: Any
    units: Callable[[Any, date | None, date], Iterable[UnitsSold]] | None = None
    failures: Callable[[Any], Iterable[Failure]] | None = None
    warranty_months: Callable[[Any], Mapping[str, int]] | None = None


# ------------------------------------------------------------------ the container


@dataclass(frozen=True)
class Insights:
    """Everything one module contributes. Hooks:

    stand_in(session, user_id, on) -> user id who receives work for `user_id` on
    `on` (his deputy while he is absent); responsible(session, kind, key, on) ->
    the user responsible for an area (kind "warehouse", key "MAIN"), or None.
    A module showing dashboards (dashboard) sets `home` (view -> response for the
    logged-in home page) and `deliver` (session, today, send_mail) -> summary for
    `flask aftersales notify`."""

    kpis: list[Kpi] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notifications: list[NotificationSource] = field(default_factory=list)
    report_sections: list[ReportSection] = field(default_factory=list)
    money: list[MoneySource] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    planning: list[PlanningSource] = field(default_factory=list)
    stand_in: Callable[[Any, int, date], int | None] | None = None
    responsible: Callable[..., int | None] | None = None
    home: Callable[[Any], Any] | None = None
    deliver: Callable[[Any, date, bool], Mapping[str, Any]] | None = None


def contributions(app=None) -> list[tuple[str, Insights]]:
    """(module name, Insights) of every loaded module, in load order."""
    if app is None:
        from flask import current_app

        app = current_app
    loaded = app.extensions.get("aftersales")
    return list(getattr(loaded, "insights", []) or [])


def collect(what: str, app=None) -> list[tuple[str, Any]]:
    """(module name, item) for every `what` ("kpis", "charts", ...) of the loaded modules."""
    out = []
    for module, ins in contributions(app):
        for item in getattr(ins, what):
            out.append((module, item))
    return out


def hook(name: str, app=None) -> Callable | None:
    """The first loaded module's hook `name` ("stand_in", "responsible", "home", "deliver")."""
    for _module, ins in contributions(app):
        fn = getattr(ins, name)
        if fn is not None:
            return fn
    return None


def stand_in(session, user_id: int | None, on: date) -> int | None:
    """Who receives work meant for `user_id` on `on`: himself, or his deputy while he
    is absent (when a module such as staff knows absences)."""
    if user_id is None:
        return None
    fn = hook("stand_in")
    if fn is None:
        return user_id
    return fn(session, user_id, on) or user_id


def responsible(session, kind: str, key: str | None = None, on: date | None = None) -> int | None:
    """The user responsible for an area (kind, key) on `on`, when a module knows it."""
    fn = hook("responsible")
    return None if fn is None else fn(session, kind, key, on or date.today())


def users_with_role(session, role_name: str) -> list[int]:
    """Ids of the active users holding the role `role_name`."""
    from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role
    from sqlalchemy import select

    rows = session.execute(
        select(User.id)
        .join(assoc_user_role, assoc_user_role.c.user_id == User.id)
        .join(Role, Role.id == assoc_user_role.c.role_id)
        .where(Role.name == role_name, User.active.is_(True))
        .order_by(User.id)
    ).all()
    return [r[0] for r in rows]


def recipients(
    session, kind: str, key: str | None, on: date, fallback_role: str | None = None
) -> list[int]:
    """The responsible user for an area, or else every holder of `fallback_role`."""
    owner = responsible(session, kind, key, on)
    if owner is not None:
        return [owner]
    return users_with_role(session, fallback_role) if fallback_role else []
