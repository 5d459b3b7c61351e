"""What the dashboard itself contributes: the home page, the notification delivery
(`flask aftersales notify`) and the figures of its market records."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.insights import COUNT, MONEY, Context, Insights, Kpi
from modules.dashboard.models import Campaign


def _running(session, ctx: Context) -> int:
    return session.scalar(
        select(func.count(Campaign.id)).where(
            Campaign.cancelled.is_(False),
            Campaign.date_from <= ctx.today,
            Campaign.date_to >= ctx.today,
        )
    )


def _cost_this_year(session, ctx: Context):
    start = ctx.today.replace(month=1, day=1)
    total = session.scalar(
        select(func.coalesce(func.sum(Campaign.cost), 0)).where(
            Campaign.cancelled.is_(False),
            Campaign.date_from >= start,
            Campaign.date_from < start.replace(year=start.year + 1),
        )
    )
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


def _running_link(ctx: Context) -> str:
    day = ctx.today
    before, after = (day - timedelta(days=1)).isoformat(), (day + timedelta(days=1)).isoformat()
    return (
        f"/campaignview/list/?_flt_2_date_from={after}&_flt_1_date_to={before}&_flt_1_cancelled=y"
    )


def _home(view):
    from modules.dashboard.views import dashboard_page

    return dashboard_page(view)


def _deliver(session, today, send_mail):
    from modules.dashboard.services.notify import deliver

    return deliver(session, today, send_mail)


def _year_link(ctx: Context) -> str:
    start = ctx.today.replace(month=1, day=1)
    before = start - timedelta(days=1)  # FAB's "greater than" and "smaller than" are strict
    after = start.replace(year=start.year + 1)
    return (
        f"/campaignview/list/?_flt_1_date_from={before.isoformat()}"
        f"&_flt_2_date_from={after.isoformat()}&_flt_1_cancelled=y"
    )


INSIGHTS = Insights(
    kpis=[
        Kpi(
            "dashboard.campaigns_running",
            _l("Promotions and events running"),
            _running,
            link=_running_link,
            resource="Campaign",
            unit=COUNT,
            group=_l("Market"),
            order=800,
        ),
        Kpi(
            "dashboard.campaign_cost",
            _l("Promotions and events: cost this year"),
            _cost_this_year,
            link=_year_link,
            resource="Campaign",
            unit=MONEY,
            group=_l("Market"),
            order=810,
            costs=True,
        ),
    ],
    home=_home,
    deliver=_deliver,
)
