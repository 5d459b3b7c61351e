"""Demand forecast from monthly consumption: Croston / SBA for intermittent demand,
simple exponential smoothing when demand is regular; safety stock and reorder point."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from statistics import NormalDist

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.choices import Choices
from app.db import ZERO
from app.errors import DomainError
from app.insights import ChartData, Number, Series
from modules.inventory.models import Part, StockMove, SupplierPrice

DEMAND_REASONS = ("issue", "consumption", "sale")
Q = Decimal("0.001")
# Syntetos-Boylan: average inter-demand interval above 1.32 months is intermittent.
ADI_CUTOFF = Decimal("1.32")
# The method's code stays in the API's "method"; people read its name.
METHODS = Choices(
    ("ses", _l("Exponential smoothing (regular demand)")),
    ("croston", _l("Croston (intermittent demand)")),
    ("sba", _l("Croston with the Syntetos–Boylan correction (intermittent demand)")),
    ("none", _l("No consumption yet")),
)


def croston(series: list[Decimal], alpha: Decimal) -> tuple[Decimal, Decimal] | None:
    """(size z, interval p) after the series, or None when it has no demand.

    Initialised with the first demand and the periods up to it (counting it)."""
    z: Decimal | None = None
    p = ZERO
    q = 0
    for d in series:
        q += 1
        if d > 0:
            if z is None:
                z, p = Decimal(d), Decimal(q)
            else:
                z = z + alpha * (d - z)
                p = p + alpha * (q - p)
            q = 0
    if z is None:
        return None
    return z, p


def ses(series: list[Decimal], alpha: Decimal) -> Decimal:
    if not series:
        return ZERO
    f = Decimal(series[0])
    for d in series[1:]:
        f = f + alpha * (Decimal(d) - f)
    return f


def forecast(
    series: list[Decimal], alpha: Decimal = Decimal("0.1"), method: str | None = None
) -> dict:
    """Monthly demand rate and the method used ("croston", "sba" or "ses")."""
    series = [Decimal(x) for x in series]
    nonzero = [d for d in series if d > 0]
    if not nonzero:
        return {"method": "none", "rate": ZERO, "adi": None}
    adi = Decimal(len(series)) / len(nonzero)
    if method is None:
        method = "sba" if adi > ADI_CUTOFF else "ses"
    if method == "ses":
        rate = ses(series, alpha)
    else:
        estimate = croston(series, alpha)
        assert estimate is not None  # the series has a demand
        z, p = estimate
        rate = z / p
        if method == "sba":
            rate = rate * (1 - alpha / 2)
    return {"method": method, "rate": rate.quantize(Q), "adi": adi.quantize(Q)}


def safety_stock(
    series: list[Decimal], service_level: Decimal, lead_time_days: int
) -> tuple[Decimal, Decimal]:
    """(safety stock, reorder point) for a service level and the lead time."""
    if not (Decimal("0.5") <= service_level < 1):
        raise DomainError(_l("The service level is between 0.5 and 0.999."), field="service_level")
    series = [Decimal(x) for x in series]
    n = len(series)
    if n == 0:
        return ZERO, ZERO
    mean = sum(series, ZERO) / n
    var = sum(((d - mean) ** 2 for d in series), ZERO) / (n - 1 if n > 1 else 1)
    lead_months = Decimal(lead_time_days) / Decimal(30)
    z = Decimal(str(round(NormalDist().inv_cdf(float(service_level)), 4)))
    ss = z * var.sqrt() * lead_months.sqrt()
    rate = forecast(series)["rate"]
    rop = rate * lead_months + ss
    return ss.quantize(Q), rop.quantize(Q)


def _month_key(d: date) -> tuple[int, int]:
    return d.year, d.month


def months_back(today: date, n: int) -> list[tuple[int, int]]:
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append((y, m))
    return list(reversed(out))


def monthly_consumption(
    session: Session, part_id: int, months: int = 24, today: date | None = None
) -> list[tuple[str, Decimal]]:
    """[("2026-01", qty), ...] for the `months` full months before today."""
    today = today or date.today()
    keys = months_back(today, months)
    start = datetime(keys[0][0], keys[0][1], 1, tzinfo=UTC)
    end = datetime(today.year, today.month, 1, tzinfo=UTC)
    rows = session.execute(
        select(StockMove.at, StockMove.quantity).where(
            StockMove.part_id == part_id,
            StockMove.reason.in_(DEMAND_REASONS),
            StockMove.at >= start,
            StockMove.at < end,
        )
    ).all()
    totals = dict.fromkeys(keys, ZERO)
    for at, qty in rows:
        k = _month_key(at)
        if k in totals:
            totals[k] += qty
    return [(f"{y:04d}-{m:02d}", totals[(y, m)]) for y, m in keys]


def supplier_lead_time(session: Session, part: Part) -> tuple[int, str]:
    """(days, source) of the lead time a reorder point must cover: the preferred
    supplier's price-list lead time for this part (the longest of its price breaks,
    as the order may fall under any of them) when it quotes one ("supplier_price"),
    else the part's own lead time ("part")."""
    if part.supplier_id is not None:
        days = session.scalar(
            select(func.max(SupplierPrice.lead_time_days)).where(
                SupplierPrice.part_id == part.id,
                SupplierPrice.supplier_id == part.supplier_id,
            )
        )
        if days is not None:
            return int(days), "supplier_price"
    return part.lead_time_days or 0, "part"


def part_forecast(
    session: Session,
    part: Part,
    service_level: Decimal = Decimal("0.95"),
    months: int = 24,
    horizon: int = 6,
    today: date | None = None,
) -> dict:
    history = monthly_consumption(session, part.id, months, today)
    series = [q for _, q in history]
    fc = forecast(series)
    lead_days, lead_source = supplier_lead_time(session, part)
    ss, rop = safety_stock(series, service_level, lead_days)
    return {
        "part_id": part.id,
        "history": [{"month": k, "quantity": q} for k, q in history],
        "method": fc["method"],
        "method_label": METHODS.label(fc["method"]),
        "rate": fc["rate"],
        "adi": fc["adi"],
        "horizon": horizon,
        "safety_stock": ss,
        "reorder_point": rop,
        "service_level": service_level,
        "lead_time_days": lead_days,
        "lead_time_source": lead_source,
    }


def chart(data: dict) -> ChartData:
    """A part_forecast as chart data: the months of history with their consumption,
    then the forecast months at the forecast rate, in a series of their own (no
    month has both, so each draws as a full bar in its own colour)."""
    history = data["history"]
    months = [h["month"] for h in history]
    year, month = (int(x) for x in months[-1].split("-"))
    ahead = []
    for _ in range(data["horizon"]):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        ahead.append(f"{year:04d}-{month:02d}")
    past: list[Number] = [h["quantity"] for h in history]
    future: list[Number] = [data["rate"]] * len(ahead)
    return ChartData(
        labels=months + ahead,
        series=[
            Series(_l("Consumption"), past + [None] * len(ahead)),
            Series(_l("Forecast per month"), [None] * len(past) + future),
        ],
    )
