"""Market records: competitors and their after-sales terms beside ours, and the
measured effect of promotions, events and trade fairs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import amounts, insights
from app.db import ZERO
from app.errors import DomainError
from app.insights import MONEY, REVENUE
from app.rules import Archived, Rules
from modules.dashboard.models import (
    CAMPAIGN_KINDS,
    LOANER_POLICIES,
    Campaign,
    Competitor,
    MarketTerms,
)
from modules.dashboard.services import money

log = logging.getLogger("aftersales.dashboard")


def _text(value: str | None) -> Any:
    """Trimmed text, or None for blank (typed Any: it is assigned to mapped columns)."""
    value = (value or "").strip()
    return value or None


def check_competitor(c: Competitor) -> None:
    c.name = _text(c.name)
    if not c.name:
        raise DomainError(_l("A competitor needs a name."), field="name")
    c.website = _text(c.website)
    c.brands = _text(c.brands)


def check_terms(t: MarketTerms) -> None:
    t.segment = _text(t.segment)
    if not t.segment:
        raise DomainError(_l("Say which segment (equipment category) this is."), field="segment")
    if t.loaner is None:
        t.loaner = "none"
    if t.loaner not in LOANER_POLICIES:
        raise DomainError(_l("Unknown loaner policy."), field="loaner")
    if t.warranty_months is not None and not 0 <= t.warranty_months <= 240:
        raise DomainError(_l("The warranty is 0 to 240 months."), field="warranty_months")
    if t.repair_days is not None and not 0 <= t.repair_days <= 365:
        raise DomainError(_l("The repair time is 0 to 365 days."), field="repair_days")
    t.contract_price = amounts.money(
        t.contract_price, "contract_price", label=_l("Service contract, a year"), required=False
    )
    t.extended_warranty_price = amounts.money(
        t.extended_warranty_price,
        "extended_warranty_price",
        label=_l("Extended warranty price"),
        required=False,
    )


def check_campaign(c: Campaign) -> None:
    c.name = _text(c.name)
    if not c.name:
        raise DomainError(_l("A promotion or event needs a name."), field="name")
    if c.kind not in CAMPAIGN_KINDS:
        raise DomainError(_l("Unknown kind."), field="kind")
    if c.date_from is None:
        raise DomainError(_l("The start date is required."), field="date_from")
    if c.date_to is None:
        c.date_to = c.date_from
    if c.date_to < c.date_from:
        raise DomainError(_l("The period ends before it starts."), field="date_to")
    if (c.date_to - c.date_from).days > 3660:
        raise DomainError(_l("The period is too long."), field="date_to")
    cost = amounts.money(c.cost if c.cost is not None else ZERO, "cost", label=_l("Cost"))
    c.cost = cost
    c.region = _text(c.region)
    if c.cancelled is None:
        c.cancelled = False


class CompetitorRules(Rules):
    """A competitor has a name; website and brands trimmed."""

    def create(self, session, item, actor) -> None:
        check_competitor(item)

    update = create


class MarketTermsRules(Rules):
    """Terms of a segment (ours without a competitor): a known loaner policy, warranty
    0-240 months, repair 0-365 days, prices zero or more."""

    def create(self, session, item, actor) -> None:
        check_terms(item)

    update = create


class CampaignRules(Archived):
    """A named promotion or event of a known kind over a period (at most ten years),
    its cost zero or more; cancelled, never deleted."""

    not_deleted_message = _l("Promotions and events are not deleted: mark them cancelled.")

    def create(self, session, item, actor) -> None:
        check_campaign(item)

    update = create


# ------------------------------------------------------------------ side by side


@dataclass
class Comparison:
    segment: str
    companies: list[str]
    ours: list[bool]
    rows: list[tuple[str, list[str]]]


def comparison(session: Session) -> list[Comparison]:
    """Per segment, our terms first and then each active competitor's newest terms."""
    from modules.dashboard.services.fmt import number

    terms = session.scalars(
        select(MarketTerms)
        .options(selectinload(MarketTerms.competitor))
        .order_by(MarketTerms.segment, MarketTerms.valid_from, MarketTerms.id)
    ).all()
    by_segment: dict[str, dict[int | None, MarketTerms]] = {}
    for t in terms:
        if t.competitor is not None and not t.competitor.active:
            continue
        by_segment.setdefault(t.segment, {})[t.competitor_id] = t  # newest wins
    out = []
    for segment, found in sorted(by_segment.items(), key=lambda kv: kv[0].lower()):
        keys = sorted(found, key=lambda k: (k is not None, found[k].company.lower()))
        cols = [found[k] for k in keys]

        def line(label, get, cols=cols):
            return (str(label), [get(t) for t in cols])

        rows = [
            line(
                _l("Warranty (months)"),
                lambda t: "" if t.warranty_months is None else str(t.warranty_months),
            ),
            line(
                _l("Repair time (days)"),
                lambda t: "" if t.repair_days is None else str(t.repair_days),
            ),
            line(_l("Loaner"), lambda t: LOANER_POLICIES.label(t.loaner)),
            line(
                _l("Service contract, a year"),
                lambda t: "" if t.contract_price is None else number(t.contract_price, MONEY),
            ),
            line(
                _l("Extended warranty"),
                lambda t: (
                    ""
                    if t.extended_warranty_price is None
                    else number(t.extended_warranty_price, MONEY)
                ),
            ),
            line(_l("Valid from"), lambda t: t.valid_from.isoformat() if t.valid_from else ""),
        ]
        out.append(
            Comparison(
                segment=segment,
                companies=[t.company for t in cols],
                ours=[t.competitor_id is None for t in cols],
                rows=rows,
            )
        )
    return out


# ------------------------------------------------------------------ campaign effect


@dataclass
class MeasureRow:
    key: str
    label: str
    unit: str
    current: Decimal | int | None
    previous: Decimal | int | None
    revenue: bool

    @property
    def change(self):
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def change_pct(self) -> Decimal | None:
        if self.change is None or not self.previous:
            return None
        return (Decimal(self.change) * 100 / Decimal(self.previous)).quantize(Decimal("0.1"))


@dataclass
class Effect:
    date_from: date
    date_to: date
    prev_from: date
    prev_to: date
    cost: Decimal
    rows: list[MeasureRow]

    @property
    def revenue_change(self) -> Decimal:
        return sum((Decimal(r.change or 0) for r in self.rows if r.revenue), ZERO)

    @property
    def net(self) -> Decimal:
        """Extra revenue against the period before, less the campaign's cost."""
        return self.revenue_change - self.cost

    @property
    def has_revenue(self) -> bool:
        return any(r.revenue for r in self.rows)


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    days = (date_to - date_from).days + 1
    prev_to = date_from - timedelta(days=1)
    return prev_to - timedelta(days=days - 1), prev_to


def effect(session: Session, campaign: Campaign) -> Effect:
    """Each measure (contributed, and every revenue source) during the campaign and in
    the period of the same length right before it. Revenue sources count only the
    campaign's region when it has one."""
    prev_from, prev_to = previous_period(campaign.date_from, campaign.date_to)
    rows = []
    cur: Decimal | int | None
    prev: Decimal | int | None
    for src in money.sources():
        if src.kind != REVENUE:
            continue
        cur = money.total_of(session, src, campaign.date_from, campaign.date_to, campaign.region)
        prev = money.total_of(session, src, prev_from, prev_to, campaign.region)
        rows.append(MeasureRow(src.key, money.source_label(src), MONEY, cur, prev, True))
    for _m, measure in insights.collect("measures"):
        try:
            cur = measure.compute(session, campaign.date_from, campaign.date_to)
            prev = measure.compute(session, prev_from, prev_to)
        except Exception:
            log.exception("measure %s failed", measure.key)
            session.rollback()
            cur = prev = None
        rows.append(MeasureRow(measure.key, str(measure.label), measure.unit, cur, prev, False))
    return Effect(
        campaign.date_from,
        campaign.date_to,
        prev_from,
        prev_to,
        Decimal(campaign.cost or 0),
        rows,
    )
