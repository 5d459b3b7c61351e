"""What inventory contributes: parts below their reorder point (KPI, and a notice to the
warehouse's responsible clerk), stock value, parts sold net of refunds (KPI, chart,
revenue for cost and revenue control, a section of the service report)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.db import ZERO
from app.insights import (
    BAR,
    COUNT,
    MONEY,
    PIE,
    REVENUE,
    Chart,
    ChartData,
    Context,
    Insights,
    Kpi,
    Measure,
    MoneyLine,
    MoneySource,
    Notice,
    NotificationSource,
    ReportSection,
    ReportTable,
    Series,
    recipients,
)
from app.security import WAREHOUSE_CLERK
from modules.inventory.models import (
    Part,
    PartsReturn,
    PartsSale,
    PartsSaleLine,
    StockBalance,
    StockMove,
    Warehouse,
)
from modules.inventory.services.forecast import months_back
from modules.inventory.services.purchasing import replenishment
from modules.partners.models import Partner

SOLD = ("delivered", "invoiced")
CENT = Decimal("0.01")


def _qty(value) -> str:
    """12.000 -> "12", 10 -> "10" (not "1E+1")."""
    return f"{Decimal(value).normalize():f}"


def _amount(qty, price, discount) -> Decimal:
    gross = Decimal(qty or 0) * Decimal(price or 0)
    return (gross * (100 - Decimal(discount or 0)) / 100).quantize(CENT)


def sale_lines(session, date_from: date, date_to: date):
    """(sale date, part id, quantity, amount, customer region) of delivered/invoiced sales."""
    rows = session.execute(
        select(
            PartsSale.sale_date,
            PartsSaleLine.part_id,
            PartsSaleLine.quantity,
            PartsSaleLine.unit_price,
            PartsSaleLine.discount_pct,
            Partner.region,
        )
        .join(PartsSale, PartsSale.id == PartsSaleLine.sale_id)
        .join(Partner, Partner.id == PartsSale.customer_id)
        .where(
            PartsSale.state.in_(SOLD),
            PartsSale.sale_date >= date_from,
            PartsSale.sale_date <= date_to,
        )
    ).all()
    for on, part_id, qty, price, discount, region in rows:
        yield on, part_id, Decimal(qty), _amount(qty, price, discount), region


def refund_lines(session, date_from: date, date_to: date):
    """(return date, part id, -quantity, -refund, customer region) of customer returns:
    what came back, and the money paid back, taken off the parts sold."""
    rows = session.execute(
        select(
            PartsReturn.return_date,
            PartsReturn.part_id,
            PartsReturn.quantity,
            PartsReturn.refund_amount,
            Partner.region,
        )
        .join(Partner, Partner.id == PartsReturn.customer_id)
        .where(PartsReturn.return_date >= date_from, PartsReturn.return_date <= date_to)
    ).all()
    for on, part_id, qty, refund, region in rows:
        yield on, part_id, -Decimal(qty), -Decimal(refund or 0), region


def net_sales(session, date_from: date, date_to: date):
    """Parts sold less parts returned: the lines of both, as `sale_lines` gives them."""
    yield from sale_lines(session, date_from, date_to)
    yield from refund_lines(session, date_from, date_to)


# ------------------------------------------------------------------ KPIs


def below_reorder_point(session, ctx: Context) -> int:
    return len(replenishment(session))


def stock_value(session, ctx: Context) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(StockBalance.on_hand * Part.avg_cost), 0)).join(
            Part, Part.id == StockBalance.part_id
        )
    )
    return Decimal(str(total or 0)).quantize(CENT)


def parts_sold_month(session, ctx: Context) -> Decimal:
    return sum((a for _d, _p, _q, a, _r in net_sales(session, ctx.month_start(), ctx.today)), ZERO)


def _sales_link(ctx: Context) -> str:
    before = (ctx.month_start() - timedelta(days=1)).isoformat()
    after = (ctx.today + timedelta(days=1)).isoformat()
    return (
        f"/partssaleview/list/?_flt_1_sale_date={before}&_flt_2_sale_date={after}"
        "&_flt_8_state=delivered&_flt_8_state=invoiced"
    )


# ------------------------------------------------------------------ charts


def sales_by_month(session, ctx: Context) -> ChartData:
    """Parts sold per month net of refunds, the last 12 months (this one included)."""
    keys = [*months_back(ctx.today, 11), (ctx.today.year, ctx.today.month)]
    start = date(keys[0][0], keys[0][1], 1)
    totals: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for on, _p, _q, amount, _r in net_sales(session, start, ctx.today):
        totals[(on.year, on.month)] += amount
    return ChartData(
        labels=[f"{y:04d}-{m:02d}" for y, m in keys],
        series=[Series(_l("Parts sold"), [totals[k] for k in keys])],
    )


def value_by_warehouse(session, ctx: Context) -> ChartData:
    rows = session.execute(
        select(Warehouse.code, func.sum(StockBalance.on_hand * Part.avg_cost))
        .join(Warehouse, Warehouse.id == StockBalance.warehouse_id)
        .join(Part, Part.id == StockBalance.part_id)
        .group_by(Warehouse.code)
        .order_by(Warehouse.code)
    ).all()
    rows = [(code, Decimal(str(v or 0)).quantize(CENT)) for code, v in rows]
    rows = [(c, v) for c, v in rows if v > 0]
    return ChartData(
        labels=[c for c, _v in rows], series=[Series(_l("Stock value"), [v for _c, v in rows])]
    )


# ------------------------------------------------------------------ notifications


def _last_inbound(session, part_id: int, warehouse_id: int) -> int:
    """The last move into the warehouse: a new one starts a new "below reorder point"."""
    return (
        session.scalar(
            select(func.max(StockMove.id)).where(
                StockMove.part_id == part_id, StockMove.to_warehouse_id == warehouse_id
            )
        )
        or 0
    )


def reorder_notices(session, today: date):
    """Each part at or below its reorder point, to the clerk responsible for the warehouse
    (staff's responsibilities, area "warehouse" + its code), else to every warehouse clerk."""
    rows = replenishment(session)
    if not rows:
        return
    codes = dict(
        session.execute(
            select(Warehouse.id, Warehouse.code).where(
                Warehouse.id.in_({r["warehouse_id"] for r in rows})
            )
        ).all()
    )
    for r in rows:
        code = codes.get(r["warehouse_id"], "")
        available = r["on_hand"] - r["reserved"]
        episode = _last_inbound(session, r["part_id"], r["warehouse_id"])
        for uid in recipients(session, "warehouse", code, today, fallback_role=WAREHOUSE_CLERK):
            yield Notice(
                user_id=uid,
                key=f"inv.reorder:{r['rule_id']}:{episode}",
                text=_l(
                    "%(sku)s %(name)s is at or below its reorder point in %(warehouse)s: "
                    "%(available)s available, minimum %(min)s",
                    sku=r["sku"],
                    name=r["name"],
                    warehouse=code,
                    available=_qty(available),
                    min=_qty(r["min_qty"]),
                ),
                link="/inventoryreports/replenishment",
                due=today,
            )


# ------------------------------------------------------------------ money, measures, report


def parts_sold_money(session, date_from: date, date_to: date):
    """Revenue from parts: each sale line, and each refund as a negative amount."""
    for on, _p, _q, amount, region in net_sales(session, date_from, date_to):
        yield MoneyLine(on=on, amount=amount, region=region, warranty=False)


def sales_count(session, date_from: date, date_to: date) -> int:
    return session.scalar(
        select(func.count(PartsSale.id)).where(
            PartsSale.state.in_(SOLD),
            PartsSale.sale_date >= date_from,
            PartsSale.sale_date <= date_to,
        )
    )


def parts_sold_section(session, date_from: date, date_to: date) -> ReportTable:
    qty: dict[int, Decimal] = defaultdict(lambda: ZERO)
    amount: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for _on, part_id, q, a, _r in net_sales(session, date_from, date_to):
        qty[part_id] += q
        amount[part_id] += a
    names = dict(
        (pid, (sku, name))
        for pid, sku, name in session.execute(
            select(Part.id, Part.sku, Part.name).where(Part.id.in_(list(qty)))
        ).all()
    )
    order = sorted(qty, key=lambda p: (-amount[p], names.get(p, ("", ""))[0]))
    rows = [[*names.get(p, ("?", "?")), _qty(qty[p]), amount[p]] for p in order]
    return ReportTable(
        title=_l("Parts sold"),
        columns=[_l("SKU"), _l("Part"), _l("Quantity"), _l("Amount")],
        rows=rows,
        totals=[_l("Total"), "", "", sum(amount.values(), ZERO)] if rows else None,
    )


INSIGHTS = Insights(
    kpis=[
        Kpi(
            "inventory.below_reorder_point",
            _l("Parts below reorder point"),
            below_reorder_point,
            link="/inventoryreports/replenishment",
            resource="InventoryReport",
            warn_above=0,
            order=300,
        ),
        Kpi(
            "inventory.stock_value",
            _l("Stock value (average cost)"),
            stock_value,
            link="/stocklevelview/list/",
            resource="StockLevel",
            unit=MONEY,
            order=310,
            costs=True,
        ),
        Kpi(
            "inventory.parts_sold_month",
            _l("Parts sold this month"),
            parts_sold_month,
            link=_sales_link,
            resource="PartsSale",
            unit=MONEY,
            order=320,
        ),
    ],
    charts=[
        Chart(
            "inventory.sales_by_month",
            _l("Parts sold by month"),
            BAR,
            sales_by_month,
            link="/partssaleview/list/",
            resource="PartsSale",
            unit=MONEY,
            order=300,
        ),
        Chart(
            "inventory.value_by_warehouse",
            _l("Stock value by warehouse"),
            PIE,
            value_by_warehouse,
            link="/stocklevelview/list/",
            resource="StockLevel",
            unit=MONEY,
            order=310,
            costs=True,
        ),
    ],
    notifications=[
        NotificationSource("inventory.reorder", _l("Parts below reorder point"), reorder_notices),
    ],
    report_sections=[
        ReportSection(
            "inventory.parts_sold",
            _l("Parts sold"),
            parts_sold_section,
            resource="PartsSale",
            order=300,
        ),
    ],
    money=[
        MoneySource(
            "inventory.parts_sold",
            _l("Parts sold"),
            REVENUE,
            parts_sold_money,
            component="parts_sold",
            resource="PartsSale",
        ),
    ],
    measures=[
        Measure("inventory.parts_sales", _l("Parts sales (documents)"), sales_count, COUNT),
    ],
)
