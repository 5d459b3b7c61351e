"""What warranty contributes: open repairs by state, overdue repairs (KPI and a notice to
the technician), average turnaround, warranty cost per equipment model, substitute units
not returned, money (warranty cost, paid repairs revenue, supplier recoveries), a report
section, and the inputs of warranty planning (units sold, failures, warranty terms)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.db import ZERO
from app.insights import (
    BAR,
    COST,
    COUNT,
    DAYS,
    MONEY,
    RECOVERY,
    REVENUE,
    Chart,
    ChartData,
    Context,
    Failure,
    Insights,
    Kpi,
    MoneyLine,
    MoneySource,
    Notice,
    NotificationSource,
    PlanningSource,
    ReportSection,
    ReportTable,
    Series,
    UnitsSold,
    quick_link,
    users_with_role,
)
from app.security import SERVICE_MANAGER
from modules.inventory.models import EquipmentModel
from modules.partners.models import Partner
from modules.warranty.models import (
    BILLING_TYPES,
    OPEN_STATES,
    REPAIR_STATES,
    LoanerLoan,
    RepairLabourLine,
    RepairOrder,
    RepairPartLine,
    Unit,
    WarrantyPolicy,
)
from modules.warranty.services import repairs

CENT = Decimal("0.01")


def _mine(stmt, ctx: Context):
    """The repairs the reader's lists show (a technician: his own, and those he stands
    in for), by the repairs' record rule."""
    return ctx.visible(stmt, RepairOrder)


def open_repairs(session, ctx: Context) -> int:
    stmt = select(func.count(RepairOrder.id)).where(repairs.repair_open(ctx))
    return session.scalar(_mine(stmt, ctx))


def overdue_repairs(session, ctx: Context) -> int:
    stmt = select(func.count(RepairOrder.id)).where(repairs.repair_overdue(ctx))
    return session.scalar(_mine(stmt, ctx))


def average_turnaround(session, ctx: Context) -> Decimal | None:
    """Days from intake to return, repairs returned in the last 90 days."""
    stmt = select(RepairOrder.intake_date, RepairOrder.returned_on).where(
        RepairOrder.state == "returned",
        RepairOrder.returned_on >= ctx.today - timedelta(days=90),
        RepairOrder.returned_on <= ctx.today,
    )
    rows = session.execute(_mine(stmt, ctx)).all()
    if not rows:
        return None
    total = sum((back - intake).days for intake, back in rows)
    return (Decimal(total) / len(rows)).quantize(Decimal("0.1"))


def loaners_out(session, ctx: Context) -> int:
    stmt = select(func.count(LoanerLoan.id)).where(LoanerLoan.returned_on.is_(None))
    return session.scalar(ctx.visible(stmt, LoanerLoan))


def repairs_by_state(session, ctx: Context) -> ChartData:
    stmt = (
        select(RepairOrder.state, func.count(RepairOrder.id))
        .where(repairs.repair_open(ctx))
        .group_by(RepairOrder.state)
    )
    counts = dict(session.execute(_mine(stmt, ctx)).all())
    states = [s for s in OPEN_STATES if counts.get(s)]
    return ChartData(
        labels=[REPAIR_STATES.label(s) for s in states],
        series=[Series(_l("Open repairs"), [counts[s] for s in states])],
    )


# ------------------------------------------------------------------ money


def _cost_rows(session, date_from: date, date_to: date, billing=("warranty", "contract")):
    """(returned on, model code, region, contract label, parts at cost, parts at price,
    labour) per returned repair of the given billing types."""
    parts_cost = (
        select(
            RepairPartLine.repair_id,
            func.sum(RepairPartLine.quantity * RepairPartLine.unit_cost).label("cost"),
            func.sum(RepairPartLine.quantity * RepairPartLine.unit_price).label("price"),
        )
        .where(RepairPartLine.state != "released")
        .group_by(RepairPartLine.repair_id)
        .subquery()
    )
    labour = (
        select(
            RepairLabourLine.repair_id,
            func.sum(RepairLabourLine.hours * RepairLabourLine.rate).label("amount"),
        )
        .group_by(RepairLabourLine.repair_id)
        .subquery()
    )
    rows = session.execute(
        select(
            RepairOrder.returned_on,
            RepairOrder.billing_type,
            RepairOrder.coverage_label,
            EquipmentModel.code,
            Partner.region,
            parts_cost.c.cost,
            parts_cost.c.price,
            labour.c.amount,
        )
        .join(Unit, Unit.id == RepairOrder.unit_id)
        .join(EquipmentModel, EquipmentModel.id == Unit.equipment_model_id)
        .join(Partner, Partner.id == RepairOrder.customer_id)
        .outerjoin(parts_cost, parts_cost.c.repair_id == RepairOrder.id)
        .outerjoin(labour, labour.c.repair_id == RepairOrder.id)
        .where(
            RepairOrder.state == "returned",
            RepairOrder.billing_type.in_(billing),
            RepairOrder.returned_on >= date_from,
            RepairOrder.returned_on <= date_to,
        )
    ).all()
    for on, bill, label, model, region, cost, price, lab in rows:
        yield (
            on,
            bill,
            label if bill == "contract" else None,
            model,
            region,
            Decimal(str(cost or 0)).quantize(CENT),
            Decimal(str(price or 0)).quantize(CENT),
            Decimal(str(lab or 0)).quantize(CENT),
        )


def warranty_parts_cost(session, date_from, date_to):
    for on, _b, contract, model, region, cost, _p, _lab in _cost_rows(session, date_from, date_to):
        yield MoneyLine(on, cost, model=model, region=region, contract=contract, warranty=True)


def warranty_labour_cost(session, date_from, date_to):
    for on, _b, contract, model, region, _c, _p, lab in _cost_rows(session, date_from, date_to):
        yield MoneyLine(on, lab, model=model, region=region, contract=contract, warranty=True)


def paid_repairs_revenue(session, date_from, date_to):
    for on, _b, _ct, model, region, _c, price, lab in _cost_rows(
        session, date_from, date_to, ("paid",)
    ):
        yield MoneyLine(on, price + lab, model=model, region=region, warranty=False)


def supplier_recoveries(session, date_from, date_to):
    rows = session.execute(
        select(
            RepairOrder.returned_on,
            EquipmentModel.code,
            func.sum(RepairPartLine.quantity * RepairPartLine.unit_cost),
        )
        .join(RepairOrder, RepairOrder.id == RepairPartLine.repair_id)
        .join(Unit, Unit.id == RepairOrder.unit_id)
        .join(EquipmentModel, EquipmentModel.id == Unit.equipment_model_id)
        .where(
            RepairPartLine.state == "consumed",
            RepairOrder.state == "returned",
            RepairOrder.returned_on >= date_from,
            RepairOrder.returned_on <= date_to,
            or_(RepairPartLine.supplier_fault.is_(True), RepairOrder.supplier_fault.is_(True)),
        )
        .group_by(RepairOrder.returned_on, EquipmentModel.code)
    ).all()
    for on, model, value in rows:
        yield MoneyLine(on, Decimal(str(value or 0)).quantize(CENT), model=model, warranty=True)


def cost_by_model(session, ctx: Context) -> ChartData:
    """Warranty cost (parts at cost + labour) per equipment model, the last 12 months."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for _on, _b, _ct, model, _r, cost, _p, lab in _cost_rows(
        session, ctx.today - timedelta(days=365), ctx.today, ("warranty",)
    ):
        totals[model] += cost + lab
    models = sorted(totals, key=lambda m: -totals[m])[:15]
    return ChartData(
        labels=models, series=[Series(_l("Warranty cost"), [totals[m] for m in models])]
    )


# ------------------------------------------------------------------ notifications


def overdue_notices(session, today: date):
    """Each repair past its legal deadline, to its technician (else the service managers)."""
    rows = session.execute(
        select(RepairOrder.id, RepairOrder.number, RepairOrder.due_date, RepairOrder.technician_id)
        .where(repairs.repair_overdue(Context(today=today)))
        .order_by(RepairOrder.due_date)
    ).all()
    managers = None
    for rid, number, due, tech in rows:
        if tech is None and managers is None:
            managers = users_with_role(session, SERVICE_MANAGER)
        for uid in [tech] if tech else managers:
            yield Notice(
                user_id=uid,
                key=f"wty.repair.overdue:{rid}",
                text=_l(
                    "Repair %(number)s is past its legal deadline (%(due)s)",
                    number=number,
                    due=due,
                ),
                link=f"/repairorderview/show/{rid}",
                due=due,
            )


def loaner_notices(session, today: date):
    """A substitute unit still out although its repair is ready, returned or cancelled."""
    rows = session.execute(
        select(LoanerLoan.id, RepairOrder.id, RepairOrder.number, RepairOrder.technician_id)
        .join(RepairOrder, RepairOrder.id == LoanerLoan.repair_id)
        .where(
            LoanerLoan.returned_on.is_(None),
            RepairOrder.state.in_(("ready", "returned", "cancelled")),
        )
    ).all()
    managers = users_with_role(session, SERVICE_MANAGER) if rows else []
    for loan_id, rid, number, _tech in rows:
        for uid in managers:
            yield Notice(
                user_id=uid,
                key=f"wty.loaner.out:{loan_id}",
                text=_l(
                    "The substitute unit lent for repair %(number)s has not come back",
                    number=number,
                ),
                link=f"/repairorderview/show/{rid}",
                due=today,
            )


# ------------------------------------------------------------------ report, planning


def repairs_section(session, date_from: date, date_to: date) -> ReportTable:
    rows = session.execute(
        select(
            RepairOrder.billing_type,
            RepairOrder.intake_date,
            RepairOrder.returned_on,
            RepairOrder.due_date,
        ).where(
            RepairOrder.state == "returned",
            RepairOrder.returned_on >= date_from,
            RepairOrder.returned_on <= date_to,
        )
    ).all()
    count: dict[str, int] = defaultdict(int)
    days: dict[str, int] = defaultdict(int)
    late: dict[str, int] = defaultdict(int)
    for billing, intake, back, due in rows:
        count[billing] += 1
        days[billing] += (back - intake).days
        late[billing] += 1 if due and back > due else 0
    table = [
        [
            BILLING_TYPES.label(b),
            count[b],
            (Decimal(days[b]) / count[b]).quantize(Decimal("0.1")),
            late[b],
        ]
        for b in BILLING_TYPES
        if count[b]
    ]
    return ReportTable(
        title=_l("Repairs returned"),
        columns=[_l("Billing"), _l("Repairs"), _l("Average days"), _l("Past the deadline")],
        rows=table,
        totals=[_l("Total"), sum(count.values()), "", sum(late.values())] if table else None,
    )


def units_sold(session, date_from: date | None, date_to: date):
    on = func.coalesce(Unit.handover_date, Unit.sale_date)
    stmt = (
        select(EquipmentModel.code, Unit.sale_date, Unit.handover_date)
        .join(EquipmentModel, EquipmentModel.id == Unit.equipment_model_id)
        .where(on <= date_to)
    )
    if date_from is not None:
        stmt = stmt.where(on >= date_from)
    counts: dict[tuple[str, date], int] = defaultdict(int)
    for model, sale, handover in session.execute(stmt):
        d = handover or sale
        counts[(model, d.replace(day=1))] += 1
    for (model, month), n in sorted(counts.items()):
        yield UnitsSold(model=model, month=month, count=n)


def failures(session):
    rows = session.execute(
        select(
            RepairOrder.id,
            EquipmentModel.code,
            Unit.sale_date,
            RepairOrder.intake_date,
        )
        .join(Unit, Unit.id == RepairOrder.unit_id)
        .join(EquipmentModel, EquipmentModel.id == Unit.equipment_model_id)
        .where(RepairOrder.state.notin_(("draft", "cancelled")))
    ).all()
    part_cost = dict(
        session.execute(
            select(
                RepairPartLine.repair_id,
                func.sum(RepairPartLine.quantity * RepairPartLine.unit_cost),
            )
            .where(RepairPartLine.state != "released")
            .group_by(RepairPartLine.repair_id)
        ).all()
    )
    labour = dict(
        session.execute(
            select(
                RepairLabourLine.repair_id,
                func.sum(RepairLabourLine.hours * RepairLabourLine.rate),
            ).group_by(RepairLabourLine.repair_id)
        ).all()
    )
    for rid, model, sold, failed in rows:
        cost = Decimal(str(part_cost.get(rid) or 0)) + Decimal(str(labour.get(rid) or 0))
        yield Failure(model=model, sold_on=sold, failed_on=failed, cost=cost.quantize(CENT))


def warranty_months(session) -> dict[str, int]:
    out: dict[str, int] = {}
    rows = session.execute(
        select(EquipmentModel.code, EquipmentModel.category).where(EquipmentModel.active.is_(True))
    ).all()
    policies = session.scalars(select(WarrantyPolicy).where(WarrantyPolicy.active.is_(True))).all()
    by_model = {p.equipment_model_id: p for p in policies if p.equipment_model_id}
    by_cat = {p.category: p for p in policies if p.equipment_model_id is None and p.category}
    ids = dict(session.execute(select(EquipmentModel.code, EquipmentModel.id)).all())
    for code, category in rows:
        p = by_model.get(ids.get(code)) or by_cat.get(category)
        if p is not None:
            out[code] = max(p.statutory_months or 0, p.manufacturer_months or 0)
    return out


INSIGHTS = Insights(
    kpis=[
        Kpi(
            "warranty.open_repairs",
            _l("Open repairs"),
            open_repairs,
            link=quick_link("/repairorderview/list/", "open"),
            resource="RepairOrder",
            order=200,
        ),
        Kpi(
            "warranty.overdue_repairs",
            _l("Repairs past the legal deadline"),
            overdue_repairs,
            link="/overduerepairview/list/",
            resource="RepairOrder",
            warn_above=0,
            order=201,
        ),
        Kpi(
            "warranty.turnaround",
            _l("Average repair turnaround (90 days)"),
            average_turnaround,
            resource="RepairOrder",
            unit=DAYS,
            order=202,
        ),
        Kpi(
            "warranty.loaners_out",
            _l("Substitute units lent"),
            loaners_out,
            link="/loanerloanview/list/",
            resource="LoanerLoan",
            unit=COUNT,
            order=203,
        ),
    ],
    charts=[
        Chart(
            "warranty.repairs_by_state",
            _l("Open repairs by state"),
            BAR,
            repairs_by_state,
            link=quick_link("/repairorderview/list/", "open"),
            resource="RepairOrder",
            order=200,
        ),
        Chart(
            "warranty.cost_by_model",
            _l("Warranty cost per equipment model (12 months)"),
            BAR,
            cost_by_model,
            resource="WarrantyAccounting",
            unit=MONEY,
            costs=True,
            order=201,
        ),
    ],
    notifications=[
        NotificationSource(
            "warranty.overdue", _l("Repairs past the legal deadline"), overdue_notices
        ),
        NotificationSource("warranty.loaners", _l("Substitute units not returned"), loaner_notices),
    ],
    report_sections=[
        ReportSection("warranty.repairs", _l("Repairs"), repairs_section, resource="RepairOrder")
    ],
    money=[
        MoneySource(
            "warranty.parts",
            _l("Warranty parts at cost"),
            COST,
            warranty_parts_cost,
            component="parts",
            resource="WarrantyAccounting",
        ),
        MoneySource(
            "warranty.labour",
            _l("Warranty labour"),
            COST,
            warranty_labour_cost,
            component="labour",
            resource="WarrantyAccounting",
        ),
        MoneySource(
            "warranty.paid_repairs",
            _l("Paid repairs"),
            REVENUE,
            paid_repairs_revenue,
            component="paid_repairs",
            resource="WarrantyAccounting",
        ),
        MoneySource(
            "warranty.supplier",
            _l("Recoverable from suppliers"),
            RECOVERY,
            supplier_recoveries,
            component="supplier",
            resource="WarrantyAccounting",
        ),
    ],
    planning=[
        PlanningSource(
            "warranty",
            _l("Sold units and repairs"),
            units=units_sold,
            failures=failures,
            warranty_months=warranty_months,
        )
    ],
)
